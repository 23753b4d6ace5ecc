// `postfeed build`: flags → build() → diagnostics, or writeOutput() and one line per feed.
import path from 'node:path';
import { escapeControls, formatDiagnostics, shownPath, summarizeDiagnostics } from '../diagnostics/format.js';
import { now as clock } from '../run/clock.js';
import { recoverOutput, writeOutput } from '../output/commit.js';
import { writeLedger } from '../output/ledger.js';
import type { LedgerChange } from '../identity/ledger.js';
import type { CommandSpec } from './commands.js';
import { baseUrlOverride, limitFlag, workersFlag } from './flags.js';
import { EXIT, UsageError, type Terminal } from './terminal.js';

export const buildCommand = (terminal: Terminal): CommandSpec => ({
  name: 'build',
  summary: 'write the feeds from the posts',
  options: {
    config: { type: 'string', value: '<file>', help: 'config file (default: postfeed.config.json)' },
    posts: { type: 'string', value: '<dir>', help: 'posts folder (default: config "posts", else posts)' },
    out: { type: 'string', value: '<dir>', help: 'output folder (default: config "out", else dist)' },
    'base-url': { type: 'string', value: '<url>', help: 'override baseUrl (also env POSTFEED_BASE_URL), e.g. for deploy previews' },
    limit: { type: 'string', value: '<n>', help: 'newest posts per feed; 0 = all (default: config "limit", else 20)' },
    drafts: { type: 'boolean', help: 'include posts with draft: true' },
    future: { type: 'boolean', help: 'include posts dated in the future (now = SOURCE_DATE_EPOCH if set)' },
    strict: { type: 'boolean', help: 'treat warnings as errors' },
    'update-ledger': { type: 'boolean', help: 'record front-matter id changes in the ledger and drop entries of deleted posts' },
    'no-cache': { type: 'boolean', help: 'neither read nor write the cache of parsed and rendered posts' },
    'cache-dir': { type: 'string', value: '<dir>', help: 'where the cache lives (default: node_modules/.cache/postfeed)' },
    workers: { type: 'string', value: '<n>', help: 'worker threads that parse and render; 1 = none (default: every core, for 2000+ posts)' },
    quiet: { type: 'boolean', help: 'print nothing on success' },
  },
  async run(values) {
    const started = performance.now();
    const limit = limitFlag(values.limit as string | undefined);
    const workers = workersFlag(values.workers as string | undefined);
    const baseUrl = baseUrlOverride(values['base-url'] as string | undefined, process.env.POSTFEED_BASE_URL);
    for (const flag of ['config', 'posts', 'out', 'cache-dir'] as const) {
      if (values[flag] === '') throw new UsageError(`--${flag}: must not be empty`);
    }
    const now = clock();
    if ('problem' in now) throw new UsageError(`SOURCE_DATE_EPOCH: ${now.problem}`);
    const quiet = values.quiet === true;
    // Loaded only for a build, so --help and --version answer at once.
    const { build } = await import('../run/build.js');
    const result = await build({
      ...(values.config !== undefined ? { configFile: values.config as string } : {}),
      ...(values.posts !== undefined ? { posts: values.posts as string } : {}),
      ...(values.out !== undefined ? { out: values.out as string } : {}),
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(workers !== undefined ? { workers } : {}),
      cache: values['no-cache'] !== true,
      ...(values['cache-dir'] !== undefined ? { cacheDir: values['cache-dir'] as string } : {}),
      drafts: values.drafts === true,
      future: values.future === true,
      strict: values.strict === true,
      updateLedger: values['update-ledger'] === true,
      now: now.date,
    });
    const { signal } = terminal.interrupt;
    terminal.writing = true;
    // A commit a killed run left half done is finished first, whatever this run's input holds.
    await recoverOutput(result.outDir, { signal });
    terminal.writing = false;

    const lines = formatDiagnostics(result.diagnostics);
    // Not a diagnostic: a damaged cache says nothing about the posts, and must not fail --strict.
    if (result.cache?.problem && !quiet) lines.push(`${shownPath(path.relative(process.cwd(), result.cache.dir) || '.')}: warning: ${result.cache.problem}`);
    if (lines.length > 0 && (!quiet || !result.ok)) terminal.stderr(lines.join('\n'));
    const outShown = escapeControls(path.relative(process.cwd(), result.outDir) || '.');
    if (!result.ok) {
      terminal.stderr(`postfeed: ${summarizeDiagnostics(result.diagnostics)}; nothing written, ${outShown}/ left as it was`);
      return EXIT.invalidInput;
    }

    // The ledger first: a published id is then always in it, even if writing the feeds fails or
    // is interrupted (a signal waits for the rename, then stops writeOutput before its commit).
    const ledger = result.ledger;
    terminal.writing = true;
    if (ledger?.text !== undefined) await writeLedger(ledger.path, ledger.text);
    const written = await writeOutput(result.outDir, result.files, { signal });
    terminal.writing = false;
    // A signal during the commit lets it finish: the new feeds are complete, and the exit says so.
    if (terminal.interruptedWith !== undefined) return terminal.interruptedWith;
    if (!quiet) {
      for (const file of written) {
        // Shown like a diagnostic's file, so an output folder named `::error …` cannot start a CI command.
        const shown = shownPath(path.relative(process.cwd(), file.path));
        terminal.stdout(`${shown}  ${file.items} items  ${file.bytes} bytes${file.changed ? '' : '  (unchanged)'}`);
      }
      if (ledger) for (const line of ledgerLines(ledger.path, ledger.changes)) terminal.stdout(line);
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const warnings = result.diagnostics.length > 0 ? `, ${summarizeDiagnostics(result.diagnostics)}` : '';
      const cache = result.cache;
      const reused = cache && cache.parseHits + cache.renderHits > 0 ? ` (from the cache: ${cache.parseHits} parsed, ${cache.renderHits} rendered${cache.memo === 'whole' ? ', the rest as the same build left it' : cache.memo === 'patched' ? ', the rest as the last build left it' : ''})` : '';
      terminal.stdout(`postfeed: ${result.posts} posts, ${written.length} feeds in ${seconds}s${reused}${warnings}`);
    }
    return EXIT.ok;
  },
});

/**
 * What the build did to the ledger, on stdout: notes, not diagnostics — a moved post that kept its
 * id is what the ledger is for, and must not fail --strict. New posts are counted, not listed.
 */
function ledgerLines(file: string, changes: readonly LedgerChange[]): string[] {
  const shown = shownPath(path.relative(process.cwd(), file));
  const added = changes.filter((change) => change.kind === 'added').length;
  const lines = changes.flatMap((change) => {
    switch (change.kind) {
      case 'added':
        return [];
      case 'moved':
        return [`moved: ${change.from} → ${change.to}, id kept (${change.id})`];
      case 'id-changed':
        return [`id changed on purpose: ${change.source}: ${change.from} → ${change.to} (the old id is kept in "previous")`];
      case 'dropped':
        return [`dropped ${change.source} (id ${change.id}): its post is gone`];
    }
  });
  if (added > 0) lines.push(`${added} ${added === 1 ? 'post' : 'posts'} added`);
  return lines.map((line) => `${shown}: ${escapeControls(line)}`);
}
