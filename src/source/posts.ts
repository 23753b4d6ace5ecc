// The only stage that reads the file system: the config file, the posts, the sizes of local images.
import { closeSync, fstatSync, openSync, promises as fs, readSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from './model.js';
import type { SourceFile } from './parse/post.js';

export const POST_EXTENSIONS = /\.(md|markdown)$/i;

export interface LoadedConfig {
  raw?: unknown;
  diagnostics: Diagnostic[];
}

/** Reads and JSON-parses the config file; a missing or malformed file is an error naming it. */
export async function loadConfigFile(configPath: string, displayPath: string): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await fs.readFile(configPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'config file not found; create it (see README: Configuration) or pass --config'
        : `cannot read the config file (${code ?? (error as Error).message})`;
    return { diagnostics: [{ severity: 'error', file: displayPath, field: 'config', message }] };
  }
  try {
    return { raw: JSON.parse(text.replace(/^\uFEFF/, '')), diagnostics: [] };
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : undefined;
    return {
      diagnostics: [
        { severity: 'error', file: displayPath, ...(line ? { line } : {}), field: 'config', message: `is not valid JSON: ${message}` },
      ],
    };
  }
}

export interface LoadedPosts {
  sources: SourceFile[];
  diagnostics: Diagnostic[];
}

export interface LoadPostsOptions {
  /** Working directory that displayed paths are relative to. */
  cwd: string;
  maxFileBytes: number;
  maxPosts: number;
}

/**
 * Lists every .md/.markdown file below `postsDir` (sorted, so output never depends on directory
 * order) and reads them as UTF-8. Symlinks are followed only when they stay inside `postsDir`.
 */
export async function loadPosts(postsDir: string, options: LoadPostsOptions): Promise<LoadedPosts> {
  const diagnostics: Diagnostic[] = [];
  const display = (absolute: string) => path.relative(options.cwd, absolute) || '.';
  const problem = (absolute: string, message: string, field = 'file', line?: number): void => {
    diagnostics.push({ severity: 'error', file: display(absolute), ...(line !== undefined ? { line } : {}), field, message });
  };

  let root: string;
  try {
    root = await fs.realpath(postsDir);
    if (!(await fs.stat(root)).isDirectory()) {
      problem(postsDir, 'the posts folder is not a folder', 'posts');
      return { sources: [], diagnostics };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problem(postsDir, code === 'ENOENT' ? 'the posts folder does not exist' : `cannot open the posts folder (${code})`, 'posts');
    return { sources: [], diagnostics };
  }

  const files: string[] = [];
  const visited = new Set<string>([root]);
  const walk = async (directory: string, shownAs: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(directory, { withFileTypes: true });
    } catch (error) {
      problem(shownAs, `cannot read the folder (${(error as NodeJS.ErrnoException).code})`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const shown = path.join(shownAs, entry.name);
      let real = path.join(directory, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          real = await fs.realpath(real);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (POST_EXTENSIONS.test(entry.name) || code === 'ELOOP') {
            problem(shown, code === 'ELOOP' ? 'symlink loop' : `broken symlink (${code})`);
          }
          continue;
        }
        if (real !== root && !real.startsWith(root + path.sep)) {
          problem(shown, 'symlink points outside the posts folder; postfeed reads nothing outside it');
          continue;
        }
        const stat = await fs.stat(real);
        isDirectory = stat.isDirectory();
        isFile = stat.isFile();
      }
      if (isDirectory) {
        if (visited.has(real)) {
          problem(shown, 'symlink loop: this folder is already being read');
          continue;
        }
        visited.add(real);
        if (POST_EXTENSIONS.test(entry.name)) {
          problem(shown, 'is a folder, not a Markdown file');
          continue;
        }
        await walk(real, shown);
      } else if (POST_EXTENSIONS.test(entry.name)) {
        if (isFile) files.push(shown);
        else problem(shown, 'is not a regular file');
      }
    }
  };
  await walk(root, postsDir);

  if (files.length > options.maxPosts) {
    problem(postsDir, `holds ${files.length} posts; the limit is ${options.maxPosts} (limits.maxPosts)`, 'posts');
    return { sources: [], diagnostics };
  }

  const sources: SourceFile[] = [];
  for (const file of files) {
    const result = readPost(file, options.maxFileBytes);
    if ('problem' in result) problem(file, result.problem, 'file', result.line);
    else sources.push({ file: display(file), text: result.text });
  }

  if (files.length === 0 && diagnostics.length === 0) {
    problem(postsDir, 'holds no .md posts; refusing to publish empty feeds', 'posts');
  }
  return { sources: sources.filter((source): source is SourceFile => source !== undefined), diagnostics };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Reads one post as strict UTF-8; returns the text or a message saying why it cannot be used.
 * Synchronous on purpose: for thousands of small files it is several times faster than the
 * promise API, whose every call is a round trip through the thread pool.
 */
function readPost(file: string, maxBytes: number): Decoded {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, 'r');
    const { size } = fstatSync(descriptor);
    if (size > maxBytes) return { problem: `is ${size} bytes; the limit is ${maxBytes} (limits.maxFileBytes)` };
    const bytes = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const read = readSync(descriptor, bytes, offset, size - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return decodePost(bytes.subarray(0, offset));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'EACCES' ? 'cannot be read: permission denied' : `cannot be read (${code ?? (error as Error).message})` };
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

type Decoded = { text: string } | { problem: string; line?: number };

/** Strict UTF-8 decoding with messages that say what the file actually is. */
export function decodePost(bytes: Uint8Array): Decoded {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { problem: 'is UTF-16 (little-endian BOM); save it as UTF-8' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { problem: 'is UTF-16 (big-endian BOM); save it as UTF-8' };
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { problem: 'contains a NUL byte: a binary file, not a Markdown post', line: lineAt(bytes, nul) };
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    return {
      problem: `is not valid UTF-8 (byte 0x${bytes[offset]?.toString(16).padStart(2, '0')}); save it as UTF-8`,
      line: lineAt(bytes, offset),
    };
  }
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset; index++) if (bytes[index] === 0x0a) line++;
  return line;
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

/** Size in bytes of a local file, or undefined when it is missing or not a file. */
export async function fileSize(file: string): Promise<number | undefined> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}
