// Reads the id ledger: a missing file is an empty ledger (the first build creates it); a file
// that cannot be read or parsed is an error naming it, so nothing is built on a wrong ledger.
import { promises as fs } from 'node:fs';
import type { Diagnostic } from '../model.js';
import { parseLedger, type LedgerEntry } from '../identity/ledger.js';

export interface LedgerFile {
  entries: LedgerEntry[];
  /** The text as read; absent when there was no file. The ledger is rewritten only when it differs. */
  text?: string;
}

export async function readLedgerFile(absolute: string, name: string): Promise<LedgerFile | { diagnostic: Diagnostic }> {
  let text: string;
  try {
    text = await fs.readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { entries: [] };
    return { diagnostic: { severity: 'error', code: 'ledger-unreadable', file: name, field: 'ledger', message: `cannot be read (${code ?? (error as Error).message})` } };
  }
  const parsed = parseLedger(text, name);
  return 'diagnostic' in parsed ? parsed : { entries: parsed.entries, text };
}
