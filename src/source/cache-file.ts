// Reading the post cache (cache/post-cache.ts) and fingerprinting postfeed's own code for its keys.
// Never fails a build: a missing, unreadable or damaged file is an empty cache, and says why.
import { createHash } from 'node:crypto';
import { promises as fs, readdirSync, readFileSync, statSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { headerKind, packHeader, readPack } from '../cache/pack.js';

export const CACHE_FILE = 'posts.cache';
/**
 * Entries a build added without rewriting the whole file sit beside it in files named so (see
 * output/cache-file.ts); a temporary file (`posts.cache.tmp-…`) never matches.
 */
export const ADDED_PREFIX = `${CACHE_FILE}.add-`;

/** Larger than this is not a file postfeed wrote for any archive it can build; ignored. */
const MAX_CACHE_BYTES = 1536 * 1024 * 1024;

export interface CacheRead {
  entries: Map<string, Uint8Array>;
  /** Why the files could not be used (in whole or in part); undefined when they were fine or absent. */
  problem?: string;
  /** The files of added entries that were read (names in the folder), which a full rewrite replaces. */
  added: string[];
}

/**
 * The cache: its main file and the files of entries added since, as one map — only files made
 * with `salt` (see cache/pack.ts), the others are stale and not read. Asynchronous so the reading
 * (mostly the kernel filling fresh pages) runs on a thread-pool thread, on another core, while
 * this thread reads the posts.
 */
export async function readCacheFile(dir: string, salt: string): Promise<CacheRead> {
  const main = await readOne(path.join(dir, CACHE_FILE), salt);
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
    const read = await readOne(path.join(dir, name), salt);
    // Gone between the listing and the read: a concurrent build folded it into the main file.
    if (read.missing) continue;
    added.push(name);
    for (const [key, value] of read.entries) entries.set(key, value);
    if (read.problem) problem ??= `${name}: ${read.problem}`;
  }
  return { entries, added, ...(problem ? { problem } : {}) };
}

async function readOne(file: string, salt: string): Promise<{ entries: Map<string, Uint8Array>; problem?: string; missing?: true }> {
  let bytes: Buffer;
  try {
    const handle = await fs.open(file, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) return { entries: new Map(), problem: 'it is not a regular file' };
      // A stale file (an upgrade, a changed setting) is as large as a good one, and none of it is of use.
      const head = Buffer.alloc(packHeader(salt).length);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      if (headerKind(head.subarray(0, bytesRead), salt) === 'stale') return { entries: new Map() };
      if (stat.size > MAX_CACHE_BYTES) return { entries: new Map(), problem: `it is ${stat.size} bytes, more than any cache postfeed writes` };
      bytes = await readWhole(handle, stat.size);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { entries: new Map(), missing: true };
    return { entries: new Map(), problem: `it cannot be read (${code ?? (error as Error).message})` };
  }
  return readPack(bytes, salt);
}

/**
 * The file's bytes in as few reads as the kernel allows (one, normally): each read is a single
 * thread-pool task, so it goes on while this thread is busy — fs.readFile's small chunks would
 * each wait for a turn of this thread's event loop.
 */
async function readWhole(handle: FileHandle, size: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(size);
  let offset = 0;
  while (offset < size) {
    const { bytesRead } = await handle.read(bytes, offset, size - offset, offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return offset === size ? bytes : bytes.subarray(0, offset);
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
