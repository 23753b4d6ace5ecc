// The cache file's format: a header line naming the salt its entries were made with (postfeed's
// code and the settings, see post-cache.ts), then entries of a key and a value, each with a CRC-32
// over both. Pure: bytes in, entries out (and back). A file made for other code or settings is
// stale: none of its entries can match, so it is not read at all. A file that is damaged anywhere
// — truncated by a crash, overwritten — yields the entries before the damage and a problem to
// warn about; nothing in it can make a build fail.
import { crc32 } from 'node:zlib';
import type { Chunk } from '../model.js';

/** How every cache file starts, this format or another one: what follows says which. */
const FAMILY = 'postfeed-cache ';
const MAGIC = `${FAMILY}2 `;
/** A key is a hash; anything longer is damage, not a key. */
const MAX_KEY_BYTES = 256;

export interface PackRead {
  entries: Map<string, StoredValue>;
  /** Why some or all of the file could not be used; undefined when all of it was read. */
  problem?: string;
  /** Made for another salt or by another version of postfeed: nothing in it can be used, and nothing is wrong. */
  stale?: true;
}

/** A cache file's first line, for entries made with `salt`. */
export function packHeader(salt: string): Buffer {
  return Buffer.from(`${MAGIC}${salt}\n`, 'latin1');
}

/**
 * What a file's first bytes say: a cache for `salt`, a stale one (another salt, or another
 * version's format), or not a postfeed cache at all. `head` needs packHeader(salt).length bytes.
 */
export function headerKind(head: Buffer, salt: string): 'current' | 'stale' | 'foreign' {
  const expected = packHeader(salt);
  if (head.length >= expected.length && head.subarray(0, expected.length).equals(expected)) return 'current';
  return head.subarray(0, FAMILY.length).toString('latin1') === FAMILY ? 'stale' : 'foreign';
}

/**
 * A key that starts so has a value of parts, each after its length (4 bytes, little-endian): the
 * first is read into memory, the others stay in the file as spans (a rendered post: its small
 * fields, then its fragments, which are written to the feeds from the file as they are). A part
 * may instead be a reference to bytes of a feed copy (see FEED_COPIES_KEY): its length word has
 * REFERENCE_BIT set, and what follows is the reference, not the bytes.
 */
export const PARTS_KEY_PREFIX = 'r:';

/**
 * The entry naming the copies of a build's feeds kept beside the cache file (output/cache-file.ts):
 * a line each, its file name and its seal (source/cache-file.ts). References in the entries after
 * it, in the same file, are to these copies by their place in the list. Not an entry of the map
 * readPack returns.
 */
export const FEED_COPIES_KEY = 'feed-copies';

/** Set in a part's length word when the part is a PartReference. */
const REFERENCE_BIT = 0x80000000;
/** A reference's bytes: copy, offset (low and high words), length, CRC-32 of the bytes referred to. */
const REFERENCE_BYTES = 20;

/** A part kept in a feed copy instead of the cache file: `length` bytes at `offset` of copy `copy`, with their checksum. */
export class PartReference {
  constructor(
    readonly copy: number,
    readonly offset: number,
    readonly length: number,
    readonly crc: number,
  ) {}
}

/** How readPack reaches the feed copies a file's references point into. */
export interface CopyResolver {
  /** The copies a FEED_COPIES_KEY entry lists, a line each: references after it are to these. */
  copies(lines: readonly string[]): void;
  /**
   * The bytes a reference points to, as a chunk, once their checksum is verified; undefined when
   * they are not there (the copy is gone, or no longer holds them): the entry is then left out.
   */
  resolve(reference: PartReference): Chunk | undefined;
}

/** A stored value: its bytes, or its parts — the first in memory, the others spans of the file. */
export type StoredValue = Uint8Array | StoredParts;

export interface StoredParts {
  parts: Chunk[];
  /** The value's length in the file, parts and their lengths included, and the bytes its references stand for. */
  bytes: number;
}

/** Where readPack reads a cache file: the whole file in memory, or a window onto it. */
export interface PackSource {
  size: number;
  /** The file's `length` bytes at `offset`; good until the next call. */
  bytesAt(offset: number, length: number): Buffer;
  /** The little-endian 32-bit number at `offset` (a length: read without making a view). */
  uint32At(offset: number): number;
  /** Bytes to keep: a view of a file held in memory, a copy of a window's. */
  keep(bytes: Buffer): Uint8Array;
  /** A value part other than the first: a view of a file held in memory, a span of one read through a window. */
  partAt(offset: number, length: number): Chunk;
  /** Where references to feed copies lead; without it an entry holding one is left out. */
  copies?: CopyResolver;
}

/** The entries of a cache file made with `salt`, every checksum verified; what values hold is up to `source`. */
export function readPack(source: PackSource, salt: string): PackRead {
  const entries = new Map<string, StoredValue>();
  const headerLength = packHeader(salt).length;
  const kind = headerKind(source.bytesAt(0, Math.min(headerLength, source.size)), salt);
  if (kind === 'stale') return { entries, stale: true };
  if (kind === 'foreign') return { entries, problem: 'it does not start like a postfeed cache file' };
  const size = source.size;
  let offset = headerLength;
  while (offset < size) {
    const damaged = (what: string): PackRead => ({ entries, problem: `${what} at byte ${offset} (${entries.size} entries before it were kept)` });
    if (offset + 4 > size) return damaged('it ends inside an entry');
    const keyLength = source.uint32At(offset);
    if (keyLength === 0 || keyLength > MAX_KEY_BYTES) return damaged('an entry has an impossible key length');
    const valueAt = offset + 4 + keyLength + 4;
    if (valueAt > size) return damaged('it ends inside an entry');
    const valueLength = source.uint32At(valueAt - 4);
    const end = valueAt + valueLength + 4;
    if (end > size) return damaged('it ends inside an entry');
    const entry = source.bytesAt(offset, end - offset);
    if (crc32(entry.subarray(0, entry.length - 4)) !== entry.readUInt32LE(entry.length - 4)) return damaged('an entry fails its checksum');
    const key = entry.toString('latin1', 4, 4 + keyLength);
    const value = entry.subarray(valueAt - offset, valueAt - offset + valueLength);
    if (key === FEED_COPIES_KEY) source.copies?.copies(value.length === 0 ? [] : value.toString('latin1').split('\n'));
    else if (!key.startsWith(PARTS_KEY_PREFIX)) entries.set(key, source.keep(value));
    else {
      const parts = storedParts(value, valueAt, source);
      // A value whose parts do not add up is kept as bytes, for its reader to refuse; one whose
      // referenced bytes are gone is left out: it is not in the cache any more.
      if (parts !== 'gone') entries.set(key, parts ?? source.keep(value));
    }
    offset = end;
  }
  return { entries };
}

/**
 * A value of parts, the first kept and the others as `source` gives them; undefined if it is not
 * one (left to its reader to refuse); 'gone' if a part it refers to in a feed copy is not there.
 */
function storedParts(value: Buffer, valueAt: number, source: PackSource): StoredParts | 'gone' | undefined {
  const parts: Chunk[] = [];
  let at = 0;
  let referenced = 0;
  while (at < value.length) {
    if (at + 4 > value.length) return undefined;
    const word = value.readUInt32LE(at);
    if (word & REFERENCE_BIT && parts.length > 0) {
      if ((word & ~REFERENCE_BIT) !== REFERENCE_BYTES || at + 4 + REFERENCE_BYTES > value.length) return undefined;
      const field = (index: number) => value.readUInt32LE(at + 4 + 4 * index);
      const chunk = source.copies?.resolve(new PartReference(field(0), field(1) + field(2) * 2 ** 32, field(3), field(4)));
      if (chunk === undefined) return 'gone';
      parts.push(chunk);
      referenced += chunk.length;
      at += 4 + REFERENCE_BYTES;
      continue;
    }
    const length = word;
    if (at + 4 + length > value.length) return undefined;
    parts.push(parts.length === 0 ? source.keep(value.subarray(at + 4, at + 4 + length)) : source.partAt(valueAt + at + 4, length));
    at += 4 + length;
  }
  return parts.length > 0 ? { parts, bytes: value.length + referenced } : undefined;
}

/** The bytes a stored value takes in its file. */
export function storedBytes(value: StoredValue): number {
  return value instanceof Uint8Array ? value.byteLength : value.bytes;
}

/** A stored value as parts to write again, as the file held it. */
export function storedEntryValue(value: StoredValue): EntryValue {
  return value instanceof Uint8Array ? value : framedParts(value.parts);
}

/**
 * A value of parts as it is written (and storedParts reads it): each part after its length, a
 * reference (never the first part) as its length word with REFERENCE_BIT and its fields.
 */
export function framedParts<T extends Chunk>(parts: ReadonlyArray<T | PartReference>): Array<T | Buffer> {
  const out: Array<T | Buffer> = [];
  for (const part of parts) {
    if (part instanceof PartReference) {
      const frame = Buffer.allocUnsafe(4 + REFERENCE_BYTES);
      frame.writeUInt32LE((REFERENCE_BIT | REFERENCE_BYTES) >>> 0, 0);
      frame.writeUInt32LE(part.copy, 4);
      frame.writeUInt32LE(part.offset % 2 ** 32, 8);
      frame.writeUInt32LE(Math.floor(part.offset / 2 ** 32), 12);
      frame.writeUInt32LE(part.length, 16);
      frame.writeUInt32LE(part.crc >>> 0, 20);
      out.push(frame);
      continue;
    }
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32LE(part.length, 0);
    out.push(length, part);
  }
  return out;
}

/** An entry's value: its bytes, or its bytes in parts (written one after another, never joined). */
export type EntryValue = Uint8Array | readonly Chunk[];

/** One entry's bytes in pieces, as they follow the magic line or another entry: head, value parts, checksum. */
export function* entryPieces(key: string, value: Uint8Array | readonly Uint8Array[]): Generator<Uint8Array> {
  const parts = value instanceof Uint8Array ? [value] : value;
  const keyBytes = Buffer.from(key, 'latin1');
  const head = Buffer.allocUnsafe(4 + keyBytes.length + 4);
  head.writeUInt32LE(keyBytes.length, 0);
  keyBytes.copy(head, 4);
  head.writeUInt32LE(parts.reduce((sum, part) => sum + part.length, 0), 4 + keyBytes.length);
  let checksum = crc32(head);
  yield head;
  for (const part of parts) {
    checksum = crc32(part, checksum);
    yield part;
  }
  const tail = Buffer.allocUnsafe(4);
  tail.writeUInt32LE(checksum, 0);
  yield tail;
}
