// A build appends the entries it makes to its cache file as it goes (CacheLog) and writes the
// feeds from spans of that file (output/spans.ts). Checked here against plain slicing of the bytes:
// any mix of buffers and spans reads back as exactly the bytes they stand for, and the log's file
// is a cache file holding exactly the entries appended, whose spans read back as their parts.
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Chunk, FileSpan } from '../src/model.js';
import { PARTS_KEY_PREFIX } from '../src/cache/pack.js';
import { CacheLog } from '../src/output/cache-file.js';
import { chunkBatches, joinChunks, spanSource } from '../src/output/spans.js';
import { CACHE_READING, readCacheFile } from '../src/source/cache-file.js';

function scratch(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'postfeed-spans-'));
}

/** Deterministic bytes that differ at every offset a test may read. */
function pattern(length: number, seed: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[index] = state & 0xff;
  }
  return bytes;
}

describe('chunks read back from spans of a file', () => {
  // Larger than the 4 MB window, so a span may not fit one, and runs cross window ends.
  const fileBytes = pattern(9 * 1024 * 1024 + 17, 7);
  const dir = scratch();
  const file = path.join(dir, 'spans.bin');
  writeFileSync(file, fileBytes);
  const source = spanSource(openSync(file, 'r'));
  const other = spanSource(openSync(file, 'r'));

  type Piece = { kind: 'buffer'; bytes: Buffer } | { kind: 'span'; offset: number; length: number; second: boolean; held: boolean };
  const small = fc.integer({ min: 0, max: 40_000 });
  const piece: fc.Arbitrary<Piece> = fc.oneof(
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'buffer' as const, bytes: Buffer.from(bytes) })) },
    {
      weight: 6,
      arbitrary: fc
        .record({ offset: fc.integer({ min: 0, max: fileBytes.length }), length: fc.oneof({ weight: 8, arbitrary: small }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 5 * 1024 * 1024 }) }), second: fc.boolean(), held: fc.boolean() })
        .map(({ offset, length, second, held }) => ({ kind: 'span' as const, offset, length: Math.min(length, fileBytes.length - offset), second, held })),
    },
  );
  // Ascending runs with small gaps, as a feed's items lie in the cache file, and anything else.
  const pieces = fc.oneof(
    fc.array(piece, { maxLength: 60 }),
    fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 0, max: 30_000 }), fc.boolean()), { maxLength: 300 })).map(([start, steps]) => {
      const run: Piece[] = [];
      let at = start;
      for (const [gap, length, separator] of steps) {
        at += gap;
        if (at + length > fileBytes.length) break;
        run.push({ kind: 'span', offset: at, length, second: false, held: false });
        if (separator) run.push({ kind: 'buffer', bytes: Buffer.from(',\n') });
        at += length;
      }
      return run;
    }),
  );

  function chunksOf(list: readonly Piece[]): { chunks: Chunk[]; expected: Buffer } {
    const chunks: Chunk[] = [];
    const expected: Buffer[] = [];
    for (const item of list) {
      if (item.kind === 'buffer') {
        chunks.push(item.bytes);
        expected.push(item.bytes);
        continue;
      }
      const span: FileSpan = { source: item.second ? other : source, offset: item.offset, length: item.length };
      // Bytes not yet in the file are carried by the span itself, and must be what is read.
      if (item.held) span.held = pattern(item.length, item.offset + 1);
      chunks.push(span);
      expected.push(span.held ? Buffer.from(span.held) : fileBytes.subarray(item.offset, item.offset + item.length));
    }
    return { chunks, expected: Buffer.concat(expected) };
  }

  it('joins any mix of buffers, spans of two descriptors and held spans to exactly their bytes', () => {
    fc.assert(
      fc.property(pieces, (list) => {
        const { chunks, expected } = chunksOf(list);
        expect(joinChunks(chunks).equals(expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('yields batches of at most 1,024 buffers that, each used before the next, give the same bytes', () => {
    fc.assert(
      fc.property(pieces, (list) => {
        const { chunks, expected } = chunksOf(list);
        const seen: Buffer[] = [];
        for (const batch of chunkBatches(chunks)) {
          expect(batch.length).toBeLessThanOrEqual(1024);
          // Copied now: the next batch may reuse the window these point into.
          seen.push(Buffer.concat(batch));
        }
        expect(Buffer.concat(seen).equals(expected)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('says the cache file was shortened when a span lies past its end', () => {
    const short = path.join(dir, 'short.bin');
    writeFileSync(short, pattern(100, 3));
    const shortSource = spanSource(openSync(short, 'r'));
    expect(() => joinChunks([{ source: shortSource, offset: 50, length: 80 }])).toThrow(/shortened while the build ran/);
  });
});

const SALT = 'salt-of-these-tests';

describe('the cache log', () => {
  const value = (seed: number, length: number) => pattern(length, seed);

  it('writes a cache file of exactly the entries appended, whose spans read back as their parts', () => {
    const dir = path.join(scratch(), 'cache', 'postfeed');
    const log = new CacheLog(dir, SALT);
    const appended = new Map<string, Buffer>();
    const spans: Array<{ span: FileSpan; bytes: Buffer }> = [];
    // Small entries gathered in the buffer, and parts of a megabyte and more written on their own.
    const sizes = [10, 0, 3000, 1 << 20, 70_000, (1 << 20) + 5, 1, 500_000, 600_000, 12];
    for (const [index, size] of sizes.entries()) {
      const parts = [value(index * 3 + 1, size), value(index * 3 + 2, 7), value(index * 3 + 3, size >> 1)];
      const key = `key-${index}`;
      const got = log.append(key, parts);
      expect(got).toHaveLength(3);
      for (const [part, span] of got!.entries()) spans.push({ span, bytes: parts[part]! });
      appended.set(key, Buffer.concat(parts));
    }
    // The last entries are still buffered: their spans carry their bytes until they are written.
    // Every span reads right meanwhile too — from the file, or from the bytes it carries.
    expect(spans.at(-1)!.span.held).toBeDefined();
    for (const { span, bytes } of spans) expect(joinChunks([span]).equals(bytes)).toBe(true);
    expect(log.keepAs('posts.cache')).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['posts.cache']);
    for (const { span, bytes } of spans) {
      expect(span.held).toBeUndefined();
      expect(joinChunks([span]).equals(bytes)).toBe(true);
    }
    const read = readCacheFile(dir, SALT);
    return read.then(({ entries, problem }) => {
      expect(problem).toBeUndefined();
      expect([...entries.keys()].sort()).toEqual([...appended.keys()].sort());
      for (const [key, bytes] of appended) {
        const stored = entries.get(key)!;
        if (!(stored instanceof Uint8Array)) return expect.unreachable(`${key} was read as parts`);
        expect(Buffer.from(stored).equals(bytes), key).toBe(true);
      }
    });
  });

  it('reads an entry of parts back with its first part in memory and the others as spans of the file', async () => {
    const dir = path.join(scratch(), 'cache');
    const log = new CacheLog(dir, SALT);
    const parts = [value(1, 300), value(2, 5000), Buffer.alloc(0), value(3, 9 << 20)];
    const framed: Buffer[] = [];
    for (const part of parts) {
      const length = Buffer.allocUnsafe(4);
      length.writeUInt32LE(part.length, 0);
      framed.push(length, part);
    }
    log.append(`${PARTS_KEY_PREFIX}a-render`, framed);
    // Lengths that do not add up: read whole, into memory, for its reader to refuse.
    const broken = Buffer.from([9, 0, 0, 0, 1, 2]);
    log.append(`${PARTS_KEY_PREFIX}broken`, broken);
    log.append('plain', value(4, 70));
    expect(log.keepAs('posts.cache')).toBeUndefined();
    // Read whole (a file this small is), and through the window (as a large one is).
    for (const [mode, wholeFileBytes] of [['whole', 256 << 20], ['window', 0]] as const) {
      CACHE_READING.wholeFileBytes = wholeFileBytes;
      try {
        const { entries, problem } = await readCacheFile(dir, SALT);
        expect(problem, mode).toBeUndefined();
        const read = entries.get(`${PARTS_KEY_PREFIX}a-render`)!;
        if (read instanceof Uint8Array) return expect.unreachable('read whole');
        expect(read.bytes).toBe(Buffer.concat(framed).length);
        expect(read.parts[0]).toBeInstanceOf(Uint8Array);
        expect(read.parts.slice(1).every((part) => part instanceof Uint8Array), mode).toBe(mode === 'whole');
        expect(read.parts.map((part, index) => joinChunks([part]).equals(parts[index]!)), mode).toEqual([true, true, true, true]);
        expect(Buffer.from(entries.get(`${PARTS_KEY_PREFIX}broken`) as Uint8Array).equals(broken), mode).toBe(true);
        expect(Buffer.from(entries.get('plain') as Uint8Array).equals(value(4, 70)), mode).toBe(true);
      } finally {
        CACHE_READING.wholeFileBytes = 256 << 20;
      }
    }
  });

  it('keeps the bytes when its file cannot be written, and says why; a discarded log leaves nothing', () => {
    const root = scratch();
    const blocked = path.join(root, 'not-a-folder');
    writeFileSync(blocked, 'x');
    const log = new CacheLog(path.join(blocked, 'postfeed'), SALT);
    expect(log.append('a', value(1, 10))).toBeUndefined();
    expect(log.keepAs('posts.cache')).toMatch(/^cannot write posts\.cache \((ENOTDIR|EEXIST)\)$/);

    // A full disk after some entries are in: what was written stays readable from the file, what
    // was still buffered from the spans themselves, and nothing is left behind.
    const dir = path.join(root, 'cache');
    let writes = 0;
    const full = (fd: number, bytes: Uint8Array, offset: number, length: number, position: number): number => {
      if (++writes > 2) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      return writeSync(fd, bytes, offset, length, position);
    };
    const failing = new CacheLog(dir, SALT, full);
    const written = failing.append('written', [value(2, 3 << 20)])![0]!;
    const buffered = failing.append('buffered', [value(3, 100)])![0]!;
    expect(written.held).toBeUndefined();
    expect(buffered.held).toBeDefined();
    // The next write is the third: the disk is full.
    expect(failing.append('next', [value(4, 2 << 20)])).toBeUndefined();
    expect(failing.append('after', [value(5, 10)])).toBeUndefined();
    expect(joinChunks([written, buffered]).equals(Buffer.concat([value(2, 3 << 20), value(3, 100)]))).toBe(true);
    expect(failing.keepAs('posts.cache')).toBe('cannot write posts.cache (ENOSPC)');
    // The folder it made for the file goes with it.
    expect(existsSync(dir)).toBe(false);

    const discarded = path.join(root, 'made', 'for', 'it');
    const unused = new CacheLog(discarded, SALT);
    unused.append('k', value(4, 10));
    unused.discard();
    expect(readdirSync(root)).toEqual(['not-a-folder']);
    expect(readFileSync(blocked, 'utf8')).toBe('x');
  });
});
