// Reads the posts: every file under the posts folder that the convention calls a post, on its
// real path, checked to be UTF-8 and kept as bytes until something needs their text.
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, promises as fs, readSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../model.js';
import type { Convention } from '../parse/conventions/index.js';
import type { SourceFile } from '../parse/post.js';
import { lineNumberAt } from '../parse/lines.js';
import { globMatcher } from './globs.js';

/**
 * A post as read: its bytes, known to be valid UTF-8 without NUL. Kept as bytes because a warm
 * build never needs the text of a post the cache holds: 37 MB of strings at 10,000 posts that
 * would only be made, hashed and collected (see sourceText).
 */
export interface PostFile {
  /** Path relative to the working directory, as diagnostics print it. */
  file: string;
  bytes: Uint8Array;
}

/** The post's text: UTF-8 without its byte order mark, as every stage reads it. */
export function sourceText(post: PostFile): SourceFile {
  return { file: post.file, text: textOf(post.bytes) };
}

/** A post's bytes as its text (see sourceText). */
export function textOf(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

export interface LoadedPosts {
  sources: PostFile[];
  diagnostics: Diagnostic[];
  /** Real path of the posts folder (links followed): local media must resolve inside it. */
  root: string;
}

export interface LoadPostsOptions {
  /** Working directory that displayed paths are relative to. */
  cwd: string;
  maxFileBytes: number;
  maxPosts: number;
  /** Which file names are posts, which are list pages, whether `slug/index.md` is a bundle. */
  convention: Pick<Convention, 'extensions' | 'listPages' | 'bundleResources'>;
  /** Glob patterns of files below the posts folder that are not posts. */
  exclude: readonly string[];
  /** Told how many posts were found, before they are read: work that will follow can start meanwhile. */
  onListed?: (count: number) => void;
}

/** A post found by the walk: the path the user knows it by, and the vetted path it is read from. */
interface Found {
  shown: string;
  real: string;
}

/**
 * Lists every post file below `postsDir` (sorted, so output never depends on directory order) and
 * reads them as UTF-8. Symlinks are followed only when their real path stays inside the posts
 * folder's real path, and every post is read from that vetted real path. In a Hugo leaf bundle (a
 * folder with an `index` post) the other files are the post's resources, not posts.
 */
export async function loadPosts(postsDir: string, options: LoadPostsOptions): Promise<LoadedPosts> {
  const { convention } = options;
  const hasPostExtension = (name: string) => convention.extensions.includes(path.extname(name).toLowerCase());
  const isPostName = (name: string) => hasPostExtension(name) && !convention.listPages.includes(name);
  const excluded = options.exclude.length > 0 ? globMatcher(options.exclude) : undefined;
  const diagnostics: Diagnostic[] = [];
  const display = (absolute: string) => path.relative(options.cwd, absolute) || '.';
  const problem = (absolute: string, code: string, message: string, field = 'file', line?: number): void => {
    diagnostics.push({ severity: 'error', code, file: display(absolute), ...(line !== undefined ? { line } : {}), field, message });
  };

  let root: string;
  try {
    root = await fs.realpath(postsDir);
    if (!(await fs.stat(root)).isDirectory()) {
      problem(postsDir, 'posts-not-folder', 'the posts folder is not a folder', 'posts');
      return { sources: [], diagnostics, root };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') problem(postsDir, 'posts-missing', 'the posts folder does not exist', 'posts');
    else problem(postsDir, 'posts-unreadable', `cannot open the posts folder (${code})`, 'posts');
    return { sources: [], diagnostics, root: path.resolve(postsDir) };
  }

  const found: Found[] = [];
  const visited = new Set<string>([root]);
  const walk = async (directory: string, shownAs: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(directory, { withFileTypes: true });
    } catch (error) {
      problem(shownAs, 'folder-unreadable', `cannot read the folder (${(error as NodeJS.ErrnoException).code})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const bundleIndex = convention.bundleResources && directory !== root ? entries.find((entry) => isBundleIndex(entry.name)) : undefined;
    for (const entry of bundleIndex ? [bundleIndex] : entries) {
      if (entry.name.startsWith('.')) continue;
      const shown = path.join(shownAs, entry.name);
      if (excluded?.(path.relative(postsDir, shown).split(path.sep).join('/'))) continue;
      let real = path.join(directory, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          real = await fs.realpath(real);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'ELOOP') problem(shown, 'symlink-loop', 'symlink loop');
          else if (isPostName(entry.name)) problem(shown, 'symlink-broken', `broken symlink (${code})`);
          continue;
        }
        if (!isInside(real, root)) {
          problem(shown, 'symlink-outside', 'symlink points outside the posts folder; postfeed reads nothing outside it');
          continue;
        }
        const stat = await fs.stat(real);
        isDirectory = stat.isDirectory();
        isFile = stat.isFile();
      }
      if (isDirectory) {
        if (visited.has(real)) {
          problem(shown, 'symlink-loop', 'symlink loop: this folder is already being read');
          continue;
        }
        visited.add(real);
        if (hasPostExtension(entry.name)) {
          problem(shown, 'post-is-folder', 'is a folder, not a Markdown file');
          continue;
        }
        await walk(real, shown);
      } else if (isPostName(entry.name)) {
        if (isFile) found.push({ shown, real });
        else problem(shown, 'post-not-regular-file', 'is not a regular file');
      }
    }
  };
  await walk(root, postsDir);

  if (found.length > options.maxPosts) {
    problem(postsDir, 'too-many-posts', `holds ${found.length} posts; the limit is ${options.maxPosts} (limits.maxPosts)`, 'posts');
    return { sources: [], diagnostics, root };
  }

  options.onListed?.(found.length);
  const sources: PostFile[] = [];
  const arena = new ReadArena();
  for (const { shown, real } of found) {
    const result = readPost(real, options.maxFileBytes, arena);
    if ('problem' in result) problem(shown, result.code, result.problem, 'file', result.line);
    else sources.push({ file: display(shown), bytes: result.bytes });
  }

  if (found.length === 0 && diagnostics.length === 0) {
    problem(postsDir, 'no-posts', `holds no posts (${convention.extensions.join(' ')} files); refusing to publish empty feeds`, 'posts');
  }
  return { sources, diagnostics, root };

  function isBundleIndex(name: string): boolean {
    return path.basename(name, path.extname(name)) === 'index' && isPostName(name);
  }
}

/** Whether the real path `real` is `root` or below it. */
export function isInside(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Where the posts' bytes are read to: large blocks, each holding many posts, instead of a buffer
 * per post — 10,000 small allocations outside the heap, each one prompting the collector.
 */
class ReadArena {
  private block = new Uint8Array(0);
  private used = 0;

  /** Room for `size` bytes, kept for good once `keep` says how many of them were used. */
  take(size: number): Uint8Array {
    if (this.block.length - this.used < size) {
      this.block = new Uint8Array(Math.max(ARENA_BLOCK_BYTES, size));
      this.used = 0;
    }
    return this.block.subarray(this.used, this.used + size);
  }

  keep(bytes: number): void {
    this.used += bytes;
  }
}

const ARENA_BLOCK_BYTES = 1 << 20;

/**
 * Reads one post and checks it is UTF-8; returns its bytes or a message saying why it cannot be
 * used. Synchronous on purpose: for thousands of small files it is several times faster than the
 * promise API, whose every call is a round trip through the thread pool.
 */
function readPost(file: string, maxBytes: number, arena: ReadArena): Checked {
  let descriptor: number | undefined;
  try {
    // Non-blocking, so a FIFO put in place of a vetted file cannot hang the build; no final link.
    descriptor = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) return { code: 'post-not-regular-file', problem: 'is not a regular file' };
    const { size } = stat;
    if (size > maxBytes) return { code: 'file-too-large', problem: `is ${size} bytes; the limit is ${maxBytes} (limits.maxFileBytes)` };
    const bytes = arena.take(size);
    let offset = 0;
    while (offset < size) {
      const read = readSync(descriptor, bytes, offset, size - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    const checked = checkPost(bytes.subarray(0, offset));
    if ('bytes' in checked) arena.keep(offset);
    return checked;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      code: 'file-unreadable',
      problem: code === 'EACCES' ? 'cannot be read: permission denied' : `cannot be read (${code ?? (error as Error).message})`,
    };
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

type Checked = { bytes: Uint8Array } | { code: string; problem: string; line?: number };

/** Strict UTF-8, checked without decoding, with messages that say what the file actually is. */
function checkPost(bytes: Uint8Array): Checked {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { code: 'encoding-utf-16', problem: 'is UTF-16 (little-endian BOM); save it as UTF-8' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { code: 'encoding-utf-16', problem: 'is UTF-16 (big-endian BOM); save it as UTF-8' };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { code: 'binary-file', problem: 'contains a NUL byte: a binary file, not a Markdown post', line: lineNumberAt(bytes, nul) };
  if (isUtf8(bytes)) return { bytes };
  const offset = firstInvalidUtf8(bytes);
  return {
    code: 'encoding-not-utf-8',
    problem: `is not valid UTF-8 (byte 0x${bytes[offset]?.toString(16).padStart(2, '0')}); save it as UTF-8`,
    line: lineNumberAt(bytes, offset),
  };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    const length = byte < 0x80 ? 1 : byte >> 5 === 0x6 ? 2 : byte >> 4 === 0xe ? 3 : byte >> 3 === 0x1e ? 4 : 0;
    if (length === 0) return index;
    for (let k = 1; k < length; k++) if ((bytes[index + k]! & 0xc0) !== 0x80) return index;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(index, index + length));
    } catch {
      return index;
    }
    index += length;
  }
  return 0;
}
