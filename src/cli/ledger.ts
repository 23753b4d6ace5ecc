// `postfeed ledger import <url|file>`: importLedger() → a table of what matched, then the ledger
// written (atomically, output/ledger.ts) when it changed.
import path from 'node:path';
import { escapeControls, formatDiagnostics, summarizeDiagnostics } from '../diagnostics/format.js';
import { writeLedger } from '../output/ledger.js';
import type { ImportResult } from '../run/ledger-import.js';
import { baseUrlOverride, timeoutFlag } from './flags.js';
import type { CommandSpec } from './commands.js';
import { EXIT, UsageError, type Terminal } from './terminal.js';

const SUBCOMMANDS = ['import'];

export const ledgerCommand = (terminal: Terminal): CommandSpec => ({
  name: 'ledger',
  positionals: 'import <url|file>',
  summary: 'record the ids of the feed published today (any generator) in the id ledger, so they never change',
  options: {
    config: { type: 'string', value: '<file>', help: 'config file (default: postfeed.config.json)' },
    posts: { type: 'string', value: '<dir>', help: 'posts folder (default: config "posts", else posts)' },
    'base-url': { type: 'string', value: '<url>', help: 'override baseUrl (also env POSTFEED_BASE_URL)' },
    timeout: { type: 'string', value: '<seconds>', help: 'per attempt to fetch the feed (default: 10; one retry)' },
  },
  async run(values, positionals) {
    const [subcommand, source, ...extra] = positionals;
    if (subcommand === undefined || !SUBCOMMANDS.includes(subcommand)) {
      throw new UsageError(subcommand === undefined ? 'ledger: say what to do: postfeed ledger import <url|file>' : `ledger: unknown subcommand "${subcommand}" (known: ${SUBCOMMANDS.join(', ')})`);
    }
    if (source === undefined || source === '') throw new UsageError('ledger import: give the published feed: a URL or a feed file');
    if (extra.length > 0) throw new UsageError(`ledger import: unexpected argument "${extra.join(' ')}"`);
    for (const flag of ['config', 'posts'] as const) {
      if (values[flag] === '') throw new UsageError(`--${flag}: must not be empty`);
    }
    const timeoutMs = timeoutFlag(values.timeout as string | undefined);
    const baseUrl = baseUrlOverride(values['base-url'] as string | undefined, process.env.POSTFEED_BASE_URL);
    // Loaded only for an import, so --help and --version answer at once.
    const { importLedger } = await import('../run/ledger-import.js');
    const result = await importLedger({
      from: source,
      ...(values.config !== undefined ? { configFile: values.config as string } : {}),
      ...(values.posts !== undefined ? { posts: values.posts as string } : {}),
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
    const lines = formatDiagnostics(result.diagnostics);
    if (lines.length > 0) terminal.stderr(lines.join('\n'));
    if (!result.ok || !result.ledger) {
      terminal.stderr(`postfeed: ${summarizeDiagnostics(result.diagnostics)}; the ledger was left as it was`);
      return EXIT.invalidInput;
    }
    for (const line of importTable(result)) terminal.stdout(escapeControls(line));
    const shown = escapeControls(path.relative(process.cwd(), result.ledger.path));
    if (result.ledger.text === undefined) {
      terminal.stdout(`postfeed: ${shown} already holds these ids; unchanged`);
      return EXIT.ok;
    }
    await writeLedger(result.ledger.path, result.ledger.text);
    terminal.stdout(`postfeed: wrote ${shown}; commit it, then run postfeed build`);
    return EXIT.ok;
  },
});

/** Matched posts with the id they keep, then what matched nothing on either side. */
function importTable(result: ImportResult): string[] {
  const lines = [`${result.feed}: ${result.matched.length} matched, ${result.unmatchedPosts.length} posts unmatched, ${result.unmatchedItems.length} items unmatched`];
  if (result.matched.length > 0) {
    const width = Math.max(...result.matched.map((match) => match.source.length)) + 2;
    lines.push('', 'matched (post → id it keeps):');
    for (const match of result.matched) {
      const note = match.frontMatterId ? `  (by ${match.by}; the front matter's id ${match.frontMatterId} wins, nothing recorded)` : `  (by ${match.by})`;
      lines.push(`  ${match.source.padEnd(width)}${match.id}${note}`);
    }
  }
  if (result.unmatchedPosts.length > 0) {
    lines.push('', 'posts in no item (they get postfeed\'s id: new, or older than the feed\'s limit):');
    for (const source of result.unmatchedPosts) lines.push(`  ${source}`);
  }
  if (result.unmatchedItems.length > 0) {
    lines.push('', 'items matching no post (by link, or by title and date):');
    for (const item of result.unmatchedItems) lines.push(`  ${item.id}${item.title ? `  "${item.title}"` : ''}`);
  }
  return lines;
}
