// The content-addressed cache of parsed and rendered posts (and the diagnostics they produced),
// so a rebuild redoes only what changed. A parse entry is keyed by the post's path and bytes and
// everything else that shapes a parse; a render entry by its parse key, the post's identity, the
// site and the media it attaches — and it is used only if every reference to another post it
// resolved still resolves the same way. Keys also hold postfeed's code and V8's version, so an
// upgrade never reuses an entry. The store itself is source/cache-file.ts and output/cache-file.ts.
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { FORMAT_NAMES } from '../formats/registry.js';
import type { EntryValue } from './pack.js';
import type { ItemFragments, Post } from '../model.js';
import type { ParseResult, SourceFile } from '../parse/post.js';
import type { PostResolver } from '../render/references.js';
import { attachBody, detachBody, type DetachedParse } from '../run/detached-body.js';
import type { RenderResult } from '../run/post-work.js';
import type { MediaSize } from '../source/media.js';

export class PostCache {
  /** Entries this build used or made: exactly what the next cache file holds. */
  private readonly kept = new Map<string, EntryValue>();
  /** Entries used and entries made, by stage: what a rebuild redid. */
  readonly counts = { parseHits: 0, parseMisses: 0, renderHits: 0, renderMisses: 0 };
  private missed = 0;
  /** A problem with an entry (it did not deserialize); warned about once, with the file's. */
  problem: string | undefined;

  /**
   * `stored` is what the cache file held; `salt` sums up postfeed's code and every setting that
   * shapes a parse or a render (see cacheSalt).
   */
  constructor(
    private readonly stored: ReadonlyMap<string, Uint8Array>,
    private readonly salt: string,
  ) {}

  parseKey(source: SourceFile): string {
    return digest(['parse', this.salt, source.file, source.text]);
  }

  /**
   * Everything else a post's render depends on is the parse's (the parse key stands for it) or
   * given here: its identity, the site (`siteJson`, the same for every post) and its media.
   */
  renderKey(parseKey: string, post: Pick<Post, 'slug' | 'permalink' | 'id'>, siteJson: string, media: MediaSize | undefined): string {
    return digest(['render', parseKey, post.slug, post.permalink, post.id, siteJson, JSON.stringify(media ?? null)]);
  }

  getParse(key: string, source: SourceFile): ParseResult | undefined {
    const result = this.get(key, (bytes) => attachBody(deserialize(bytes) as DetachedParse, source));
    if (result) this.counts.parseHits++;
    else this.counts.parseMisses++;
    return result;
  }

  putParse(key: string, result: ParseResult, source: SourceFile): void {
    this.kept.set(key, serialize(detachBody(result, source)));
  }

  /** A cached render, if every reference it resolved still resolves to the same post. */
  getRender(key: string, resolvePost: PostResolver): RenderResult | undefined {
    const result = this.get(key, decodeRender);
    if (result && result.references.every(([reference, answer]) => (resolvePost(reference) ?? null) === answer)) {
      this.counts.renderHits++;
      return result;
    }
    if (result) {
      this.kept.delete(key);
      this.missed++;
    }
    this.counts.renderMisses++;
    return undefined;
  }

  putRender(key: string, result: RenderResult): void {
    this.kept.set(key, encodeRender(result));
  }

  /** Whether the file should be written again: something was missing, or something stored went unused. */
  get changed(): boolean {
    return this.missed > 0 || this.kept.size !== this.stored.size;
  }

  entries(): IterableIterator<[string, EntryValue]> {
    return this.kept.entries();
  }

  private get<T>(key: string, decode: (bytes: Uint8Array) => T): T | undefined {
    const bytes = this.stored.get(key);
    if (bytes) {
      try {
        const value = decode(bytes);
        this.kept.set(key, bytes);
        return value;
      } catch (error) {
        this.problem ??= `an entry could not be read (${(error as Error).message})`;
      }
    }
    this.missed++;
    return undefined;
  }

}

/**
 * A render entry: its small fields through V8's serializer, then each format's fragment as the
 * raw UTF-8 it is written as — read back as views into the cache file, never copied or decoded.
 */
function encodeRender(result: RenderResult): Uint8Array[] {
  const { fragments, ...dates } = result.item;
  const parts: Uint8Array[] = [serialize({ item: dates, diagnostics: result.diagnostics, references: result.references })];
  for (const format of FORMAT_NAMES) parts.push(fragments[format]);
  const out: Uint8Array[] = [];
  for (const part of parts) {
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32LE(part.length, 0);
    out.push(length, part);
  }
  // In parts: the fragments are the very buffers the feeds are written from, not copies of them.
  return out;
}

function decodeRender(bytes: Uint8Array): RenderResult {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const next = (): Buffer => {
    const length = buffer.readUInt32LE(offset);
    const end = offset + 4 + length;
    if (end > buffer.length) throw new Error('a render entry is shorter than its parts');
    const part = buffer.subarray(offset + 4, end);
    offset = end;
    return part;
  };
  const meta = deserialize(next()) as Omit<RenderResult, 'item'> & { item: Omit<RenderResult['item'], 'fragments'> };
  const fragments = {} as ItemFragments;
  for (const format of FORMAT_NAMES) fragments[format] = next();
  if (offset !== buffer.length) throw new Error('a render entry is longer than its parts');
  return { item: { ...meta.item, fragments }, diagnostics: meta.diagnostics, references: meta.references };
}

/** What every key holds besides the post: postfeed's own code, V8's serializer, the settings. */
export function cacheSalt(code: string, settings: unknown): string {
  return digest([code, process.versions.v8, JSON.stringify(settings)]);
}

function digest(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:`).update(part);
  return hash.digest('base64url');
}
