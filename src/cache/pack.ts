// The cache file's format: entries of a key and a value, each with a CRC-32 over both, after a
// magic line. Pure: bytes in, entries out (and back). A file that is damaged anywhere — truncated
// by a crash, overwritten, from another version — yields the entries before the damage and a
// problem to warn about; nothing in it can make a build fail.
import { crc32 } from 'node:zlib';

const MAGIC = Buffer.from('postfeed-cache 1\n', 'utf8');
/** A key is a hash; anything longer is damage, not a key. */
const MAX_KEY_BYTES = 256;

export interface PackRead {
  entries: Map<string, Buffer>;
  /** Why some or all of the file could not be used; undefined when all of it was read. */
  problem?: string;
}

/** The entries of a cache file. Values are views into `bytes`, not copies. */
export function readPack(bytes: Buffer): PackRead {
  const entries = new Map<string, Buffer>();
  if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    return { entries, problem: 'it does not start like a postfeed cache file' };
  }
  let offset = MAGIC.length;
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

/** What a cache file starts with, before its first entry. */
export const PACK_MAGIC: Uint8Array = MAGIC;

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
