// Writing the post cache: a new file beside the old one, then a rename, so a reader — another
// build running at the same time — sees the old file or the new one, never half of one. The last
// build to finish wins; each file is complete. Failing to write it only costs the next build time.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { packPieces, type EntryValue } from '../cache/pack.js';
import { CACHE_FILE } from '../source/cache-file.js';

const WRITE_BYTES = 1 << 20;

/** Writes the entries as the cache file in `dir`; returns why it could not, or undefined. */
export async function writeCacheFile(dir: string, entries: Iterable<[string, EntryValue]>): Promise<string | undefined> {
  const target = path.join(dir, CACHE_FILE);
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.mkdir(dir, { recursive: true });
    const handle = await fs.open(temporary, 'wx');
    try {
      // About a megabyte per write: one write per entry would be tens of thousands of calls.
      let batch: Uint8Array[] = [];
      let bytes = 0;
      for (const piece of packPieces(entries)) {
        batch.push(piece);
        bytes += piece.length;
        if (bytes >= WRITE_BYTES) {
          await handle.writeFile(Buffer.concat(batch));
          batch = [];
          bytes = 0;
        }
      }
      if (batch.length > 0) await handle.writeFile(Buffer.concat(batch));
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, target);
    return undefined;
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    return `cannot write ${CACHE_FILE} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}
