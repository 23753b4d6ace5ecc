// Where each post's parse and render happen: taken from the cache when an entry fits, otherwise
// done by the worker pool (large builds) or in this thread. Results come back in the posts' order
// whichever way they were made, so output and diagnostics never depend on it.
import type { Config } from '../config/schema.js';
import { cacheSalt, PostCache } from '../cache/post-cache.js';
import path from 'node:path';
import type { ItemFragments, OutputFile, Post, Site } from '../model.js';
import type { BuildMemo } from './build-memo.js';
import { bodyFrom, detachBody, type DetachedParse, type LeftBody } from './detached-body.js';
import type { AuthorIndex, ParseResult } from '../parse/post.js';
import { postResolver } from '../render/references.js';
import { addedFileName, CacheLog, type FeedCopyStream, removeAddedFiles, removeFeedCopies, writeConfigMemo } from '../output/cache-file.js';
import type { EnvelopeBytes } from '../formats/registry.js';
import { acquireLock } from '../output/lock.js';
import { CACHE_FILE, codeFingerprint, readCacheFile, type ConfigMemo } from '../source/cache-file.js';
import { sourceText, type PostFile } from '../source/posts.js';
import type { RenderContext, RenderResult } from './render-work.js';
import { PoolChoice, type PoolStart, type RenderInput } from './pool.js';
import { withFields } from '../with-fields.js';

/** What a build did with the cache, for the one line that says so when something was wrong. */
export interface CacheReport {
  dir: string;
  /** Posts parsed and rendered from the cache (hits) and anew (misses). */
  parseHits: number;
  parseMisses: number;
  renderHits: number;
  renderMisses: number;
  /**
   * Whether the build was one remembered (run/build-memo.ts): `whole`, no identity, selection or
   * render stage ran; `patched`, only posts whose bodies changed were rendered.
   */
  memo?: 'whole' | 'patched';
  /** Why (part of) the cache could not be used or kept; the build was right regardless. */
  problem?: string;
}

export class PostStages {
  private readonly pool: PoolChoice;
  private cache: PostCache | undefined;
  private log: CacheLog | undefined;
  private config: Config | undefined;
  private authors: AuthorIndex = new Map();
  private readonly parseKeys = new Map<string, string>();
  private memo: CacheReport['memo'];
  /** Parses this build made and cached, by file: a post parsed for a patch (run/build-memo.ts) is not parsed twice. */
  private readonly parsedHere = new Map<string, ParseResult>();
  /** The cache keys of the last render's results, in order (empty without a cache). */
  renderKeys: readonly string[] = [];
  /** Posts taken from the cache or parsed by a worker, by file: where each one's body is. */
  private readonly bodiesLeftInFiles = new Map<string, LeftBody>();
  /** Why the cache file could not be read whole, when it could not. */
  private damage: string | undefined;
  /** The files of added cache entries that were read (see output/cache-file.ts). */
  private addedFiles: string[] = [];
  /** The cache, being opened since `start`. */
  private opening: Promise<void> | undefined;
  /** The feeds' copies being written as the items are rendered, in a build that renders every post anew. */
  private stream: FeedCopyStream | undefined;

  /** A config validated anew, for the cache folder once the build succeeds (see run/config.ts). */
  private configMemo: ConfigMemo | undefined;

  /** `cacheDir`: absolute folder of the cache, or undefined to build without one. */
  constructor(
    workers: number | undefined,
    readonly cacheDir: string | undefined,
  ) {
    this.pool = new PoolChoice(workers);
  }

  /** Keeps `memo` in the cache folder if the build succeeds. */
  keepConfig(memo: ConfigMemo): void {
    this.configMemo = memo;
  }

  /**
   * The settings every post is parsed with. Starts reading the cache, whose keys depend on them,
   * so the reading overlaps the reading of the posts; `parse` waits for it.
   */
  start(config: Config, authors: AuthorIndex): void {
    this.config = config;
    this.authors = authors;
    if (this.cacheDir === undefined) return;
    // Settings no post is parsed or rendered differently for: which items a feed carries, and
    // where the feeds and the ledger go. Every other setting is part of every key.
    const { limit: _limit, out: _out, ledger: _ledger, check: _check, ...settings } = config;
    const salt = cacheSalt(codeFingerprint(), { settings, authors: [...authors] });
    const cacheDir = this.cacheDir;
    this.opening = readCacheFile(cacheDir, salt).then((read) => {
      this.log = new CacheLog(cacheDir, salt);
      this.cache = new PostCache(read.entries, salt, this.log);
      this.addedFiles = read.added;
      if (read.problem) this.damage = `the cache file was damaged: ${read.problem}; rebuilt`;
    });
  }

  /**
   * `count` posts are about to be read. When none of them can come from the cache (there is none,
   * or it is empty), every one will be parsed: the workers, if the build will use them, start now,
   * loading their modules while this thread reads the posts.
   */
  expect(count: number): void {
    const startWorkers = () => void this.pool.get(() => this.poolStart(), count);
    if (this.cacheDir === undefined) startWorkers();
    else
      this.opening
        ?.then(() => {
          if (this.cache?.isEmpty) startWorkers();
        })
        .catch(() => undefined); // a cache that cannot be opened is parse()'s to report
  }

  /**
   * Each post's parse, in order. A post taken from the cache or parsed by a worker comes without
   * its Markdown body (`markdown` is empty; the body stays in the post's bytes): `render` puts it
   * back, or has a worker do so, for the posts it renders anew, and nothing before the render reads it.
   */
  async *parse(files: readonly PostFile[]): AsyncGenerator<ParseResult> {
    await this.opening;
    const cache = this.cache;
    // From an empty cache nothing can come: the posts go to be parsed first, their keys made meanwhile.
    const lookUp = cache !== undefined && !cache.isEmpty;
    if (lookUp) this.makeKeys(files);
    const found: Array<ParseResult | undefined> = files.map((file) => {
      const made = this.parsedHere.get(file.file);
      if (made) return made;
      if (!lookUp) return undefined;
      const detached = cache.getParse(this.parseKeys.get(file.file)!);
      if (!detached) return undefined;
      return this.leaveBody(detached, file);
    });
    const missing = files.filter((_, index) => !found[index]);
    const workers = this.pool.get(() => this.poolStart(), missing.length);
    const made = workers ? workers.parse(missing) : this.parseHere(missing, cache !== undefined);
    // The first batches go out now; the keys are made while they are parsed.
    const nextMade = startNow(made, missing.length > 0);
    if (cache && !lookUp) this.makeKeys(files);
    let next = 0;
    for (const [index, file] of files.entries()) {
      let result = found[index];
      if (!result) {
        const detached = await nextMade();
        if (workers && next === missing.length - 1) workers.prepareRender();
        const parse = this.leaveBody(detached, file);
        if (cache) {
          cache.putParse(this.parseKeys.get(file.file)!, detached);
          this.parsedHere.set(file.file, parse);
        }
        result = parse;
        next++;
      }
      yield result;
    }
  }

  /**
   * Each post's parse key, made from its bytes (after the cache is open), for looking the posts up;
   * false, and no key made, when nothing can be found: without a cache, or with an empty one.
   */
  async keys(files: readonly PostFile[]): Promise<boolean> {
    await this.opening;
    if (!this.cache || this.cache.isEmpty) return false;
    this.makeKeys(files);
    return true;
  }

  private makeKeys(files: readonly PostFile[]): void {
    const cache = this.cache!;
    for (const file of files) if (!this.parseKeys.has(file.file)) this.parseKeys.set(file.file, cache.parseKey(file));
  }

  /** The posts' parses stay in the cache, though a remembered build did not read them: counted as taken from it. */
  keepParses(files: readonly PostFile[]): void {
    const cache = this.cache;
    if (!cache) return;
    for (const file of files) {
      if (this.parsedHere.has(file.file)) continue;
      if (cache.keep(this.parseKeys.get(file.file)!)) cache.counts.parseHits++;
    }
  }

  /** The key a whole build of `files` (as parsed) and `inputs` is remembered under; undefined without a cache. */
  buildKey(files: readonly PostFile[], inputs: string): string | undefined {
    if (!this.cache) return undefined;
    return this.cache.buildKey(files.map((file) => this.parseKeys.get(file.file)!).join('\n'), inputs);
  }

  /**
   * A build remembered under `key`, with its items' fragments; undefined unless all of it is in
   * the cache and `holds` says it still holds for this build.
   */
  async recallBuild(key: string, holds: (memo: BuildMemo) => Promise<boolean>): Promise<{ memo: BuildMemo; items: ItemFragments[] } | undefined> {
    const cache = this.cache;
    const memo = cache?.getBuild(key);
    if (!cache || !memo || !(await holds(memo))) return undefined;
    const items: ItemFragments[] = [];
    for (const render of memo.renders.split('\n')) {
      const fragments = cache.getFragments(render);
      if (!fragments) return undefined;
      items.push(fragments);
    }
    cache.counts.renderHits += items.length;
    this.memo = 'whole';
    return { memo, items };
  }

  /** The last build remembered for `shape` (the files, settings and ledger; see BuildMemory), if it still holds. */
  async recallLatest(shape: string, holds: (memo: BuildMemo) => Promise<boolean>): Promise<BuildMemo | undefined> {
    const key = this.cache?.getLatest(shape);
    const memo = key === undefined ? undefined : this.cache?.getBuild(key);
    return memo && (await holds(memo)) ? memo : undefined;
  }

  /** Keeps the pointer to the latest build for `shape` in the cache, though this build did not follow it. */
  keepLatest(shape: string): void {
    this.cache?.keepLatest(shape);
  }

  /** Keeps a build under `key`, and as the latest for its `shape`. */
  rememberBuild(key: string, shape: string, memo: BuildMemo): void {
    this.cache?.putBuild(key, shape, memo);
  }

  parseKeyOf(file: PostFile): string | undefined {
    return this.parseKeys.get(file.file);
  }

  /** A parse the cache holds, as stored: for comparing a post with what it was. */
  storedParse(key: string): DetachedParse | undefined {
    return this.cache?.storedParse(key);
  }

  storedFragments(renderKey: string): ItemFragments | undefined {
    return this.cache?.getFragments(renderKey);
  }

  /** A remembered build was patched: `reused` of its items came from the cache as they were. */
  countPatched(reused: number): void {
    if (this.cache) this.cache.counts.renderHits += reused;
    this.memo = 'patched';
  }

  /** The parse; its body, if detached, stays in `file`'s bytes until a render needs it. */
  private leaveBody(detached: DetachedParse, file: PostFile): ParseResult {
    const { bodyFromEnd, ...parse } = detached;
    if (bodyFromEnd !== undefined && parse.post) this.bodiesLeftInFiles.set(parse.post.file, { bytes: file.bytes, fromEnd: bodyFromEnd });
    return parse;
  }

  /** A post with its body, which `parse` left in its file if it came from the cache or a worker. */
  private withBody(post: Post): Post {
    const left = this.bodiesLeftInFiles.get(post.file);
    return left ? withFields(post, { markdown: bodyFrom(left) }) : post;
  }

  /** A render input for a worker, which decodes a body left in the post's bytes itself. */
  private withLeftBody(input: RenderInput): RenderInput {
    const left = this.bodiesLeftInFiles.get(input.post.file);
    return left ? withFields(input, { body: left }) : input;
  }

  /**
   * `all`: every post, for the references between posts (a link may name one no feed carries).
   * `envelopes`: the feeds' envelopes as they will be if every input becomes an item — given, a
   * build that renders everything anew writes the feeds' copies for the cache as the items come
   * (FeedCopyStream), which `finish` keeps if the feeds came out so.
   */
  async *render(
    inputs: readonly RenderInput[],
    site: Site,
    all: readonly Pick<Post, 'file' | 'permalink'>[],
    envelopes?: () => readonly EnvelopeBytes[] | undefined,
  ): AsyncGenerator<RenderResult> {
    const config = this.config!;
    const cache = this.cache;
    const resolvePost = postResolver(all);
    const siteJson = JSON.stringify(site);
    const makeKeys = () => inputs.map(({ post, media }) => (cache ? cache.renderKey(this.parseKeys.get(post.file)!, post, siteJson, media) : ''));
    // As in `parse`: from an empty cache nothing can come, so the posts go to be rendered before
    // their keys are made (a JSON text and a hash per post: about 50 ms at 10,000 posts).
    const lookUp = cache !== undefined && !cache.isEmpty;
    let keys = lookUp ? makeKeys() : [];
    const found = inputs.map((_, index) => (lookUp ? cache.getRender(keys[index]!, resolvePost) : undefined));
    const missing = inputs.filter((_, index) => !found[index]);
    const workers = this.pool.get(() => this.poolStart(), missing.length);
    let made: AsyncGenerator<RenderResult>;
    if (workers) {
      workers.setupRender(site, all);
      made = workers.render(missing.map((input) => this.withLeftBody(input)));
    } else made = this.renderHere(missing.map((input) => withFields(input, { post: this.withBody(input.post) })), { config, site, resolvePost });
    const nextMade = startNow(made, missing.length > 0);
    if (!lookUp) keys = makeKeys();
    this.renderKeys = keys;
    if (cache?.isEmpty && this.log && !this.stream && missing.length > 0) {
      const heads = envelopes?.();
      if (heads) this.stream = this.log.streamFeedCopies(heads);
    }
    for (const [index] of inputs.entries()) {
      let result = found[index];
      if (!result) {
        result = await nextMade();
        if (cache) result = cache.putRender(keys[index]!, result);
      }
      this.stream?.append(result.item.fragments);
      yield result;
    }
  }

  /**
   * Stops the workers and, when `completed`, keeps what this build parsed and rendered in the
   * cache; `files` are the build's feeds, kept beside the cache when it is written whole so its
   * renders can point into them. Returns what the cache did, and the paths of those copies (by the
   * place of their file in `files`), for writeOutput to link into the output folder.
   */
  async finish(completed: boolean, files: readonly OutputFile[] = []): Promise<{ report?: CacheReport; copies?: string[] }> {
    await this.pool.close();
    // A build that failed before it parsed anything may still be opening the cache.
    await this.opening;
    const { cache, log, cacheDir, stream } = this;
    this.stream = undefined;
    if (!cache || !log || cacheDir === undefined) return {};
    let problem = this.damage;
    let copies: string[] | undefined;
    if (!completed) {
      await stream?.abandon();
      log.discard();
    } else {
      if (cache.problem) problem ??= `${cache.problem}; rebuilt`;
      // Written whole whatever was wrong before: a damaged file is rebuilt this way.
      const plan = this.damage !== undefined ? 'whole' : cache.writePlan(this.addedFiles.length);
      let unwritten: string | undefined;
      // Copies of the feeds only for a whole file that holds renders to point into them.
      const keepsCopies = plan === 'whole' && files.length > 0 && cache.holdsRenders;
      if (!keepsCopies) await stream?.abandon();
      if (plan === 'add') {
        for (const [key, value] of cache.heldEntries()) log.append(key, value);
        unwritten = log.keepAs(addedFileName());
      }
      else if (plan === 'whole') {
        const kept = keepsCopies ? await log.writeFeedCopies(files, stream) : undefined;
        for (const [key, value] of cache.wholeEntries(this.renderKeys, kept)) log.append(key, value);
        // One build at a time puts its file in place and removes what the file replaces: two builds
        // finishing together could otherwise each remove the copies the other's file refers to.
        // Without the lock (it cannot be made) the last build to finish still wins.
        const lock = await acquireLock(cacheDir).catch(() => undefined);
        try {
          unwritten = log.keepAs(CACHE_FILE);
          if (!unwritten) {
            removeAddedFiles(cacheDir, this.addedFiles);
            removeFeedCopies(cacheDir, kept?.names ?? []);
            copies = kept?.names.map((name) => path.join(cacheDir, name));
          }
        } finally {
          lock?.release();
        }
      } else log.discard();
      problem ??= unwritten;
      if (this.configMemo) problem ??= writeConfigMemo(cacheDir, this.configMemo);
    }
    const report = { dir: cacheDir, ...cache.counts, ...(this.memo ? { memo: this.memo } : {}), ...(problem ? { problem } : {}) };
    return { report, ...(copies ? { copies } : {}) };
  }

  private poolStart(): PoolStart {
    return { config: this.config!, authors: [...this.authors] };
  }

  // The parsers and renderers (YAML, markdown-it, sanitize-html …) are loaded only when this thread
  // has a post to parse or render: a warm build or one run by workers never pays for loading them here.

  /** `detached`: bodies left in the posts' bytes, as the cache stores them (`render` decodes them again). */
  private async *parseHere(files: readonly PostFile[], detached: boolean): AsyncGenerator<DetachedParse> {
    if (files.length === 0) return;
    const { parseWork } = await import('./parse-work.js');
    const context = { config: this.config!, authors: this.authors };
    for (const [index, file] of files.entries()) {
      await offerTurn(index);
      const source = sourceText(file);
      const result = parseWork(source, context);
      yield detached ? detachBody(result, source) : result;
    }
  }

  private async *renderHere(inputs: readonly RenderInput[], context: RenderContext): AsyncGenerator<RenderResult> {
    if (inputs.length === 0) return;
    const { renderWork } = await import('./render-work.js');
    for (const [index, { post, media }] of inputs.entries()) {
      await offerTurn(index);
      yield renderWork(post, media, context);
    }
  }
}

/**
 * The results of `made` one by one, its first asked for at once when `any` are to come: a pool sends
 * its first batches then, so the workers start while this thread does what it does before reading
 * the first result (making the cache keys).
 */
function startNow<T>(made: AsyncGenerator<T>, any: boolean): () => Promise<T> {
  let first = any ? made.next() : undefined;
  first?.catch(() => undefined); // awaited by the caller, unless it stops first
  return async () => {
    const next = first ?? made.next();
    first = undefined;
    return (await next).value as T;
  };
}

/** Posts between two turns of the event loop: often enough that a signal is handled within moments. */
const POSTS_PER_TURN = 16;

/**
 * Parsing and rendering are synchronous; between every POSTS_PER_TURN posts the event loop gets a
 * turn, so SIGINT and SIGTERM stop a long build at once instead of after it.
 */
function offerTurn(index: number): Promise<void> | undefined {
  return index % POSTS_PER_TURN === POSTS_PER_TURN - 1 ? new Promise((resolve) => setImmediate(resolve)) : undefined;
}
