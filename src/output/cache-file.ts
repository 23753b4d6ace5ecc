// Writing the post cache: a new file beside the old one, then a rename, so a reader — another
// build running at the same time — sees the old file or the new one, never half of one. A build
// that changed little adds its new entries as a file of their own (`posts.cache.add-…`) instead of
// rewriting the main file: one edit of a large archive then writes kilobytes, not the whole
// cache. A full rewrite folds those files back in and removes them. The last build to finish wins;
// each file is complete. Failing to write only costs the next build time.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { packPieces, type EntryValue } from '../cache/pack.js';
import { ADDED_PREFIX, CACHE_FILE } from '../source/cache-file.js';

const WRITE_BYTES = 1 << 20;

/**
 * Writes `entries` as the whole cache in `dir`, then removes the files of added entries this
 * build read (`added`: their entries, where still used, are among `entries`); returns why it
 * could not, or undefined.
 */
export async function writeCacheFile(dir: string, entries: Iterable<[string, EntryValue]>, added: readonly string[] = []): Promise<string | undefined> {
  const unwritten = await writePackFile(dir, CACHE_FILE, entries);
  if (unwritten) return unwritten;
  // Only those read: files a concurrent build added meanwhile hold entries the new file lacks.
  for (const name of added) await fs.rm(path.join(dir, name), { force: true }).catch(() => undefined);
  return undefined;
}

/** Adds `entries` to the cache in `dir` as a file of their own; returns why it could not, or undefined. */
export function addCacheEntries(dir: string, entries: Iterable<[string, EntryValue]>): Promise<string | undefined> {
  return writePackFile(dir, `${ADDED_PREFIX}${randomBytes(6).toString('hex')}`, entries);
}

async function writePackFile(dir: string, name: string, entries: Iterable<[string, EntryValue]>): Promise<string | undefined> {
  const target = path.join(dir, name);
  const temporary = `${path.join(dir, CACHE_FILE)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.mkdir(dir, { recursive: true });
    const handle = await fs.open(temporary, 'wx');
    try {
      // Pieces gathered into one reused buffer, about a megabyte per write: one write per entry
      // would be tens of thousands of calls, and a new buffer per write is garbage on every call.
      const buffer = Buffer.allocUnsafeSlow(WRITE_BYTES);
      let filled = 0;
      for (const piece of packPieces(entries)) {
        if (filled + piece.length > WRITE_BYTES && filled > 0) {
          await handle.writeFile(buffer.subarray(0, filled));
          filled = 0;
        }
        if (piece.length >= WRITE_BYTES) await handle.writeFile(piece);
        else {
          buffer.set(piece, filled);
          filled += piece.length;
        }
      }
      if (filled > 0) await handle.writeFile(buffer.subarray(0, filled));
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, target);
    return undefined;
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    return `cannot write ${name} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}
