// Writes the id ledger: the whole text to a temporary file in the same folder, synced, then
// renamed over the old one, so the ledger is always the old one or the new one, never half.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { OutputError } from './errors.js';

export async function writeLedger(file: string, text: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await fs.open(temporary, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw new OutputError(`cannot write the ledger ${file}: ${(error as Error).message}`);
  }
}
