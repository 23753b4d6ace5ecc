// The content-addressed cache of parsed and rendered posts (and the diagnostics they produced),
// so a rebuild redoes only what changed. A parse entry is keyed by the post's path and bytes and
// everything else that shapes a parse; a render entry by its parse key, the post's identity, the
// site and the media it attaches — and it is used only if every reference to another post it
// resolved still resolves the same way. Keys also hold postfeed's code and V8's version, so an
// upgrade never reuses an entry. A build entry remembers a whole build (run/build-memo.ts), and a
// "latest" entry points to the last one made for the same files and settings. The store itself
// is source/cache-file.ts and output/cache-file.ts.
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { FORMAT_NAMES } from '../formats/registry.js';
import { framedParts, PARTS_KEY_PREFIX, storedBytes, storedEntryValue, type EntryValue, type StoredValue } from './pack.js';
import type { Chunk, FileSpan, ItemFragments, Post } from '../model.js';
import type { CacheLog } from '../output/cache-file.js';
import type { PostResolver } from '../render/references.js';
import type { DetachedParse } from '../run/detached-body.js';
import type { RenderResult } from '../run/render-work.js';
import type { MediaSize } from '../source/media.js';
import type { PostFile } from '../source/posts.js';
import type { BuildMemo } from '../run/build-memo.js';
import { withFields } from '../with-fields.js';
import { chunksLength } from '../output/spans.js';

export class PostCache {
  /** Keys of the stored entries this build used. */
  private readonly used = new Set<string>();
  /** The entries this build made (appended to the log as they were), by key: their sizes. */
  private readonly made = new Map<string, number>();
  /** Whether a stored entry was made anew under its own key (see getRender): the file must be rewritten. */
  private replaced = false;
  /** Entries used and entries made, by stage: what a rebuild redid. */
  readonly counts = { parseHits: 0, parseMisses: 0, renderHits: 0, renderMisses: 0 };
  /** A problem with an entry (it did not deserialize); warned about once, with the file's. */
  problem: string | undefined;

  /**
   * `stored` is what the cache files held; `salt` sums up postfeed's code and every setting that
   * shapes a parse or a render (see cacheSalt); `log` is where the entries this build makes go.
   */
  constructor(
    private readonly stored: ReadonlyMap<string, StoredValue>,
    private readonly salt: string,
    private readonly log: CacheLog,
  ) {}

  /** Whether the cache files held no entry at all (a first build, or another postfeed or setting). */
  get isEmpty(): boolean {
    return this.stored.size === 0;
  }

  /** Of the post's bytes, not its text: a post the cache holds is never decoded. */
  parseKey(source: PostFile): string {
    return digest(['parse', this.salt, source.file, source.bytes]);
  }

  /**
   * Everything else a post's render depends on is the parse's (the parse key stands for it) or
   * given here: its identity, the site (`siteJson`, the same for every post) and its media.
   */
  renderKey(parseKey: string, post: Pick<Post, 'slug' | 'permalink' | 'id'>, siteJson: string, media: MediaSize | undefined): string {
    // Marked as a value of parts, so its fragments are left in the file when it is read (cache/pack.ts).
    if (this.site?.json !== siteJson) this.site = { json: siteJson, digest: digest([siteJson]) };
    return PARTS_KEY_PREFIX + digest(['render', parseKey, post.slug, post.permalink, post.id, this.site.digest, JSON.stringify(media ?? null)]);
  }

  /** The site of the last render key, and its digest: the same for every post of a build. */
  private site: { json: string; digest: string } | undefined;

  /** A cached parse, its body still detached (see run/detached-body.ts): only a render needs it. */
  getParse(key: string): DetachedParse | undefined {
    const result = this.get(key, decodeParse);
    if (result) this.counts.parseHits++;
    else this.counts.parseMisses++;
    return result;
  }

  /** `parse` as stored: its body detached where it ends the post (see run/detached-body.ts). */
  putParse(key: string, parse: DetachedParse): void {
    this.put(key, serialize(parse));
  }

  /** Whether a stored entry is there; if so it is kept as used by this build. */
  keep(key: string): boolean {
    if (!this.stored.has(key)) return false;
    this.used.add(key);
    return true;
  }

  /** The key of a whole build (see run/build-memo.ts): its posts' parse keys, one per line, and everything else it read. */
  buildKey(parseKeys: string, inputs: string): string {
    return digest(['build', this.salt, parseKeys, inputs]);
  }

  getBuild(key: string): BuildMemo | undefined {
    return this.get(key, (value) => {
      if (!(value instanceof Uint8Array)) throw new Error('a build entry is made of parts');
      return deserialize(value) as BuildMemo;
    });
  }

  /** Keeps a build under `key`, and `key` as the latest build for `shape` (see run/build-memo.ts). */
  putBuild(key: string, shape: string, memo: BuildMemo): void {
    // A build's key stands for everything it read, so one stored under it is this very memo.
    if (this.stored.has(key)) this.used.add(key);
    else this.put(key, serialize(memo));
    // Pointers are replaced in place: the newest file read says which is latest (any of them is a
    // build that really happened, which is all a patch needs).
    const latest = this.latestKey(shape);
    if (this.getLatestByKey(latest) === key) return;
    this.put(latest, Buffer.from(key, 'latin1'));
  }

  keepLatest(shape: string): void {
    this.keep(this.latestKey(shape));
  }

  /** The key of the latest build kept for `shape`. */
  getLatest(shape: string): string | undefined {
    return this.getLatestByKey(this.latestKey(shape));
  }

  /** Where the pointer to the latest build for `shape` is kept. */
  private latestKey(shape: string): string {
    return digest(['latest', this.salt, shape]);
  }

  private getLatestByKey(key: string): string | undefined {
    return this.get(key, (value) => {
      if (!(value instanceof Uint8Array)) throw new Error('a latest-build entry is made of parts');
      return Buffer.from(value).toString('latin1');
    });
  }

  /** A parse as stored, without counting it as used by this build's parse stage. */
  storedParse(key: string): DetachedParse | undefined {
    return this.get(key, decodeParse);
  }

  /** A stored render's fragments alone: for a remembered build, which vouches for its references. */
  getFragments(key: string): ItemFragments | undefined {
    return this.get(key, decodeFragments);
  }

  /** A cached render, if every reference it resolved still resolves to the same post. */
  getRender(key: string, resolvePost: PostResolver): RenderResult | undefined {
    const result = this.get(key, decodeRender);
    if (result && result.references.every(([reference, answer]) => (resolvePost(reference) ?? null) === answer)) {
      this.counts.renderHits++;
      return result;
    }
    // Its references moved: the render is made again under the same key, replacing this one.
    if (result) this.replaced = true;
    this.counts.renderMisses++;
    return undefined;
  }

  /**
   * Keeps a render; returns it with its fragments as spans of the cache file they were just
   * written to, so the build need not hold them (or as it was, if the file could not be written).
   */
  putRender(key: string, result: RenderResult): RenderResult {
    const { parts, layout } = encodeRender(result);
    const spans = this.put(key, parts);
    if (!spans) return result;
    // The value's parts were written each after its length: part `n` is span 2n + 1.
    return withFields(result, { item: withFields(result.item, { fragments: fragmentsOf(layout, (part) => spans[2 * part + 1]!) }) });
  }

  /**
   * How the cache files should change after this build: not at all, by a file of the entries it
   * made, or by a whole new file of exactly the entries it used and made. Whole when something
   * stored was replaced or unreadable, when the added files pile up (`addedFiles` of them were
   * read), or when either the new entries or the unused stored ones come to more than a quarter of
   * what was stored — so the files hold at most a bounded share of entries no build uses.
   */
  writePlan(addedFiles: number): 'none' | 'add' | 'whole' {
    if (this.replaced || this.problem !== undefined) return 'whole';
    let stored = 0;
    let unused = 0;
    for (const [key, value] of this.stored) {
      stored += storedBytes(value);
      if (!this.used.has(key)) unused += storedBytes(value);
    }
    let made = 0;
    for (const bytes of this.made.values()) made += bytes;
    if (made === 0 && unused === 0) return 'none';
    if (stored === 0 || addedFiles >= MAX_ADDED_FILES || unused > stored / 4 || made > stored / 4) return 'whole';
    return made > 0 ? 'add' : 'none';
  }

  /** The stored entries this build used and did not make anew: with the log's, a whole new cache. */
  *usedStoredEntries(): Generator<[string, EntryValue]> {
    for (const key of this.used) if (!this.made.has(key)) yield [key, storedEntryValue(this.stored.get(key)!)];
  }

  private get<T>(key: string, decode: (value: StoredValue) => T): T | undefined {
    const bytes = this.stored.get(key);
    if (bytes) {
      try {
        const value = decode(bytes);
        this.used.add(key);
        return value;
      } catch (error) {
        this.problem ??= `an entry could not be read (${(error as Error).message})`;
      }
    }
    return undefined;
  }

  private put(key: string, value: EntryValue): FileSpan[] | undefined {
    this.made.set(key, entryBytes(value));
    return this.log.append(key, value);
  }
}

/** Files of added entries a build reads before it folds them into a new main file. */
const MAX_ADDED_FILES = 8;

function entryBytes(value: EntryValue): number {
  return value instanceof Uint8Array ? value.byteLength : chunksLength(value);
}

function decodeParse(value: StoredValue): DetachedParse {
  if (!(value instanceof Uint8Array)) throw new Error('a parse entry is made of parts');
  return deserialize(value) as DetachedParse;
}

/**
 * A render entry: its layout and small fields, then each distinct chunk of its fragments as the
 * raw UTF-8 it is written as — read back as views into the cache file, never copied or decoded.
 * The layout (see fragmentsOf) leads the first part, so a remembered build takes an item's
 * fragments without deserializing its fields. A chunk two formats share (the post's HTML section
 * of RSS and Atom) is stored once.
 */
function encodeRender(result: RenderResult): { parts: Array<Uint8Array>; layout: Uint8Array } {
  const { fragments, ...dates } = result.item;
  // Each distinct chunk once, with the first place (index in its fragment) it holds.
  const distinct: Array<{ chunk: Uint8Array; place: number }> = [];
  const which = (chunk: Chunk, place: number): number => {
    // Only a render just made is stored, and its fragments are in memory.
    if (!(chunk instanceof Uint8Array)) throw new TypeError('a render to store must hold its fragments in memory');
    // The same chunk, or (after crossing from a worker, which need not keep them one object) the same bytes.
    const found = distinct.findIndex(({ chunk: stored }) => stored === chunk || (stored.length === chunk.length && Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).equals(chunk)));
    return found >= 0 ? found : distinct.push({ chunk, place }) - 1;
  };
  const fragmentChunks = FORMAT_NAMES.map((format) => fragments[format].map((chunk, place) => which(chunk, place)));
  // Stored by place (a stable sort keeps the formats' order within one): every fragment's chunks
  // then lie in the file in their own order — RSS head, Atom head, JSON, the shared HTML section,
  // RSS tail, Atom tail — so each feed reads its items in one ascending sweep (output/spans.ts).
  const order = distinct.map((_, index) => index).sort((a, b) => distinct[a]!.place - distinct[b]!.place);
  const partOf = new Map(order.map((index, position) => [index, position + 1]));
  const layout: number[] = [];
  for (const indices of fragmentChunks) layout.push(indices.length, ...indices.map((index) => partOf.get(index)!));
  const chunks = order.map((index) => distinct[index]!.chunk);
  if (chunks.length > MAX_CHUNKS) throw new TypeError(`a render has ${chunks.length} chunks`);
  const layoutBytes = Uint8Array.from([layout.length, ...layout]);
  const fields = serialize({ item: dates, diagnostics: result.diagnostics, references: result.references });
  // In parts: the chunks are the very buffers the feeds are written from, not copies of them.
  return { parts: framedParts([Buffer.concat([layoutBytes, fields]), ...chunks]), layout: layoutBytes };
}

/** Chunks a render entry may have: its layout counts them in bytes. */
const MAX_CHUNKS = 254;

/**
 * Each format's chunks from an entry's layout: its first byte is the layout's length, then for
 * each format in FORMAT_NAMES order the number of its chunks and the part (1 and up) each one is.
 */
function fragmentsOf(layout: Uint8Array, part: (index: number) => Chunk | undefined): ItemFragments {
  const fragments = {} as ItemFragments;
  let at = 1;
  for (const format of FORMAT_NAMES) {
    const count = layout[at++];
    if (count === undefined || at + count > layout[0]! + 1) throw new Error('a render entry has a damaged layout');
    const chunks: Chunk[] = [];
    for (let n = 0; n < count; n++) {
      const chunk = part(layout[at++]!);
      if (chunk === undefined) throw new Error('a render entry has fewer parts than its layout says');
      chunks.push(chunk);
    }
    fragments[format] = chunks;
  }
  if (at !== layout[0]! + 1) throw new Error('a render entry has a damaged layout');
  return fragments;
}

/** A stored render: parts as the cache file was read (the layout and small fields in memory, the chunks as spans). */
function decodeRender(value: StoredValue): RenderResult {
  const { fields } = renderParts(value);
  const meta = deserialize(fields) as Omit<RenderResult, 'item'> & { item: Omit<RenderResult['item'], 'fragments'> };
  return { item: withFields(meta.item, { fragments: decodeFragments(value) }), diagnostics: meta.diagnostics, references: meta.references };
}

/** A stored render's fragments, as spans or views of the cache file: its fields are left alone. */
function decodeFragments(value: StoredValue): ItemFragments {
  const { layout, parts } = renderParts(value);
  return fragmentsOf(layout, (index) => (index >= 1 ? parts[index] : undefined));
}

/** A render entry's layout, fields and parts; throws when it is not one. */
function renderParts(value: StoredValue): { layout: Uint8Array; fields: Uint8Array; parts: readonly Chunk[] } {
  // Not split into parts when read: its lengths did not add up.
  if (value instanceof Uint8Array) throw new Error('a render entry is not made of whole parts');
  const first = value.parts[0];
  if (!(first instanceof Uint8Array) || first.length === 0 || first[0]! + 1 > first.length) throw new Error('a render entry has no fields');
  return { layout: first.subarray(0, first[0]! + 1), fields: first.subarray(first[0]! + 1), parts: value.parts };
}

/** What every key holds besides the post: postfeed's own code, V8's serializer, the settings. */
export function cacheSalt(code: string, settings: unknown): string {
  return digest([code, process.versions.v8, JSON.stringify(settings)]);
}

function digest(parts: ReadonlyArray<string | Uint8Array>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:`).update(part);
  return hash.digest('base64url');
}
