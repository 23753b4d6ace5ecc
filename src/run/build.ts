// The pipeline: config → source → parse → identity → select → render → plan → formats.
// Returns the files it would write and every diagnostic; writing is a separate step (output/),
// so a failed build touches nothing.
import path from 'node:path';
import { authorIndex } from '../config/authors.js';
import type { Config, ConfigInput } from '../config/schema.js';
import { loadAuthorsFile } from '../source/authors-file.js';
import { envelopeBytes, serializeFeeds, withCopy, type EnvelopeBytes } from '../formats/registry.js';
import { MalformedOutputError } from '../formats/well-formed.js';
import { assignIdentities } from '../identity/assign.js';
import { checkOutputPlacement } from '../output/placement.js';
import { postMedia } from '../source/media.js';
import { readLedgerFile } from '../source/ledger-file.js';
import { loadPosts, type LoadedPosts } from '../source/posts.js';
import { matchLedger, serializeLedger, updateLedger, type LedgerChange } from '../identity/ledger.js';
import { failsBuild } from '../diagnostics/severity.js';
import type { Author, Diagnostic, OutputFile, ParsedPost, Post, RenderedItem, Site } from '../model.js';
import { CONVENTIONS } from '../parse/conventions/index.js';
import type { AuthorIndex } from '../parse/post.js';
import { feedDate, planFeeds } from '../plan/feeds.js';
import { publicFiles, selectPosts } from '../plan/select.js';
import { now as clock } from './clock.js';
import { loadSiteConfig } from './config.js';
import type { RenderResult } from './render-work.js';
import type { RenderInput } from './pool.js';
import { BuildMemory } from './build-memo.js';
import { PostStages, type CacheReport } from './post-stages.js';
import { itemCharacters } from './size.js';

export interface BuildOptions {
  /** Directory that relative paths are resolved against; default: the process's working directory. */
  cwd?: string;
  /** Config file path; default `postfeed.config.json`. Ignored when `config` is given. */
  configFile?: string;
  /** The config itself, instead of a file. */
  config?: ConfigInput;
  posts?: string;
  out?: string;
  /** Overrides `baseUrl` (the CLI passes --base-url or POSTFEED_BASE_URL). */
  baseUrl?: string;
  limit?: number;
  /** Include posts with `draft: true`. */
  drafts?: boolean;
  /** Include posts dated after `now`. */
  future?: boolean;
  /** Treat warnings as errors. */
  strict?: boolean;
  /** What counts as "now" for future posts; default SOURCE_DATE_EPOCH, else the clock. Never written to output. */
  now?: Date;
  /** Record front-matter id changes in the ledger and drop the entries of deleted posts (--update-ledger). */
  updateLedger?: boolean;
  /**
   * Worker threads that parse and render (--workers); 1 keeps everything in this thread. Default:
   * every core (at most 8) once there are enough posts to repay starting them. Output is the same.
   */
  workers?: number;
  /** Reuse parsed and rendered posts from the cache, and keep this build's there (the CLI's default; --no-cache). */
  cache?: boolean;
  /** Where the cache lives, relative to `cwd`; default node_modules/.cache/postfeed. */
  cacheDir?: string;
}

export const DEFAULT_CACHE_DIR = 'node_modules/.cache/postfeed';

export interface BuildResult {
  ok: boolean;
  /** The feeds, ready to write; empty when the build failed. */
  files: OutputFile[];
  /**
   * The id ledger after this build (absent when the build failed): `text` is set only when it
   * changed, and must be written before the feeds so every published id is in it.
   */
  ledger?: { path: string; text?: string; changes: LedgerChange[] };
  diagnostics: Diagnostic[];
  /** Absolute output directory. */
  outDir: string;
  /** Number of posts read and valid. */
  posts: number;
  /** The cache used, when `cache` was set; `problem` says what was wrong with it (the build is right regardless). */
  cache?: CacheReport;
}

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const stages = new PostStages(options.workers, options.cache ? path.resolve(cwd, options.cacheDir ?? DEFAULT_CACHE_DIR) : undefined);
  let result: BuildResult | undefined;
  try {
    result = await buildWith(options, stages);
  } finally {
    // Written only after a successful build: a failed one leaves everything as it was.
    const { report, copies } = await stages.finish(result?.ok === true, result?.files);
    if (result && report) result.cache = report;
    // The cache kept these feeds whole: writeOutput links those copies instead of writing the bytes again.
    if (result && copies) result.files = result.files.map((file, index) => withCopy(file, copies[index]!));
  }
  return result;
}

async function buildWith(options: BuildOptions, stages: PostStages): Promise<BuildResult> {
  const sources = await readSources(options, stages);
  if (!sources.ok) return failed(sources.diagnostics, sources.outDir);
  const { cwd, display, config, site, outDir, now } = sources;
  const ledgerFile = path.resolve(cwd, config.ledger);
  const ledgerName = display(ledgerFile);
  const ledgerRead = await readLedgerFile(ledgerFile, ledgerName);

  const flags = {
    drafts: options.drafts ?? false,
    future: options.future ?? false,
    strict: options.strict ?? false,
    updateLedger: options.updateLedger ?? false,
    baseUrlOverride: options.baseUrl !== undefined,
  };
  // A build that read exactly this before (or this but a few bodies) is taken from the cache,
  // without reading back a single parse (run/build-memo.ts).
  const files = sources.loaded.sources;
  const memory = new BuildMemory(stages, { cwd, config, site, flags, files, postsRoot: sources.loaded.root, now, loadDiagnostics: sources.diagnostics });
  if (!('diagnostic' in ledgerRead) && (await stages.keys(files))) {
    const remembered = await memory.recall(ledgerRead.text, ledgerRead.entries);
    if (remembered) {
      return {
        ok: true,
        files: serializeFeeds(planFeeds(site, config, remembered.items, remembered.updated)),
        ledger: ledgerOutcome(ledgerFile, ledgerRead, remembered.ledgerText ?? ledgerRead.text, [], flags.baseUrlOverride),
        diagnostics: remembered.diagnostics,
        outDir,
        posts: remembered.posts,
      };
    }
  }

  const read = await parseSources(sources, stages);
  const { configName, postsDir, parsed } = read;
  const diagnostics = [...read.diagnostics];
  if ('diagnostic' in ledgerRead) return failed([...diagnostics, ledgerRead.diagnostic], outDir, parsed.length);

  const matches = matchLedger(parsed, ledgerRead.entries);

  // Identity, selection, then rendering of only what the feeds carry.
  const identified = assignIdentities(parsed, config, site, (file) => matches.get(file)?.entry.id);
  diagnostics.push(...identified.diagnostics);
  const posts = identified.posts;
  const selection = selectPosts(posts, { drafts: flags.drafts, future: flags.future, now, limit: config.limit }, { file: display(postsDir) });
  diagnostics.push(...selection.diagnostics);
  const ledger = updateLedger(ledgerRead.entries, posts, matches, {
    update: flags.updateLedger,
    // What is public without --drafts and --future: a preview never records a post.
    published: publicFiles(posts, now.getTime()),
    file: ledgerName,
  });
  diagnostics.push(...ledger.diagnostics);
  const stageDiagnostics = diagnostics.slice(read.diagnostics.length);
  const items: RenderedItem[] = [];
  const itemDiagnostics: Diagnostic[][] = [];
  const inputs = await renderInputs(selection.posts, read);
  // The feeds' envelopes if every selected post becomes an item, for copies of the feeds the cache
  // may write as the items come (run/post-stages.ts), kept only if the feeds come out so. Made only
  // then; one the gate refuses is left for serializeFeeds to report where it always has.
  const envelopes = (): EnvelopeBytes[] | undefined => {
    try {
      return planFeeds(site, config, [], feedDate(selection.posts, posts)).map((document) => envelopeBytes(document, inputs.length > 0));
    } catch (error) {
      if (error instanceof MalformedOutputError) return undefined;
      throw error;
    }
  };
  let characters = 0;
  for await (const [index, rendered] of renderPosts(inputs, posts, read.site, stages, envelopes)) {
    diagnostics.push(...rendered.diagnostics);
    itemDiagnostics.push(rendered.diagnostics);
    // Counted as items arrive, so a feed too large to hold stops the build before it is held.
    characters += itemCharacters(rendered.item.fragments);
    if (characters > config.limits.maxFeedCharacters) {
      diagnostics.push(feedTooLarge(selection.posts.length, index + 1, characters, config, configName));
      break;
    }
    items.push(rendered.item);
  }

  if (failsBuild(diagnostics, flags.strict)) return failed(diagnostics, outDir, posts.length);

  const updated = feedDate(items, posts);
  const documents = planFeeds(site, config, items.map((item) => item.fragments), updated);
  const ledgerText = serializeLedger(ledger.entries);
  memory.remember({
    parsed,
    readDiagnostics: read.diagnostics,
    items: items.map((_, index) => ({ input: inputs[index]!, renderKey: stages.renderKeys[index]!, diagnostics: itemDiagnostics[index]! })),
    stageDiagnostics,
    updated,
    posts,
    ledgerText,
    ledgerChanges: ledger.changes,
    ledgerWritten: options.baseUrl === undefined,
  });
  return {
    ok: true,
    files: serializeFeeds(documents),
    ledger: ledgerOutcome(ledgerFile, ledgerRead, ledgerText, ledger.changes, flags.baseUrlOverride),
    diagnostics,
    outDir,
    posts: posts.length,
  };
}

/**
 * The ledger after a build: its new text only when it changed, and nothing at all for a build for
 * another base URL (a deploy preview), whose new posts would be recorded under ids never published.
 */
function ledgerOutcome(file: string, read: { text?: string }, text: string | undefined, changes: LedgerChange[], preview: boolean): NonNullable<BuildResult['ledger']> {
  if (preview) return { path: file, changes: [] };
  return { path: file, ...(text !== undefined && text !== read.text ? { text } : {}), changes };
}

/** Each selected post with the size of the local file it attaches. */
async function renderInputs(selected: readonly Post[], read: Extract<ReadPosts, { ok: true }>): Promise<RenderInput[]> {
  const inputs: RenderInput[] = [];
  for (const post of selected) {
    const media = await postMedia(post, read.loaded.root, read.cwd);
    inputs.push({ post, ...(media ? { media } : {}) });
  }
  return inputs;
}

/** Each selected post rendered, in order, with its index. */
async function* renderPosts(
  inputs: readonly RenderInput[],
  all: readonly Post[],
  site: Site,
  stages: PostStages,
  envelopes: () => readonly EnvelopeBytes[] | undefined,
): AsyncGenerator<[number, RenderResult]> {
  let index = 0;
  for await (const result of stages.render(inputs, site, all, envelopes)) yield [index++, result];
}

function feedTooLarge(selected: number, rendered: number, bytes: number, config: Config, configName: string): Diagnostic {
  return {
    severity: 'error',
    code: 'feed-too-large',
    file: configName,
    field: 'limit',
    message:
      `the newest ${rendered} of the ${selected} items already come to ${bytes} bytes in one feed, more than one feed may hold ` +
      `(limits.maxFeedCharacters: ${config.limits.maxFeedCharacters}); set "limit" (or --limit) to publish the newest posts only, or split the archive`,
  };
}

function failed(diagnostics: Diagnostic[], outDir: string, posts = 0): BuildResult {
  return { ok: false, files: [], diagnostics, outDir, posts };
}

/** The config and the posts' bytes: where a build starts. */
export type ReadSources =
  | { ok: false; diagnostics: Diagnostic[]; outDir: string }
  | {
      ok: true;
      cwd: string;
      display: (absolute: string) => string;
      config: Config;
      site: Site;
      configName: string;
      authors: AuthorIndex;
      loaded: LoadedPosts;
      postsDir: string;
      /** The reading's problems (files that cannot be posts, the authors file). */
      diagnostics: Diagnostic[];
      outDir: string;
      now: Date;
    };

/** Config, source and parse. */
export type ReadPosts =
  | Extract<ReadSources, { ok: false }>
  | (Extract<ReadSources, { ok: true }> & {
      /** Every post that parsed; `diagnostics` holds the problems of the others. */
      parsed: ParsedPost[];
    });

/** Config, source and parse: every post, so every problem is reported at once. `ledger import` starts here. */
export async function readPosts(options: BuildOptions, stages = new PostStages(1, undefined)): Promise<ReadPosts> {
  const sources = await readSources(options, stages);
  return sources.ok ? parseSources(sources, stages) : sources;
}

/** Config and source: the posts read, not yet parsed. */
async function readSources(options: BuildOptions, stages: PostStages): Promise<ReadSources> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const display = (absolute: string) => path.relative(cwd, absolute) || '.';
  const defaultOut = path.resolve(cwd, options.out ?? 'dist');
  const loadedConfig = await loadSiteConfig({ ...options, cwd }, stages.cacheDir);
  if (!loadedConfig.ok) return { ok: false, diagnostics: loadedConfig.diagnostics, outDir: defaultOut };
  if (loadedConfig.memo) stages.keepConfig(loadedConfig.memo);
  const { config, site, configName } = loadedConfig;
  const postsDir = path.resolve(cwd, config.posts);
  const outDir = path.resolve(cwd, config.out);
  const now = options.now ? { date: options.now } : clock();
  if ('problem' in now) return { ok: false, diagnostics: [{ severity: 'error', code: 'environment-invalid', field: 'SOURCE_DATE_EPOCH', message: now.problem }], outDir };

  const placement = checkOutputPlacement(postsDir, outDir);
  if (placement) return { ok: false, diagnostics: [{ severity: 'error', code: 'out-overlaps-posts', file: display(outDir), field: 'out', message: placement }], outDir };

  const authors = await loadAuthors(config.authors, cwd, configName, display);
  // The cache is read while the posts are: the two together are most of a warm build's reading.
  stages.start(config, authors.authors);
  const convention = CONVENTIONS[config.conventions];
  const loaded = await loadPosts(postsDir, {
    cwd,
    maxFileBytes: config.limits.maxFileBytes,
    maxPosts: config.limits.maxPosts,
    convention,
    exclude: config.exclude,
    onListed: (count) => stages.expect(count),
  });
  const diagnostics: Diagnostic[] = [...loaded.diagnostics, ...authors.diagnostics];
  return { ok: true, cwd, display, config, site, configName, authors: authors.authors, loaded, postsDir, diagnostics, outDir, now: now.date };
}

/** Every post parsed, with the reading's problems and the parse's in one list. */
async function parseSources(sources: Extract<ReadSources, { ok: true }>, stages: PostStages): Promise<Extract<ReadPosts, { ok: true }>> {
  const diagnostics = [...sources.diagnostics];
  const parsed: ParsedPost[] = [];
  for await (const result of stages.parse(sources.loaded.sources)) {
    diagnostics.push(...result.diagnostics);
    if (result.post) parsed.push(result.post);
  }
  return { ...sources, parsed, diagnostics };
}

/** The config's `authors`: a map written in the config, or the path of a file holding one. */
async function loadAuthors(
  setting: Config['authors'],
  cwd: string,
  configName: string,
  display: (absolute: string) => string,
): Promise<{ authors: Map<string, Author>; diagnostics: Diagnostic[] }> {
  if (typeof setting !== 'string') return authorIndex(setting, configName);
  const absolute = path.resolve(cwd, setting);
  const loaded = await loadAuthorsFile(absolute, display(absolute));
  if (loaded.diagnostics.length > 0) return { authors: new Map(), diagnostics: loaded.diagnostics };
  return authorIndex(loaded.raw, display(absolute));
}

