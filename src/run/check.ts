// `check()`: the built feeds → lint findings, and with `against`, a comparison with the feeds
// published today. Reads through source/, judges through check/; writes nothing.
import path from 'node:path';
import { comparisonDiagnostics, compareFeeds, type FeedChange, type FeedComparison } from '../check/diff.js';
import type { FeedText } from '../check/lint.js';
import type { ComparableItem } from '../check/read-feed.js';
import { FORMAT_NAMES } from '../formats/registry.js';
import { hasErrors } from '../diagnostics/severity.js';
import type { Diagnostic, FeedFormat } from '../model.js';
import { feedUrl } from '../plan/feeds.js';
import { recordedIdChange } from '../identity/ledger.js';
import { readLedgerFile } from '../source/ledger-file.js';
import { readFeedFiles, readPublished } from '../source/published.js';
import { loadSiteConfig, type ConfigSource } from './config.js';

export interface CheckOptions extends Partial<Omit<ConfigSource, 'posts'>> {
  /** The feeds published today: an http(s) URL, a feed file, or a folder with the output names. */
  against?: string;
  /** How long one attempt to fetch `against` may take; default 10 s. */
  timeoutMs?: number;
  /**
   * Id changes and removals made on purpose: reported, not failed (see FeedChange). Default: the
   * id changes the ledger records (made with `build --update-ledger`).
   */
  intended?: (change: FeedChange) => boolean;
}

/** A built feed as the report lists it. */
export interface CheckedFeed {
  format: FeedFormat;
  file: string;
  bytes: number;
  items: number;
}

export interface CheckResult {
  /** False when any finding is an error. */
  ok: boolean;
  diagnostics: Diagnostic[];
  feeds: CheckedFeed[];
  /** One per published feed compared; empty without `against`. */
  comparisons: FeedComparison[];
}

export async function check(options: CheckOptions = {}): Promise<CheckResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const display = (absolute: string) => path.relative(cwd, absolute) || '.';
  // The feed parsers behind lint and read-feed take a second to load; `import { build } from 'postfeed'` does not pay for them.
  const [{ lintFeeds }, { readItems }] = await Promise.all([import('../check/lint.js'), import('../check/read-feed.js')]);
  const loaded = await loadSiteConfig({ ...options, cwd });
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics, feeds: [], comparisons: [] };
  const { config, site } = loaded;

  const diagnostics: Diagnostic[] = [];
  const texts: FeedText[] = [];
  for (const read of await readFeedFiles(path.resolve(cwd, config.out), config.output, display)) {
    if ('text' in read) texts.push({ format: read.format, file: read.name, text: read.text, bytes: read.bytes });
    else {
      const [code, message] = 'missing' in read ? ['feed-missing', 'does not exist; run postfeed build first (with the same --out and config)'] : ['feed-unreadable', read.problem];
      diagnostics.push({ severity: 'error', code, file: read.name, message });
    }
  }
  const selfUrls = Object.fromEntries(FORMAT_NAMES.map((format) => [format, feedUrl(site, config, format)])) as Record<FeedFormat, string>;
  diagnostics.push(...lintFeeds(texts, { selfUrls, maxFeedBytes: config.check.maxFeedBytes }));

  const built = new Map<FeedFormat, { file: string; items: ComparableItem[] }>();
  const feeds: CheckedFeed[] = texts.map(({ format, file, text, bytes }) => {
    const read = readItems(text);
    const items = 'items' in read ? read.items : [];
    built.set(format, { file, items });
    return { format, file, bytes, items: items.length };
  });

  const comparisons: FeedComparison[] = [];
  if (options.against !== undefined) {
    const ledgerFile = path.resolve(cwd, config.ledger);
    const ledger = await readLedgerFile(ledgerFile, display(ledgerFile));
    if ('diagnostic' in ledger) diagnostics.push(ledger.diagnostic);
    const entries = 'entries' in ledger ? ledger.entries : [];
    const intended = options.intended ?? ((change: FeedChange) => change.kind === 'id-changed' && recordedIdChange(entries, change.from, change.to));
    const published = await readPublished(options.against, { cwd, names: config.output, display, timeoutMs: options.timeoutMs });
    diagnostics.push(...published.diagnostics);
    for (const feed of published.feeds) {
      const read = readItems(feed.text);
      if ('problem' in read) {
        const where = feed.isUrl ? { message: `${feed.name} ${read.problem}` } : { file: feed.name, message: read.problem };
        diagnostics.push({ severity: 'error', code: 'published-unreadable', field: '--against', ...where });
        continue;
      }
      const counterpart = built.get(read.format);
      if (counterpart === undefined) continue; // Its absence is already an error above.
      const comparison = compareFeeds({ name: feed.name, items: read.items }, { format: read.format, ...counterpart }, { limit: config.limit, intended });
      comparisons.push(comparison);
      diagnostics.push(...comparisonDiagnostics(comparison));
    }
  }
  return { ok: !hasErrors(diagnostics), diagnostics, feeds, comparisons };
}
