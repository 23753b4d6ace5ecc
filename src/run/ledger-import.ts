// `importLedger()`: the feed published today (any generator) → each post's published id in the
// ledger, so postfeed's first feed carries the ids subscribers already have. Reads through
// source/, matches through identity/; returns the ledger text and writes nothing.
import path from 'node:path';
import type { ComparableItem } from '../check/read-feed.js';
import { assignIdentities } from '../identity/assign.js';
import { importIds, matchItems, type ImportMatch } from '../identity/ledger-import.js';
import { matchLedger, serializeLedger } from '../identity/ledger.js';
import { hasErrors } from '../diagnostics/severity.js';
import type { Diagnostic } from '../model.js';
import { readLedgerFile } from '../source/ledger-file.js';
import { readPublished } from '../source/published.js';
import { readPosts, type BuildOptions } from './build.js';

export interface ImportOptions extends Pick<BuildOptions, 'cwd' | 'configFile' | 'config' | 'posts' | 'baseUrl'> {
  /** The feed published today: an http(s) URL or a feed file (RSS, Atom or JSON Feed). */
  from: string;
  /** How long one attempt to fetch `from` may take; default 10 s. */
  timeoutMs?: number;
}

export interface ImportResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** The feed the ids were read from, as named in messages. */
  feed?: string;
  matched: ImportMatch[];
  unmatchedPosts: string[];
  unmatchedItems: ComparableItem[];
  /** The ledger to write: `text` is set only when it changed. Absent when the import failed. */
  ledger?: { path: string; text?: string };
}

export async function importLedger(options: ImportOptions): Promise<ImportResult> {
  const failed = (diagnostics: Diagnostic[]): ImportResult => ({ ok: false, diagnostics, matched: [], unmatchedPosts: [], unmatchedItems: [] });
  const read = await readPosts(options);
  if (!read.ok) return failed(read.diagnostics);
  const { cwd, display, config, site, parsed } = read;
  const ledgerFile = path.resolve(cwd, config.ledger);
  const ledger = await readLedgerFile(ledgerFile, display(ledgerFile));
  if ('diagnostic' in ledger) return failed([...read.diagnostics, ledger.diagnostic]);
  const ledgerMatches = matchLedger(parsed, ledger.entries);
  const identified = assignIdentities(parsed, config, site, (file) => ledgerMatches.get(file)?.entry.id);
  const diagnostics = [...read.diagnostics, ...identified.diagnostics];
  if (hasErrors(diagnostics)) return failed(diagnostics);

  const published = await readPublished(options.from, { cwd, names: config.output, display, timeoutMs: options.timeoutMs });
  diagnostics.push(...published.diagnostics.map((diagnostic) => ({ ...diagnostic, field: 'ledger import' })));
  const feed = published.feeds[0];
  if (feed === undefined) return failed(diagnostics);
  // feedsmith takes a second to load: only an import pays for it.
  const { readItems } = await import('../check/read-feed.js');
  const items = readItems(feed.text);
  if ('problem' in items) {
    const where = feed.isUrl ? { message: `${feed.name} ${items.problem}` } : { file: feed.name, message: items.problem };
    return failed([...diagnostics, { severity: 'error', code: 'published-unreadable', field: 'ledger import', ...where }]);
  }
  const posts = identified.posts.filter((post) => !post.draft && !post.hiddenBy);
  const matches = matchItems(posts, items.items);
  const text = serializeLedger(importIds(ledger.entries, posts, ledgerMatches, matches.matched));
  return { ok: true, diagnostics, feed: feed.name, ...matches, ledger: { path: ledgerFile, ...(text !== ledger.text ? { text } : {}) } };
}
