// The feed copies a cold build writes while its items are rendered (output/cache-file.ts,
// FeedCopyStream): kept only when the feeds came out exactly as written, each chunk found where
// the cache will say it is; otherwise removed, and the copies written whole from the feeds.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { build } from '../src/index.js';
import { outputFile, type EnvelopeBytes } from '../src/formats/registry.js';
import type { Chunk, FeedFormat, ItemFragments, OutputFile } from '../src/model.js';
import { CacheLog, FeedCopyStream } from '../src/output/cache-file.js';
import { joinChunks } from '../src/output/spans.js';
import { CACHE_FILE } from '../src/source/cache-file.js';
import { makeProject, post, tempDir } from './helpers.js';

const FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];

function envelopes(head = 'head'): EnvelopeBytes[] {
  return FORMATS.map((format) => ({ format, head: Buffer.from(`<${head} ${format}>`), separator: Buffer.from(format === 'json' ? ',\n' : ''), tail: Buffer.from(`</${format}>`) }));
}

/** `count` items, RSS and Atom sharing their middle chunk as the real writers' HTML section. */
function items(count: number): ItemFragments[] {
  return Array.from({ length: count }, (_, index) => {
    const shared = Buffer.from(`<![CDATA[<p>post ${index} ${'é'.repeat(index)}</p>]]>`);
    return {
      rss: [Buffer.from(`<item>${index}`), shared, Buffer.from('</item>')],
      atom: [Buffer.from(`<entry>${index}`), shared, Buffer.from('</entry>')],
      json: [Buffer.from(`{"id":${index}}`)],
    };
  });
}

/** The feeds as serializeFeeds lays them out: head, items with separators, tail (fresh buffers for the envelope). */
function feeds(from: readonly EnvelopeBytes[], made: readonly ItemFragments[]): OutputFile[] {
  return from.map((envelope) => {
    const chunks: Chunk[] = [Buffer.from(envelope.head)];
    made.forEach((fragments, index) => {
      if (index > 0 && envelope.separator.length > 0) chunks.push(Buffer.from(envelope.separator));
      chunks.push(...fragments[envelope.format]);
    });
    chunks.push(Buffer.from(envelope.tail));
    return outputFile(envelope.format, `feed.${envelope.format}`, chunks, made.length);
  });
}

function openLog(): { dir: string; log: CacheLog } {
  const dir = path.join(tempDir(), 'cache');
  return { dir, log: new CacheLog(dir, 'salt') };
}

function streamed(log: CacheLog, made: readonly ItemFragments[], from = envelopes()): FeedCopyStream {
  const stream = log.streamFeedCopies(from)!;
  for (const fragments of made) stream.append(fragments);
  return stream;
}

afterEach(() => vi.restoreAllMocks());

describe('feed copies written as the items come', () => {
  it('are kept when the feeds are what was written: every chunk where its reference says, in its own format\'s copy', async () => {
    const { dir, log } = openLog();
    const made = items(40);
    const stream = streamed(log, made);
    const files = feeds(envelopes(), made);
    const finish = vi.spyOn(FeedCopyStream.prototype, 'finish');
    const kept = (await log.writeFeedCopies(files, stream))!;
    expect(await finish.mock.results[0]!.value).toBeDefined();
    expect(log.keepAs(CACHE_FILE)).toBeUndefined();
    const copies = kept.names.map((name) => readFileSync(path.join(dir, name)));
    for (const [index, file] of files.entries()) {
      expect(copies[index]).toEqual(joinChunks(file.chunks!));
      for (const chunk of made.flatMap((fragments) => fragments[file.format])) {
        const reference = kept.place(file.format, chunk)!;
        // The shared section from the format's own copy, never the other XML feed's.
        expect(reference.copy).toBe(index);
        const bytes = copies[reference.copy]!.subarray(reference.offset, reference.offset + reference.length);
        expect(bytes).toEqual(Buffer.from(chunk as Uint8Array));
        expect(reference.crc).toBe(crc32(bytes));
      }
    }
    expect(readdirSync(dir).sort()).toEqual([CACHE_FILE, ...kept.names].sort());
  });

  const mismatches: Array<[string, (made: ItemFragments[]) => OutputFile[]]> = [
    ['the feeds have another head (another date)', (made) => feeds(envelopes('other'), made)],
    ['an item fewer', (made) => feeds(envelopes(), made.slice(0, -1))],
    ['an item more', (made) => feeds(envelopes(), [...made, ...items(1)])],
    ['two items swapped', (made) => feeds(envelopes(), [made[1]!, made[0]!, ...made.slice(2)])],
    ['an item with other bytes', (made) => feeds(envelopes(), [...made.slice(0, -1), { ...made.at(-1)!, json: [Buffer.from('{"id":"x"}')] }])],
    ['the formats in another order', (made) => feeds(envelopes(), made).reverse()],
  ];
  it.each(mismatches)('are removed when %s, and the copies written whole from the feeds', async (_, feedsOf) => {
    const { dir, log } = openLog();
    const made = items(12);
    const stream = streamed(log, made);
    const files = feedsOf(made);
    const finish = vi.spyOn(FeedCopyStream.prototype, 'finish');
    const kept = (await log.writeFeedCopies(files, stream))!;
    expect(await finish.mock.results[0]!.value).toBeUndefined();
    expect(log.keepAs(CACHE_FILE)).toBeUndefined();
    // Only the copies written whole are left, and they hold the feeds.
    expect(readdirSync(dir).sort()).toEqual([CACHE_FILE, ...kept.names].sort());
    for (const [index, file] of files.entries()) expect(readFileSync(path.join(dir, kept.names[index]!))).toEqual(joinChunks(file.chunks!));
  });

  it('keeps an item that is other buffers holding the same bytes', async () => {
    const { log } = openLog();
    const made = items(5);
    const stream = streamed(log, made);
    const copy = (chunks: readonly Chunk[]) => chunks.map((chunk) => Buffer.from(chunk as Uint8Array));
    const copied = made.map((fragments): ItemFragments => ({ rss: copy(fragments.rss), atom: copy(fragments.atom), json: copy(fragments.json) }));
    const finish = vi.spyOn(FeedCopyStream.prototype, 'finish');
    await log.writeFeedCopies(feeds(envelopes(), copied), stream);
    expect(await finish.mock.results[0]!.value).toBeDefined();
    log.discard();
  });

  it('are removed when abandoned (a failed build), and the log leaves nothing', async () => {
    const { dir, log } = openLog();
    const stream = streamed(log, items(30));
    await stream.abandon();
    log.discard();
    expect(existsSync(dir)).toBe(false);
  });

  it('a cold build writes its copies so, with workers and without; a warm one and one edit write none', { timeout: 120_000 }, async () => {
    const posts = Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`p${index}.md`, post(`title: Post ${index}\ndate: 2024-01-${String(index + 1).padStart(2, '0')}`, `Text of *${index}* <sup>1</sup>.`)]));
    for (const workers of [1, 2]) {
      const cwd = makeProject(posts);
      const finish = vi.spyOn(FeedCopyStream.prototype, 'finish');
      const start = vi.spyOn(CacheLog.prototype, 'streamFeedCopies');
      const cold = await build({ cwd, cache: true, workers, limit: 0 });
      expect(cold.ok).toBe(true);
      expect(finish).toHaveBeenCalledTimes(1);
      expect(await finish.mock.results[0]!.value).toBeDefined();
      // Each feed is its copy.
      for (const file of cold.files) expect(readFileSync(file.copyAt!)).toEqual(joinChunks(file.chunks!));
      const plain = await build({ cwd, limit: 0 });
      expect(cold.files.map((file) => file.contents)).toEqual(plain.files.map((file) => file.contents));
      start.mockClear();
      await build({ cwd, cache: true, workers, limit: 0 });
      writeFileSync(path.join(cwd, 'posts', 'p3.md'), post('title: Post 3\ndate: 2024-01-04', 'Edited.'));
      expect((await build({ cwd, cache: true, workers, limit: 0 })).cache).toMatchObject({ renderMisses: 1 });
      expect(start).not.toHaveBeenCalled();
      vi.restoreAllMocks();
    }
  });
});
