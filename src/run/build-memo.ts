// A whole build remembered in the cache. A build that succeeded keeps, under a key of everything
// it read (the ledger as it left it), what came of it: its items (as the keys of their cached
// renders), the feeds' date and every diagnostic. The next build that reads exactly the same
// takes that once it has hashed the posts' bytes: no parse is read back, and no identity,
// selection, ledger or render stage runs — at 10,000 posts, most of a warm build.
//
// A build in which only some posts' bodies changed starts from the last build remembered for the
// same files and settings, and parses and renders only those posts: a body is no input to
// identity or selection, and only the post's own ledger fingerprint and item follow it. Anything
// more (front matter, a post added or gone, another ledger, the clock moving a post) runs every
// stage.
import type { Config } from '../config/schema.js';
import { assignIdentities } from '../identity/assign.js';
import { serializeLedger, type LedgerChange, type LedgerEntry } from '../identity/ledger.js';
import { failsBuild } from '../diagnostics/severity.js';
import type { Diagnostic, ItemFragments, ParsedPost, Post, Site } from '../model.js';
import { timeState } from '../plan/select.js';
import { postMedia } from '../source/media.js';
import type { PostFile } from '../source/posts.js';
import type { RenderInput } from './pool.js';
import type { PostStages } from './post-stages.js';
import { itemCharacters } from './size.js';

/** Kept as few large values (joined strings, one typed array): a memo of 10,000 posts is read and written in milliseconds. */
export interface BuildMemo {
  /** The parse key of every post read, in order, one per line: which posts changed since (see patch). */
  parseKeys: string;
  /** Every parsed post's date, publish date and expiry date (NaN: none), in ms: where each stands at another `now`. */
  times: Float64Array;
  /** Where each parsed post stood (timeStates) when the build ran. */
  states: string;
  /** The diagnostics of the reading and the parse. */
  readDiagnostics: Diagnostic[];
  /** The identity, selection and ledger diagnostics. */
  stageDiagnostics: Diagnostic[];
  /** Every post with an identity, as JSON `[[file, permalink], …]`: the references of a post rendered again resolve to them. */
  posts: string;
  postCount: number;
  /** For each item of the feeds, in order: its post (an index into `posts`) and its render's cache key (one per line). */
  items: number[];
  renders: string;
  /** The render diagnostics of the items that had any: [item index, diagnostics]. */
  itemDiagnostics: Array<[number, Diagnostic[]]>;
  /** The feeds' date (plan/feeds.ts feedDate), as milliseconds. */
  updated: number;
  /**
   * The local files items attach (a post's `image:`) and what was found for each: the sizes are
   * in the items, so the memo holds only while every file is as it was.
   */
  media: MediaUse[];
}

/** A post's file, the `image:` it names and what mediaFileSize said of it (JSON). */
type MediaUse = [file: string, image: string, found: string];

function mediaUse({ post, media }: RenderInput): MediaUse {
  return [post.file, post.image!.value, JSON.stringify(media)];
}

/** What a build reads besides the posts' bytes (the cache's parse keys stand for those) and the ledger. */
export interface MemoInputs {
  /** The working directory: the paths in diagnostics and in the key's parse keys are relative to it. */
  cwd: string;
  config: Config;
  site: Site;
  /** The flags that change the result and are not in the config. */
  flags: { drafts: boolean; future: boolean; strict: boolean; updateLedger: boolean; baseUrlOverride: boolean };
  /** Every post read, in order. */
  files: readonly PostFile[];
  /** Real path of the posts folder, which local media resolve in. */
  postsRoot: string;
  now: Date;
  /** Diagnostics of the reading, before any parse (files that could not be read, the authors file). */
  loadDiagnostics: readonly Diagnostic[];
}

/** A build taken from memory: what build.ts needs to finish it. */
export interface Remembered {
  items: ItemFragments[];
  updated: Date;
  /** In the order a build makes them: the reading and parse, identity, selection, ledger, the items. */
  diagnostics: Diagnostic[];
  posts: number;
  /** The ledger's new text, when the bodies that changed moved their fingerprints. */
  ledgerText?: string;
}

/** What a build that ran its stages leaves for remembering. */
export interface Outcome {
  parsed: readonly ParsedPost[];
  readDiagnostics: readonly Diagnostic[];
  stageDiagnostics: Diagnostic[];
  items: Array<{ input: RenderInput; renderKey: string; diagnostics: Diagnostic[] }>;
  updated: Date;
  posts: readonly Post[];
  ledgerText: string;
  ledgerChanges: readonly LedgerChange[];
  /** Whether the ledger text is written (not a deploy preview's build). */
  ledgerWritten: boolean;
}

export class BuildMemory {
  constructor(
    private readonly stages: PostStages,
    private readonly inputs: MemoInputs,
  ) {}

  /**
   * The build remembered for these inputs and `ledgerText`, whole, or patched from the last one
   * for the same files when only bodies changed; undefined when neither holds. Needs the posts'
   * parse keys (PostStages.keys).
   */
  async recall(ledgerText: string | undefined, ledgerEntries: readonly LedgerEntry[]): Promise<Remembered | undefined> {
    const keyInputs = this.keyInputs(ledgerText);
    const key = this.stages.buildKey(this.inputs.files, keyInputs);
    if (key === undefined) return undefined;
    const whole = await this.stages.recallBuild(key, (memo) => this.holds(memo));
    if (whole) {
      const { memo, items } = whole;
      this.stages.keepParses(this.inputs.files);
      // Kept too, so the next build that changes some bodies finds it (see patch).
      this.stages.keepLatest(this.shapeKey(keyInputs));
      return { items, updated: new Date(memo.updated), diagnostics: allDiagnostics(memo), posts: memo.postCount };
    }
    return this.patch(keyInputs, ledgerText, ledgerEntries);
  }

  /**
   * Keeps a build that ran its stages, under the ledger it leaves: taken only by a build that
   * reads that ledger. Not when the ledger changed otherwise than by new posts and fingerprints
   * (a move, a drop, an id changed on purpose): a build reading the new ledger might differ.
   */
  remember(outcome: Outcome): void {
    if (outcome.items.length === 0 || !outcome.ledgerChanges.every((change) => change.kind === 'added')) return;
    if (!outcome.ledgerWritten && outcome.ledgerChanges.length > 0) return;
    // Made only where there is a cache to keep it in.
    this.store(outcome.ledgerText, () => {
      const index = new Map(outcome.posts.map((post, position) => [post.file, position]));
      const times = new Float64Array(outcome.parsed.length * 3);
      for (const [position, post] of outcome.parsed.entries()) {
        times.set([post.date.getTime(), post.publishAt?.getTime() ?? Number.NaN, post.expiresAt?.getTime() ?? Number.NaN], position * 3);
      }
      return {
        parseKeys: this.parseKeys(),
        times,
        states: timeStates(times, this.inputs.now),
        readDiagnostics: [...outcome.readDiagnostics],
        stageDiagnostics: outcome.stageDiagnostics,
        posts: JSON.stringify(outcome.posts.map(({ file, permalink }) => [file, permalink])),
        postCount: outcome.posts.length,
        items: outcome.items.map(({ input }) => index.get(input.post.file)!),
        renders: outcome.items.map(({ renderKey }) => renderKey).join('\n'),
        itemDiagnostics: outcome.items.flatMap(({ diagnostics }, position) => (diagnostics.length > 0 ? [[position, diagnostics] as [number, Diagnostic[]]] : [])),
        updated: outcome.updated.getTime(),
        media: outcome.items.flatMap(({ input }) => (input.media ? [mediaUse(input)] : [])),
      };
    });
  }

  /**
   * The last build for the same files and settings, with the posts whose bodies alone changed
   * parsed and rendered again. Each such post's parse, body and fingerprint aside, must equal the
   * one the remembered build used, its parse must say what that one said, and its ledger entry
   * must be its own (found by its file): then every identity, the selection and every other item
   * are what the stages would make.
   */
  private async patch(keyInputs: string, ledgerText: string | undefined, ledgerEntries: readonly LedgerEntry[]): Promise<Remembered | undefined> {
    const { config, site, files } = this.inputs;
    const found = await this.stages.recallLatest(this.shapeKey(keyInputs), (memo) => this.holds(memo));
    const before = found?.parseKeys.split('\n');
    if (!found || !before || before.length !== files.length) return undefined;
    const changedAt = files.flatMap((file, index) => (this.stages.parseKeyOf(file) !== before[index] ? [index] : []));
    if (changedAt.length === 0 || changedAt.length > MAX_PATCHED_POSTS) return undefined;
    const changedFiles = changedAt.map((index) => files[index]!);
    const entries = new Map(ledgerEntries.map((entry) => [entry.source, entry]));
    const changed = new Map<string, Post>();
    let index = 0;
    for await (const after of this.stages.parse(changedFiles)) {
      const file = changedFiles[index]!;
      const old = this.stages.storedParse(before[changedAt[index++]!]!);
      const entry = entries.get(file.file);
      if (!old?.post || !after.post?.fingerprint || !entry || frontOf(old.post) !== frontOf(after.post)) return undefined;
      if (JSON.stringify(old.diagnostics) !== JSON.stringify(after.diagnostics)) return undefined;
      const identified = assignIdentities([after.post], config, site, () => entry.id);
      if (identified.diagnostics.length > 0) return undefined;
      changed.set(file.file, identified.posts[0]!);
    }

    // Those of the changed posts the feeds carry, rendered again: only they need the renderers.
    const posts = (JSON.parse(found.posts) as Array<[string, string]>).map(([file, permalink]) => ({ file, permalink }));
    const renders = found.renders.split('\n');
    const inputs: RenderInput[] = [];
    const positions: number[] = [];
    for (const [position, postIndex] of found.items.entries()) {
      const post = changed.get(posts[postIndex]!.file);
      if (!post) continue;
      const media = await postMedia(post, this.inputs.postsRoot, this.inputs.cwd);
      inputs.push({ post, ...(media ? { media } : {}) });
      positions.push(position);
    }
    const itemDiagnostics = new Map(found.itemDiagnostics);
    const fresh = new Map<number, ItemFragments>();
    index = 0;
    for await (const result of this.stages.render(inputs, site, posts)) {
      const position = positions[index]!;
      fresh.set(position, result.item.fragments);
      renders[position] = this.stages.renderKeys[index]!;
      if (result.diagnostics.length > 0) itemDiagnostics.set(position, result.diagnostics);
      else itemDiagnostics.delete(position);
      index++;
    }
    const items: ItemFragments[] = [];
    let characters = 0;
    for (const [position, render] of renders.entries()) {
      const fragments = fresh.get(position) ?? this.stages.storedFragments(render);
      if (!fragments) return undefined;
      items.push(fragments);
      characters += itemCharacters(fragments);
    }
    // Too large now: the stages say so, with the numbers.
    if (characters > config.limits.maxFeedCharacters) return undefined;
    const text = serializeLedger(
      ledgerEntries.map((entry) => {
        const post = changed.get(entry.source);
        return post ? { ...entry, fingerprint: post.fingerprint! } : entry;
      }),
    );
    this.stages.keepParses(files);
    this.stages.countPatched(items.length - fresh.size);
    // Kept under the ledger this build leaves (only fingerprints moved), for the next build.
    const media = found.media.filter(([file]) => !changed.has(file));
    for (const input of inputs) if (input.media) media.push(mediaUse(input));
    const memo: BuildMemo = {
      ...found,
      parseKeys: this.parseKeys(),
      renders: renders.join('\n'),
      itemDiagnostics: [...itemDiagnostics].sort(([a], [b]) => a - b),
      media,
    };
    this.store(text, () => memo);
    return { items, updated: new Date(found.updated), diagnostics: allDiagnostics(memo), posts: found.postCount, ...(text !== ledgerText ? { ledgerText: text } : {}) };
  }

  private store(ledgerText: string | undefined, memo: () => BuildMemo): void {
    const keyInputs = this.keyInputs(ledgerText);
    const key = this.stages.buildKey(this.inputs.files, keyInputs);
    if (key !== undefined) this.stages.rememberBuild(key, this.shapeKey(keyInputs), memo());
  }

  /**
   * Whether a memo holds for this build beyond its key: no post became public or expired since
   * (the only way the clock enters a build), it did not fail, and every local file its items
   * attach is as it was.
   */
  private async holds(memo: BuildMemo): Promise<boolean> {
    if (timeStates(memo.times, this.inputs.now) !== memo.states) return false;
    if (failsBuild(allDiagnostics(memo), this.inputs.flags.strict)) return false;
    for (const [file, image, found] of memo.media) {
      if (JSON.stringify(await postMedia({ file, image: { value: image } }, this.inputs.postsRoot, this.inputs.cwd)) !== found) return false;
    }
    return true;
  }

  private parseKeys(): string {
    return this.inputs.files.map((file) => this.stages.parseKeyOf(file)!).join('\n');
  }

  /** The inputs besides the posts' bytes as one string (the parse keys join them in the key). */
  private keyInputs(ledgerText: string | undefined): string {
    const { cwd, site, flags, loadDiagnostics } = this.inputs;
    // Where the feeds are written and what `check` holds them to change nothing built.
    const { out: _out, check: _check, ...config } = this.inputs.config;
    return JSON.stringify([cwd, config, site, ledgerText ?? null, flags, loadDiagnostics]);
  }

  /** The key of the last build remembered for the same files, settings and ledger (see patch). */
  private shapeKey(keyInputs: string): string {
    return JSON.stringify([this.inputs.files.map((file) => file.file), keyInputs]);
  }
}

/** More posts changed than this and the stages run: the patch is for edits, not rewrites. */
const MAX_PATCHED_POSTS = 64;

/** Where each post stands at `now` (plan/select.ts timeState), one digit per post. */
function timeStates(times: Float64Array, now: Date): string {
  const at = now.getTime();
  const optional = (ms: number) => (Number.isNaN(ms) ? undefined : new Date(ms));
  let states = '';
  for (let index = 0; index < times.length; index += 3) {
    const state = timeState({ date: new Date(times[index]!), publishAt: optional(times[index + 1]!), expiresAt: optional(times[index + 2]!) }, at);
    states += String((state.future ? 1 : 0) + (state.expired ? 2 : 0));
  }
  return states;
}

function allDiagnostics(memo: BuildMemo): Diagnostic[] {
  return [...memo.readDiagnostics, ...memo.stageDiagnostics, ...memo.itemDiagnostics.flatMap(([, diagnostics]) => diagnostics)];
}

/** A parse without its body and what follows from the body alone: what must not change for a patch. */
function frontOf(post: ParsedPost): string {
  const { markdown: _markdown, fingerprint: _fingerprint, ...front } = post;
  return JSON.stringify(front);
}
