// Reading the post cache (cache/post-cache.ts) and fingerprinting postfeed's own code for its keys.
// Never fails a build: a missing, unreadable or damaged file is an empty cache, and says why.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, promises as fs, read as readFd, readdirSync, readFileSync, readSync, statSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import { headerKind, packHeader, readPack, type CopyResolver, type PartReference, type StoredValue } from '../cache/pack.js';
import type { Chunk, SpanSource } from '../model.js';
import { readFully, spanSource } from '../output/spans.js';

export const CACHE_FILE = 'posts.cache';
/**
 * Entries a build added without rewriting the whole file sit beside it in files named so (see
 * output/cache-file.ts); a temporary file (`posts.cache.tmp-…`) never matches.
 */
export const ADDED_PREFIX = `${CACHE_FILE}.add-`;
const FEED_COPY_PREFIX = `${CACHE_FILE}.feed-`;
/**
 * A build's feeds, kept whole beside the cache file (see output/cache-file.ts): a rendered post's
 * fragments are kept as where they lie in these, not as a second copy of their bytes. Named for
 * the build (12 hex digits) and the place of the feed in the build's files.
 */
export function feedCopyName(build: string, index: number): string {
  return `${FEED_COPY_PREFIX}${build}-${index}`;
}

/**
 * What a feed copy's file was when the cache file naming it was written: its inode, size and
 * modification time (ns). A copy still so, and last written before that cache file, has not been
 * written to since (any write sets the time to a later tick), so its references are trusted
 * without reading it back; see FeedCopies.
 */
export interface CopySeal {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

/** The seal of the file at `file` as it is now; undefined when it cannot be had (the copy is then read to check it). */
export function copySeal(file: string): CopySeal | undefined {
  try {
    const { ino, size, mtimeNs } = statSync(file, { bigint: true });
    return { ino, size, mtimeNs };
  } catch {
    return undefined;
  }
}

/** A copy as the cache file's FEED_COPIES_KEY entry lists it: its name, then its seal when known. */
export function feedCopyLine(name: string, seal: CopySeal | undefined): string {
  return seal ? `${name} ${seal.ino} ${seal.size} ${seal.mtimeNs}` : name;
}

function readFeedCopyLine(line: string): { name: string; seal?: CopySeal } {
  const [name = '', ...numbers] = line.split(' ');
  if (numbers.length !== 3 || !numbers.every((number) => /^[0-9]{1,30}$/.test(number))) return { name };
  const [ino, size, mtimeNs] = numbers.map((number) => BigInt(number)) as [bigint, bigint, bigint];
  return { name, seal: { ino, size, mtimeNs } };
}

/** Whether `name` is one feedCopyName makes: only those are opened or removed as copies. */
export function isFeedCopyName(name: string): boolean {
  return name.startsWith(FEED_COPY_PREFIX) && /^[0-9a-f]{12}-[0-9]{1,3}$/.test(name.slice(FEED_COPY_PREFIX.length));
}
/** Larger than this is not a file postfeed wrote for any archive it can build; ignored. */
const MAX_CACHE_BYTES = 1536 * 1024 * 1024;

export interface CacheRead {
  entries: Map<string, StoredValue>;
  /** Why the files could not be used (in whole or in part); undefined when they were fine or absent. */
  problem?: string;
  /** The files of added entries that were read (names in the folder), which a full rewrite replaces. */
  added: string[];
}

/**
 * The cache: its main file and the files of entries added since, as one map — only files made
 * with `salt` (see cache/pack.ts), the others are stale and not read. Every checksum is verified.
 * A file up to CACHE_READING.wholeFileBytes is read whole by one thread-pool read, while this thread reads
 * the posts; a larger one through one reused window, keeping copies of the small values and the
 * rendered posts' fragments as spans of the file, read again when the feeds are written — so a
 * warm build of a large archive never holds its cache whole.
 */
export async function readCacheFile(dir: string, salt: string): Promise<CacheRead> {
  const window = new Window();
  const main = await readOne(path.join(dir, CACHE_FILE), salt, window);
  const entries = main.entries;
  let problem = main.problem;
  const added: string[] = [];
  let names: string[] = [];
  try {
    names = (await fs.readdir(dir)).filter((name) => name.startsWith(ADDED_PREFIX)).sort();
  } catch {
    // No folder, no cache: the main file said so already.
  }
  for (const name of names) {
    const read = await readOne(path.join(dir, name), salt, window);
    // Gone between the listing and the read: a concurrent build folded it into the main file.
    if (read.missing) continue;
    added.push(name);
    for (const [key, value] of read.entries) entries.set(key, value);
    if (read.problem) problem ??= `${name}: ${read.problem}`;
  }
  return { entries, added, ...(problem ? { problem } : {}) };
}

async function readOne(file: string, salt: string, window: Window): Promise<{ entries: Map<string, StoredValue>; problem?: string; missing?: true }> {
  const copies = new FeedCopies(path.dirname(file));
  const read = await readOneWith(file, salt, window, copies);
  copies.close();
  FEED_COPY_CHECKS.read += copies.read;
  return copies.problem && !read.problem ? { ...read, problem: copies.problem } : read;
}

/** References into feed copies checked by reading their bytes, over this process: tests see whether a sealed copy was read. */
export const FEED_COPY_CHECKS = { read: 0 };

async function readOneWith(file: string, salt: string, window: Window, copies: FeedCopies): Promise<{ entries: Map<string, StoredValue>; problem?: string; missing?: true }> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { entries: new Map(), missing: true };
    return { entries: new Map(), problem: `it cannot be read (${code ?? (error as Error).message})` };
  }
  let spansOpen = false;
  try {
    const stat = fstatSync(fd, { bigint: true });
    if (!stat.isFile()) return { entries: new Map(), problem: 'it is not a regular file' };
    const size = Number(stat.size);
    copies.cacheFileTime = stat.mtimeNs;
    // A stale file (an upgrade, a changed setting) is as large as a good one, and none of it is of use.
    const head = Buffer.alloc(packHeader(salt).length);
    if (headerKind(head.subarray(0, readSync(fd, head, 0, head.length, 0)), salt) === 'stale') return { entries: new Map() };
    if (size > MAX_CACHE_BYTES) return { entries: new Map(), problem: `it is ${size} bytes, more than any cache postfeed writes` };
    if (size <= CACHE_READING.wholeFileBytes) {
      // Read at once and kept: values are views of it, fragments written to the feeds from it.
      const bytes = await readWhole(fd, size);
      return readPack({ size: bytes.length, bytesAt: (offset, length) => bytes.subarray(offset, offset + length), uint32At: (offset) => bytes.readUInt32LE(offset), keep: (view) => view, partAt: (offset, length) => bytes.subarray(offset, offset + length), copies }, salt);
    }
    // Larger: through the window, keeping copies of the small values and spans of the fragments.
    // The descriptor stays open while spans of the file are in use, and closes once none is.
    const source = spanSource(fd);
    spansOpen = true;
    window.attach(fd, size);
    return readPack({ size, bytesAt: (offset, length) => window.bytesAt(offset, length), uint32At: (offset) => window.uint32At(offset), keep: (view) => Buffer.from(view), partAt: (offset, length) => ({ source, offset, length }), copies }, salt);
  } catch (error) {
    return { entries: new Map(), problem: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  } finally {
    if (!spansOpen) closeSync(fd);
  }
}

/**
 * The feed copies one cache file refers to, opened when its FEED_COPIES_KEY entry is read. A
 * reference is handed out as a span of its copy; the copy stays open while spans of it are in use.
 * A copy still as its seal says, last written before the cache file was, is taken as it is: a
 * write to it since (through the output folder's hard link, say) would have moved its time past
 * the seal's, and its size too if it grew or shrank. Any other copy has each reference checked
 * against its bytes (read through a window per copy: a file's references into one copy come in
 * ascending order). A copy that is gone leaves its entries out (the build that wrote the cache
 * may not have kept it, see output/cache-file.ts); one whose bytes no longer match — a feed edited
 * in place, the copies being hard links of the feeds — is damage, said once.
 */
class FeedCopies implements CopyResolver {
  private opened: Array<{ name: string; source: SpanSource; size: number; window: Window; sealed: boolean } | undefined> = [];
  problem: string | undefined;
  /** When the cache file naming the copies was last written (ns): a sealed copy was last written before. */
  cacheFileTime: bigint | undefined;
  /** References checked by reading the copy. */
  read = 0;

  constructor(private readonly dir: string) {}

  copies(lines: readonly string[]): void {
    this.close();
    this.opened = lines.map((line) => {
      const { name, seal } = readFeedCopyLine(line);
      if (!isFeedCopyName(name)) return undefined;
      let fd: number | undefined;
      let stat: BigIntStats;
      try {
        fd = openSync(path.join(this.dir, name), 'r');
        stat = fstatSync(fd, { bigint: true });
      } catch {
        if (fd !== undefined) closeSync(fd);
        return undefined;
      }
      const sealed =
        seal !== undefined &&
        this.cacheFileTime !== undefined &&
        stat.ino === seal.ino &&
        stat.size === seal.size &&
        stat.mtimeNs === seal.mtimeNs &&
        seal.mtimeNs < this.cacheFileTime;
      const window = new Window();
      window.attach(fd, Number(stat.size));
      return { name, source: spanSource(fd), size: Number(stat.size), window, sealed };
    });
  }

  resolve(reference: PartReference): Chunk | undefined {
    const copy = this.opened[reference.copy];
    if (!copy) return undefined;
    const { offset, length } = reference;
    if (offset + length > copy.size || (!copy.sealed && !this.holds(copy.window, reference))) {
      this.problem ??= `${copy.name} no longer holds what the cache file says it does (a feed changed in place?)`;
      return undefined;
    }
    return { source: copy.source, offset, length };
  }

  private holds(window: Window, { offset, length, crc }: PartReference): boolean {
    this.read++;
    return crc32(window.bytesAt(offset, length)) === crc;
  }

  /** Lets go of the windows; the copies stay open while their spans are in use. */
  close(): void {
    for (const copy of this.opened) copy?.window.release();
    this.opened = [];
  }
}

/**
 * Up to this size a cache file is read whole and held (one read; with the posts read meanwhile
 * this is the faster way); a larger one — an archive of tens of thousands of posts — through a
 * window, so a warm build does not hold it (at 50,000 posts it is 800 MB). Tests lower it to
 * read small files through the window too.
 */
export const CACHE_READING = { wholeFileBytes: 256 << 20 };

/** Bytes read at a time; an entry larger than this is read on its own. */
const WINDOW_BYTES = 8 << 20;

/**
 * The file's bytes in as few reads as the kernel allows (one, normally): each read is a single
 * thread-pool task, so it goes on while this thread reads the posts.
 */
async function readWhole(fd: number, size: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(size);
  let read = 0;
  while (read < size) {
    const got = await new Promise<number>((resolve, reject) => readFd(fd, bytes, read, size - read, read, (error, count) => (error ? reject(error) : resolve(count))));
    if (got === 0) break;
    read += got;
  }
  return read === size ? bytes : bytes.subarray(0, read);
}

/** A file's bytes through one reused buffer, refilled wherever the next read begins. */
class Window {
  /** Made on the first read: most builds read their cache whole and never use the window. */
  private buffer: Buffer | undefined;
  private fd = -1;
  private size = 0;
  private start = 0;
  private end = 0;

  attach(fd: number, size: number): void {
    this.fd = fd;
    this.size = size;
    this.start = this.end = 0;
  }

  release(): void {
    this.buffer = undefined;
    this.start = this.end = 0;
  }

  /** Read where the window holds it, without making a view (readPack asks for two per entry). */
  uint32At(offset: number): number {
    if (!this.buffer || offset < this.start || offset + 4 > this.end) this.bytesAt(offset, 4);
    return this.buffer!.readUInt32LE(offset - this.start);
  }

  bytesAt(offset: number, length: number): Buffer {
    if (this.buffer && offset >= this.start && offset + length <= this.end) return this.buffer.subarray(offset - this.start, offset - this.start + length);
    if (length > WINDOW_BYTES) return this.fill(Buffer.allocUnsafe(length), offset, length);
    const filled = Math.min(WINDOW_BYTES, this.size - offset);
    this.fill((this.buffer ??= Buffer.allocUnsafeSlow(WINDOW_BYTES)), offset, filled);
    this.start = offset;
    this.end = offset + filled;
    return this.buffer.subarray(0, length);
  }

  private fill(into: Buffer, offset: number, length: number): Buffer {
    const read = readFully(this.fd, into, length, offset);
    if (read < length) throw new Error(`the file ended at byte ${offset + read} while it was read`);
    return into.subarray(0, length);
  }
}

/**
 * postfeed's code as the cache sees it: its version and a hash of every module file's bytes, so
 * an edited checkout never reuses entries an older build of the code made, while recompiling the
 * same sources (`npm run build` does each time) keeps them.
 */
export function codeFingerprint(): string {
  // The modules do not change under a running process; hashing them once is enough.
  fingerprint ??= hashModules();
  return fingerprint;
}

let fingerprint: string | undefined;

function hashModules(): string {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  let version = '?';
  try {
    version = (JSON.parse(readFileSync(path.join(root, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // Unusual layouts still get the modules' contents.
  }
  const hash = createHash('sha256').update(version);
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      const stat = statSync(file, { throwIfNoEntry: false });
      if (stat?.isDirectory()) walk(file);
      // Modules only (lib/*.js, or src/*.ts when the sources run): not declarations or maps.
      else if (stat?.isFile() && /\.(?:js|ts)$/.test(name) && !name.endsWith('.d.ts')) {
        hash.update(`\0${path.relative(root, file)}\0`).update(readFileSync(file));
      }
    }
  };
  walk(root);
  return hash.digest('base64url');
}

/** Where a build keeps the config it validated last (see run/config.ts). */
export const CONFIG_MEMO_FILE = 'config.json';

/** A validated config and its site, under the key of what they were validated from. */
export interface ConfigMemo {
  key: string;
  config: unknown;
  site: unknown;
}

/** The config a build validated last, if the memo file holds one; anything unreadable is no memo. */
export function readConfigMemo(dir: string): ConfigMemo | undefined {
  try {
    const memo = JSON.parse(readFileSync(path.join(dir, CONFIG_MEMO_FILE), 'utf8')) as Partial<ConfigMemo> | null;
    if (typeof memo?.key !== 'string' || typeof memo.config !== 'object' || memo.config === null || typeof memo.site !== 'object' || memo.site === null) return undefined;
    return { key: memo.key, config: memo.config, site: memo.site };
  } catch {
    return undefined;
  }
}
