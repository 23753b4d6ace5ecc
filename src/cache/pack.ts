// The cache file's format: a header line naming the salt its entries were made with (postfeed's
// code and the settings, see post-cache.ts), then entries of a key and a value, each with a CRC-32
// over both. Pure: bytes in, entries out (and back). A file made for other code or settings is
// stale: none of its entries can match, so it is not read at all. A file that is damaged anywhere
// — truncated by a crash, overwritten — yields the entries before the damage and a problem to
// warn about; nothing in it can make a build fail.
import { crc32 } from 'node:zlib';

/** How every cache file starts, this format or another one: what follows says which. */
const FAMILY = 'postfeed-cache ';
const MAGIC = `${FAMILY}2 `;
/** A key is a hash; anything longer is damage, not a key. */
const MAX_KEY_BYTES = 256;

export interface PackRead {
  entries: Map<string, Buffer>;
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

/** The entries of a cache file made with `salt`. Values are views into `bytes`, not copies. */
export function readPack(bytes: Buffer, salt: string): PackRead {
  const entries = new Map<string, Buffer>();
  const kind = headerKind(bytes, salt);
  if (kind === 'stale') return { entries, stale: true };
  if (kind === 'foreign') return { entries, problem: 'it does not start like a postfeed cache file' };
  let offset = packHeader(salt).length;
  while (offset < bytes.length) {
    const damaged = (what: string): PackRead => ({ entries, problem: `${what} at byte ${offset} (${entries.size} entries before it were kept)` });
    if (offset + 4 > bytes.length) return damaged('it ends inside an entry');
    const keyLength = bytes.readUInt32LE(offset);
    if (keyLength === 0 || keyLength > MAX_KEY_BYTES) return damaged('an entry has an impossible key length');
    const valueAt = offset + 4 + keyLength + 4;
    if (valueAt > bytes.length) return damaged('it ends inside an entry');
    const valueLength = bytes.readUInt32LE(valueAt - 4);
    const end = valueAt + valueLength + 4;
    if (end > bytes.length) return damaged('it ends inside an entry');
    const stored = bytes.readUInt32LE(end - 4);
    if (crc32(bytes.subarray(offset, end - 4)) !== stored) return damaged('an entry fails its checksum');
    entries.set(bytes.toString('latin1', offset + 4, offset + 4 + keyLength), bytes.subarray(valueAt, valueAt + valueLength));
    offset = end;
  }
  return { entries };
}

/** An entry's value: its bytes, or its bytes in parts (written one after another, never joined). */
export type EntryValue = Uint8Array | readonly Uint8Array[];

/** One entry's bytes in pieces, as they follow the magic line or another entry: head, value parts, checksum. */
export function* entryPieces(key: string, value: EntryValue): Generator<Uint8Array> {
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
