// The content-addressed cache of parsed and rendered posts (and the diagnostics they produced),
// so a rebuild redoes only what changed. A parse entry is keyed by the post's path and bytes and
// everything else that shapes a parse; a render entry by its parse key, the post's identity, the
// site and the media it attaches — and it is used only if every reference to another post it
// resolved still resolves the same way. Keys also hold postfeed's code and V8's version, so an
// upgrade never reuses an entry. A build entry remembers a whole build (run/build-memo.ts), and a
// "latest" entry points to the last one made for the same files and settings. A render's
// fragments are stored as their bytes, or as references to where they lie in copies of the feeds
// kept beside the cache file (see wholeEntries). The store itself is source/cache-file.ts and
// output/cache-file.ts.
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { FORMAT_NAMES } from '../formats/registry.js';
import { FEED_COPIES_KEY, framedParts, PartReference, PARTS_KEY_PREFIX, storedBytes, storedEntryValue, type EntryValue, type StoredValue } from './pack.js';
import type { Chunk, FeedFormat, FileSpan, ItemFragments, Post } from '../model.js';
import type { CacheLog, WrittenCopies } from '../output/cache-file.js';
import { feedCopyLine } from '../source/cache-file.js';
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
  /**
   * Renders made by this build and not yet written, by key: kept until the feeds are made, to be
   * stored as where their fragments lie in copies of the feeds (wholeEntries) — not as a second
   * copy of their bytes. Up to CACHE_HOLDING.deferredBytes of fragments; the renders after that
   * go to the log at once, so a huge archive is never held whole.
   */
  private readonly deferred = new Map<string, RenderResult>();
  private deferredBytes = 0;
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
   * Keeps a render: until the feeds are made while within CACHE_HOLDING (see `deferred`), else
   * in the log at once — then returned with its fragments as spans of the cache file they were
   * just written to, so the build need not hold them (or as it was, if the file could not be written).
   */
  putRender(key: string, result: RenderResult): RenderResult {
    const bytes = fragmentBytes(result.item.fragments);
    if (this.deferredBytes + bytes <= CACHE_HOLDING.deferredBytes) {
      this.deferredBytes += bytes;
      this.deferred.set(key, result);
      this.made.set(key, bytes);
      return result;
    }
    const { parts, layout } = encodeRender(result);
    const spans = this.put(key, framedParts(parts));
    if (!spans) return result;
    // The value's parts were written each after its length: part `n` is span 2n + 1.
    return withFields(result, { item: withFields(result.item, { fragments: fragmentsOf(layout, (part) => spans[2 * part + 1]!) }) });
  }

  /** Whether a whole rewrite would hold rendered posts: then it is worth keeping copies of the feeds to point into. */
  get holdsRenders(): boolean {
    if (this.deferred.size > 0) return true;
    for (const key of this.used) if (key.startsWith(PARTS_KEY_PREFIX) && !this.made.has(key)) return true;
    return false;
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

  /**
   * The renders this build kept back, with their bytes: for a file of added entries, which refers
   * to no feed copy — the copies the main file refers to stay as they are, and one edit of a large
   * archive writes kilobytes, not the archive's feeds once more.
   */
  *heldEntries(): Generator<[string, EntryValue]> {
    for (const [key, result] of this.deferred) yield [key, framedParts(encodeRender(result).parts)];
  }

  /**
   * What a whole new cache holds besides the entries the log has already: the renders this build
   * kept back and the stored entries it used. With `copies` (the feeds' copies, output/cache-file.ts)
   * first the entry naming them, then every render in `order` (this build's render keys, the feeds'
   * order, so a reader goes through each copy forwards) with each chunk found in a copy as a
   * reference to it; a chunk found in none keeps its bytes.
   */
  *wholeEntries(order: readonly string[], copies?: WrittenCopies): Generator<[string, EntryValue]> {
    if (copies) yield [FEED_COPIES_KEY, Buffer.from(copies.names.map((name, index) => feedCopyLine(name, copies.seals[index])).join('\n'), 'latin1')];
    const done = new Set<string>();
    const render = (key: string): EntryValue | undefined => {
      const result = this.deferred.get(key);
      if (result) return framedParts(encodeRender(result, copies?.place).parts);
      const stored = this.stored.get(key);
      if (!stored || !this.used.has(key) || this.made.has(key) || !copies) return undefined;
      // Its fields as they are, its fragments pointed into this build's copies.
      const { fields } = renderParts(stored);
      return framedParts(encodeParts(decodeFragments(stored), fields, copies.place).parts);
    };
    for (const key of [...order, ...this.deferred.keys(), ...this.used]) {
      if (done.has(key) || !key.startsWith(PARTS_KEY_PREFIX)) continue;
      const value = render(key);
      if (value === undefined) continue;
      done.add(key);
      yield [key, value];
    }
    for (const key of this.used) if (!this.made.has(key) && !done.has(key)) yield [key, storedEntryValue(this.stored.get(key)!)];
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
 * raw UTF-8 it is written as — read back as views into the cache file, never copied or decoded —
 * or as a reference to where it lies in a copy of the feeds. The layout (see fragmentsOf) leads
 * the first part, so a remembered build takes an item's fragments without deserializing its
 * fields. A chunk two formats share (the post's HTML section of RSS and Atom) is stored once —
 * unless each format's own feed copy holds it: then each format refers to its own, so every
 * feed is read from one copy, forwards.
 */
function encodeRender(result: RenderResult, place?: ChunkPlace): { parts: Array<Chunk | PartReference>; layout: Uint8Array } {
  const { fragments, ...dates } = result.item;
  return encodeParts(fragments, serialize({ item: dates, diagnostics: result.diagnostics, references: result.references }), place);
}

/** Where a format's chunk lies in a copy of the feeds, preferably that format's own; undefined when in none. */
export type ChunkPlace = (format: FeedFormat, chunk: Chunk) => PartReference | undefined;

/** A render entry's parts from its fragments and its serialized small fields (see encodeRender). */
function encodeParts(fragments: ItemFragments, fields: Uint8Array, place?: ChunkPlace): { parts: Array<Chunk | PartReference>; layout: Uint8Array } {
  // Each distinct part once, with the first place (index in its fragment) it holds.
  const distinct: Array<{ part: Chunk | PartReference; place: number }> = [];
  const which = (format: FeedFormat, chunk: Chunk, index: number): number => {
    const reference = place?.(format, chunk);
    const found = reference
      ? distinct.findIndex(({ part }) => part instanceof PartReference && part.copy === reference.copy && part.offset === reference.offset)
      : // The same chunk, or (after crossing from a worker, which need not keep them one object) the same bytes.
        distinct.findIndex(({ part }) => part === chunk || (part instanceof Uint8Array && chunk instanceof Uint8Array && part.length === chunk.length && Buffer.from(part.buffer, part.byteOffset, part.byteLength).equals(chunk)));
    return found >= 0 ? found : distinct.push({ part: reference ?? chunk, place: index }) - 1;
  };
  const fragmentParts = FORMAT_NAMES.map((format) => fragments[format].map((chunk, index) => which(format, chunk, index)));
  // Stored by place (a stable sort keeps the formats' order within one): every fragment's chunks
  // then lie in the file in their own order — RSS head, Atom head, JSON, the shared HTML section,
  // RSS tail, Atom tail — so each feed reads its items in one ascending sweep (output/spans.ts).
  const order = distinct.map((_, index) => index).sort((a, b) => distinct[a]!.place - distinct[b]!.place);
  const partOf = new Map(order.map((index, position) => [index, position + 1]));
  const layout: number[] = [];
  for (const indices of fragmentParts) layout.push(indices.length, ...indices.map((index) => partOf.get(index)!));
  if (order.length > MAX_CHUNKS) throw new TypeError(`a render has ${order.length} chunks`);
  const layoutBytes = Uint8Array.from([layout.length, ...layout]);
  // The chunks are the very buffers the feeds are written from, not copies of them.
  return { parts: [Buffer.concat([layoutBytes, fields]), ...order.map((index) => distinct[index]!.part)], layout: layoutBytes };
}

/** The bytes of a render's fragments, a chunk two formats share counted once. */
function fragmentBytes(fragments: ItemFragments): number {
  const seen = new Set<Chunk>();
  let bytes = 0;
  for (const format of FORMAT_NAMES) {
    for (const chunk of fragments[format]) {
      if (seen.has(chunk)) continue;
      seen.add(chunk);
      bytes += chunk.length;
    }
  }
  return bytes;
}

/**
 * Fragments a build holds for the feed copies before it writes further renders to the cache file
 * at once (see PostCache.deferred): 10,000 posts of the bench's kind come to about 110 MB. Tests
 * lower it.
 */
export const CACHE_HOLDING = { deferredBytes: 384 << 20 };

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
