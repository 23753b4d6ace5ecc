// The pipeline: config → source → parse → identity → select → render → plan → formats.
// Returns the files it would write and every diagnostic; writing is a separate step (output/),
// so a failed build touches nothing.
import path from 'node:path';
import { authorIndex } from '../config/authors.js';
import type { Config, ConfigInput } from '../config/schema.js';
import { loadAuthorsFile } from '../source/authors-file.js';
import { serializeFeeds } from '../formats/registry.js';
import { assignIdentities } from '../identity/assign.js';
import { checkOutputPlacement } from '../output/placement.js';
import { mediaFileSize } from '../source/media.js';
import { readLedgerFile } from '../source/ledger-file.js';
import { loadPosts, type LoadedPosts } from '../source/posts.js';
import { matchLedger, serializeLedger, updateLedger, type LedgerChange } from '../identity/ledger.js';
import type { Author, Diagnostic, OutputFile, ParsedPost, Post, RenderedItem, Site } from '../model.js';
import { CONVENTIONS } from '../parse/conventions/index.js';
import type { AuthorIndex } from '../parse/post.js';
import { feedDate, planFeeds } from '../plan/feeds.js';
import { selectPosts } from '../plan/select.js';
import { isLocalReference } from '../render/enclosure.js';
import { now as clock } from './clock.js';
import { loadSiteConfig } from './config.js';
import type { RenderResult } from './post-work.js';
import type { RenderInput } from './pool.js';
import { mediaUnchanged, mediaUse, memoInputs } from './build-memo.js';
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
    const cache = await stages.finish(result?.ok === true);
    if (result && cache) result.cache = cache;
  }
  return result;
}

async function buildWith(options: BuildOptions, stages: PostStages): Promise<BuildResult> {
  const read = await readPosts(options, stages);
  if (!read.ok) return failed(read.diagnostics, read.outDir);
  const { cwd, display, config, site, configName, postsDir, parsed, outDir, now } = read;
  const diagnostics = [...read.diagnostics];
  const ledgerFile = path.resolve(cwd, config.ledger);
  const ledgerName = display(ledgerFile);
  const ledgerRead = await readLedgerFile(ledgerFile, ledgerName);
  if ('diagnostic' in ledgerRead) return failed([...diagnostics, ledgerRead.diagnostic], outDir, parsed.length);

  // A build that read exactly this before and succeeded is taken as it was (run/build-memo.ts).
  const flags = {
    drafts: options.drafts ?? false,
    future: options.future ?? false,
    strict: options.strict ?? false,
    updateLedger: options.updateLedger ?? false,
    baseUrlOverride: options.baseUrl !== undefined,
  };
  const memoKey = stages.buildKey(
    read.loaded.sources,
    memoInputs({ cwd, config, site, ledgerText: ledgerRead.text, flags, parsed, now, readDiagnostics: read.diagnostics }),
  );
  const failing = (all: readonly Diagnostic[]) => all.some((d) => d.severity === 'error' || (flags.strict && d.severity === 'warning'));
  const recalled =
    memoKey === undefined
      ? undefined
      : await stages.recallBuild(memoKey, async (memo) => !failing(memo.diagnostics) && (await mediaUnchanged(memo, read.loaded.root, cwd)));
  if (recalled) {
    return {
      ok: true,
      files: serializeFeeds(planFeeds(site, config, recalled.items, new Date(recalled.memo.updated))),
      ledger: { path: ledgerFile, changes: [] },
      diagnostics: [...diagnostics, ...recalled.memo.diagnostics],
      outDir,
      posts: recalled.memo.posts,
    };
  }

  const matches = matchLedger(parsed, ledgerRead.entries);

  // Identity, selection, then rendering of only what the feeds carry.
  const identified = assignIdentities(parsed, config, site, (file) => matches.get(file)?.entry.id);
  diagnostics.push(...identified.diagnostics);
  const posts = identified.posts;
  const selection = selectPosts(
    posts,
    { drafts: options.drafts ?? false, future: options.future ?? false, now, limit: config.limit },
    { file: display(postsDir) },
  );
  diagnostics.push(...selection.diagnostics);
  // What is public without --drafts and --future: a preview never records a post.
  const publicPosts = selectPosts(posts, { drafts: false, future: false, now, limit: 0 }, { file: display(postsDir) }).posts;
  const ledger = updateLedger(ledgerRead.entries, posts, matches, {
    update: options.updateLedger ?? false,
    published: new Set(publicPosts.map((post) => post.file)),
    file: ledgerName,
  });
  diagnostics.push(...ledger.diagnostics);
  const items: RenderedItem[] = [];
  const inputs = await renderInputs(selection.posts, read);
  let characters = 0;
  for await (const [index, rendered] of renderPosts(inputs, posts, read.site, stages)) {
    diagnostics.push(...rendered.diagnostics);
    // Counted as items arrive, so a feed too large to hold stops the build before it is held.
    characters += itemCharacters(rendered.item.fragments);
    if (characters > config.limits.maxFeedCharacters) {
      diagnostics.push(feedTooLarge(selection.posts.length, index + 1, characters, config, configName));
      break;
    }
    items.push(rendered.item);
  }

  if (failing(diagnostics)) return failed(diagnostics, outDir, posts.length);

  const updated = feedDate(items, posts);
  const documents = planFeeds(site, config, items.map((item) => item.fragments), updated);
  const ledgerText = serializeLedger(ledger.entries);
  // Remembered only when the ledger stays as it was: a build that changes it reads another next time.
  if (memoKey !== undefined && ledgerText === ledgerRead.text && ledger.changes.length === 0 && items.length > 0) {
    stages.rememberBuild(memoKey, {
      items: [...stages.renderKeys],
      updated: updated.getTime(),
      diagnostics: diagnostics.slice(read.diagnostics.length),
      posts: posts.length,
      media: inputs.flatMap(({ post, media }) => (media ? [mediaUse(post.file, post.image!.value, media)] : [])),
    });
  }
  return {
    ok: true,
    files: serializeFeeds(documents),
    // Built for another base URL (a deploy preview), new posts would be recorded under ids never published.
    ledger: options.baseUrl === undefined ? { path: ledgerFile, ...(ledgerText !== ledgerRead.text ? { text: ledgerText } : {}), changes: ledger.changes } : { path: ledgerFile, changes: [] },
    diagnostics,
    outDir,
    posts: posts.length,
  };
}

/** Each selected post with the size of the local file it attaches, judged by its real path inside the posts folder. */
async function renderInputs(selected: readonly Post[], read: Extract<ReadPosts, { ok: true }>): Promise<RenderInput[]> {
  const inputs: RenderInput[] = [];
  for (const post of selected) {
    const image = post.image?.value;
    const media = image && isLocalReference(image) ? await mediaFileSize(read.loaded.root, path.resolve(read.cwd, post.file), image) : undefined;
    inputs.push({ post, ...(media ? { media } : {}) });
  }
  return inputs;
}

/** Each selected post rendered, in order, with its index. */
async function* renderPosts(inputs: readonly RenderInput[], all: readonly Post[], site: Site, stages: PostStages): AsyncGenerator<[number, RenderResult]> {
  let index = 0;
  for await (const result of stages.render(inputs, site, all)) yield [index++, result];
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

export type ReadPosts =
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
      /** Every post that parsed; `diagnostics` holds the problems of the others. */
      parsed: ParsedPost[];
      diagnostics: Diagnostic[];
      outDir: string;
      now: Date;
    };

/** Config, source and parse: every post, so every problem is reported at once. `build` and `ledger import` start here. */
export async function readPosts(options: BuildOptions, stages = new PostStages(1, undefined)): Promise<ReadPosts> {
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
  });
  const diagnostics: Diagnostic[] = [...loaded.diagnostics, ...authors.diagnostics];
  const parsed: ParsedPost[] = [];
  for await (const result of stages.parse(loaded.sources)) {
    diagnostics.push(...result.diagnostics);
    if (result.post) parsed.push(result.post);
  }
  return { ok: true, cwd, display, config, site, configName, authors: authors.authors, loaded, postsDir, parsed, diagnostics, outDir, now: now.date };
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

