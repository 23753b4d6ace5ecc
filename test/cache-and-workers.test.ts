// The worker pool and the post cache change how fast a build is, never what it writes or says:
// every build here is compared byte for byte, diagnostics included, with a plain one-thread build
// without a cache. Also: a damaged cache file is detected, warned about once and rebuilt; a cached
// render is redone when a post it links to moves; concurrent builds leave a readable cache.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, writeOutput, type BuildOptions, type BuildResult } from '../src/index.js';
import { formatDiagnostics } from '../src/diagnostics/format.js';
import { withCopy } from '../src/formats/registry.js';
import { loadSiteConfig } from '../src/run/config.js';
import { CACHE_READING, FEED_COPY_CHECKS } from '../src/source/cache-file.js';
import { CACHE_HOLDING } from '../src/cache/post-cache.js';

const DEFAULT_HOLDING = CACHE_HOLDING.deferredBytes;
import { CLI, makeProject, post, runCli, runCliAsync, SHARED } from './helpers.js';

const NOW = new Date('2030-01-01T00:00:00Z');
/**
 * What a cache folder holds after a build that wrote it whole: the posts' cache, the validated
 * config, and a copy of each of the build's three feeds (named for the build: `*` in cacheListing).
 */
const CACHE_FILES = ['config.json', 'posts.cache', 'posts.cache.feed-*-0', 'posts.cache.feed-*-1', 'posts.cache.feed-*-2'];

/** A cache folder's files, sorted, each feed copy's build id as `*`. */
function cacheListing(dir: string): string[] {
  return readdirSync(dir)
    .map((name) => name.replace(/^(posts\.cache\.feed-)[0-9a-f]{12}(-[0-9]+)$/, '$1*$2'))
    .sort();
}

/** The feed copies in a cache folder, by the place of their feed (0 RSS, 1 Atom, 2 JSON Feed). */
function feedCopies(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^posts\.cache\.feed-[0-9a-f]{12}-[0-9]+$/.test(name))
    .sort((a, b) => Number(a.split('-').pop()) - Number(b.split('-').pop()))
    .map((name) => path.join(dir, name));
}

/** What a build produced, as a reader and a user see it: every file's bytes and every line printed. */
function observable(result: BuildResult): { ok: boolean; files: Record<string, string>; diagnostics: string[] } {
  return {
    ok: result.ok,
    files: Object.fromEntries(result.files.map((file) => [file.path, file.contents])),
    diagnostics: formatDiagnostics(result.diagnostics),
  };
}

async function buildWith(cwd: string, options: BuildOptions): Promise<BuildResult> {
  return build({ cwd, now: NOW, limit: 0, ...options });
}

/**
 * A corpus of the bench's kind (raw HTML, code, links, many scripts) plus two posts that warn;
 * `published` is how many items a feed of all posts carries.
 */
function corpusProject(count: number): { cwd: string; published: number } {
  // Dated permalinks, as the bench has them: the corpus repeats slugs on different days.
  const cwd = makeProject({}, { permalink: '/posts/:year/:month/:day/:slug/' });
  const made = execFileSync(process.execPath, [path.join(SHARED, 'bench', 'make-corpus.mjs'), '--count', String(count), '--out', path.join(cwd, 'posts')], { encoding: 'utf8' });
  const { published } = JSON.parse(made.trim().split('\n').pop()!) as { published: number };
  writeFileSync(path.join(cwd, 'posts', 'warns-1.md'), post('title: Warns\ndate: 2020-01-01\nmystery: 1', 'Text <script>alert(1)</script> and <b onclick="x()">bold</b>.'));
  writeFileSync(path.join(cwd, 'posts', 'warns-2.md'), post('title: Empty\ndate: 2020-01-02', ''));
  return { cwd, published: published + 2 };
}

/**
 * Adds a post whose parsed body is not the end of its text (a character no feed may carry is taken
 * out of it), so it crosses threads with its body; every other post's body stays in its bytes.
 */
function addPostWithCleanedBody(cwd: string): void {
  writeFileSync(path.join(cwd, 'posts', 'cleaned.md'), post('title: Cleaned\ndate: 2020-01-03', 'Before\u0001 after: *emphasis* and [a link](../other/).').replace(/\n/g, '\r\n'));
}

describe('the worker pool', () => {
  it('writes byte-identical feeds and the same diagnostics with 1, 2 and 4 workers', { timeout: 240_000 }, async () => {
    const { cwd, published: corpus } = corpusProject(300);
    addPostWithCleanedBody(cwd);
    const published = corpus + 1;
    const one = await buildWith(cwd, { workers: 1 });
    expect(one.ok, JSON.stringify(one.diagnostics.slice(0, 3))).toBe(true);
    expect(one.files.map((file) => file.items)).toEqual([published, published, published]);
    expect(one.diagnostics.length).toBeGreaterThan(0);
    for (const workers of [2, 4]) expect(observable(await buildWith(cwd, { workers }))).toEqual(observable(one));
  });

  it('fills the cache from workers; a warm build in one thread then takes everything from it', { timeout: 240_000 }, async () => {
    const { cwd, published: corpus } = corpusProject(300);
    addPostWithCleanedBody(cwd);
    const published = corpus + 1;
    const plain = observable(await buildWith(cwd, { workers: 1 }));
    const cold = await buildWith(cwd, { workers: 2, cache: true });
    expect(observable(cold)).toEqual(plain);
    expect(cold.cache).toMatchObject({ parseHits: 0, renderHits: 0 });
    const warm = await buildWith(cwd, { workers: 1, cache: true });
    expect(warm.cache).toMatchObject({ parseMisses: 0, renderMisses: 0, parseHits: 303, renderHits: published });
    expect(observable(warm)).toEqual(plain);
  });

  it('renders in workers that parsed nothing (every parse from the cache, a larger limit): they load the renderer themselves', { timeout: 240_000 }, async () => {
    const { cwd, published } = corpusProject(300);
    const plain = observable(await buildWith(cwd, { workers: 1 }));
    const few = await buildWith(cwd, { workers: 2, cache: true, limit: 5 });
    expect(few.files.map((file) => file.items)).toEqual([5, 5, 5]);
    const all = await buildWith(cwd, { workers: 2, cache: true });
    expect(all.cache).toMatchObject({ parseMisses: 0, parseHits: 302, renderHits: 5, renderMisses: published - 5 });
    expect(observable(all)).toEqual(plain);
  });

  it('reports errors in the posts the same way from workers', { timeout: 120_000 }, async () => {
    const posts: Record<string, string> = {};
    for (let index = 0; index < 40; index++) posts[`p${index}.md`] = post(`title: Post ${index}\ndate: 2020-01-${String((index % 28) + 1).padStart(2, '0')}`, `Body ${index}.`);
    posts['p7.md'] = post('title: [unclosed\ndate: 2020-01-07');
    posts['p31.md'] = post('title: Bad date\ndate: 2020-13-45');
    const cwd = makeProject(posts);
    const one = await buildWith(cwd, { workers: 1 });
    expect(one.ok).toBe(false);
    expect(one.diagnostics.map((diagnostic) => diagnostic.file)).toEqual(['posts/p31.md', 'posts/p7.md'].sort());
    expect(observable(await buildWith(cwd, { workers: 4 }))).toEqual(observable(one));
  });

  it('refuses a --workers value that is not a whole number from 1 to 64, naming the flag', () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2020-01-01') });
    for (const value of ['0', '65', 'two', '1.5', '']) {
      const run = runCli(cwd, ['build', '--workers', value]);
      expect(run.status, value).toBe(2);
      expect(run.stderr).toMatch(/--workers: must be a whole number from 1/);
    }
  });
});

describe('the post cache', () => {
  it('gives a warm build and a build after one edit exactly what a build without the cache gives', { timeout: 240_000 }, async () => {
    const { cwd, published } = corpusProject(200);
    const plain = observable(await buildWith(cwd, { workers: 1 }));
    const cold = await buildWith(cwd, { cache: true });
    expect(observable(cold)).toEqual(plain);
    expect(cold.cache).toMatchObject({ parseHits: 0, renderHits: 0 });
    expect(cold.cache?.problem).toBeUndefined();
    expect(cacheListing(path.join(cwd, 'node_modules', '.cache', 'postfeed'))).toEqual(CACHE_FILES);
    // Its feeds are kept whole beside the cache file, which holds where each item lies in them, not
    // the items again; publishing them links those copies into place: the bytes are on disk once.
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    const copies = feedCopies(dir);
    expect(cold.files.map((file) => file.copyAt)).toEqual(copies);
    for (const [index, file] of cold.files.entries()) expect(readFileSync(copies[index]!, 'utf8'), file.path).toBe(plain.files[file.path]);
    const feedBytes = cold.files.reduce((sum, file) => sum + statSync(file.copyAt!).size, 0);
    expect(statSync(path.join(dir, 'posts.cache')).size).toBeLessThan(feedBytes / 5);
    const written = await writeOutput(path.join(cwd, 'written'), cold.files);
    for (const [index, file] of written.entries()) {
      expect(readFileSync(file.path, 'utf8')).toBe(plain.files[path.basename(file.path)]);
      expect(statSync(file.path).ino, file.path).toBe(statSync(copies[index]!).ino);
    }
    // Published again unchanged, they are left alone (the same files, not compared byte by byte).
    expect((await writeOutput(path.join(cwd, 'written'), cold.files)).map((file) => file.changed)).toEqual([false, false, false]);

    const warm = await buildWith(cwd, { cache: true });
    expect(observable(warm)).toEqual(plain);
    expect(warm.cache).toMatchObject({ parseMisses: 0, renderMisses: 0, parseHits: 202, renderHits: published });

    // One edit: that post is parsed and rendered again, every other one comes from the cache.
    const edited = readdirSync(path.join(cwd, 'posts')).sort()[10]!;
    const file = path.join(cwd, 'posts', edited);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nAn added paragraph.\n`);
    const afterEdit = await buildWith(cwd, { cache: true });
    expect(afterEdit.cache).toMatchObject({ parseMisses: 1, renderMisses: 1 });
    expect(observable(afterEdit)).toEqual(observable(await buildWith(cwd, { workers: 1 })));
    expect(observable(afterEdit).files['feed.json']).toContain('An added paragraph.');
  });

  it('keeps one edit as a small file of added entries beside the main file, and folds them in later', { timeout: 240_000 }, async () => {
    // Large enough that what each edit leaves unused (the post's old entries and the last build's
    // memo, run/build-memo.ts) stays under a quarter of the cache through seven added files.
    const { cwd, published } = corpusProject(100);
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    await buildWith(cwd, { cache: true });
    const main = readFileSync(path.join(dir, 'posts.cache'));
    const names = readdirSync(path.join(cwd, 'posts')).sort();
    const added = () => cacheListing(dir).filter((name) => !CACHE_FILES.includes(name));
    // Eight edits, each of another post: each build adds one file and leaves the main file as it was.
    for (let round = 1; round <= 8; round++) {
      const file = path.join(cwd, 'posts', names[round]!);
      writeFileSync(file, `${readFileSync(file, 'utf8')}\nEdit number ${round}.\n`);
      const edited = await buildWith(cwd, { cache: true });
      expect(edited.cache).toMatchObject({ parseMisses: 1, parseHits: 101, renderMisses: 1, renderHits: published - 1 });
      expect(edited.cache?.problem).toBeUndefined();
      expect(readFileSync(path.join(dir, 'posts.cache'))).toEqual(main);
      expect(added()).toHaveLength(round);
      for (const name of added()) {
        expect(name).toMatch(/^posts\.cache\.add-[0-9a-f]{12}$/);
        // Kilobytes: the edited post's entries and the build's memo, not the archive's feeds again.
        expect(statSync(path.join(dir, name)).size).toBeLessThan((main.length + feedCopies(dir).reduce((sum, copy) => sum + statSync(copy).size, 0)) / 20);
      }
      // What the main file and the added ones hold together is a whole cache.
      const warm = await buildWith(cwd, { cache: true });
      expect(warm.cache).toMatchObject({ parseMisses: 0, renderMisses: 0 });
      expect(observable(warm)).toEqual(observable(await buildWith(cwd, {})));
      // Having read eight added files, and with the edited posts' old entries unused, a build writes
      // the main file anew with exactly the entries in use.
      if (round < 8) expect(added()).toHaveLength(round);
      else expect(cacheListing(dir)).toEqual(CACHE_FILES);
    }
    const folded = await buildWith(cwd, { cache: true });
    expect(folded.cache).toMatchObject({ parseMisses: 0, renderMisses: 0, parseHits: 102, renderHits: published });
    expect(observable(folded)).toEqual(observable(await buildWith(cwd, {})));
    expect(cacheListing(dir)).toEqual(CACHE_FILES);
    // Removing more than a quarter of the posts leaves more than a quarter of the cache unused: rewritten too.
    const before = statSync(path.join(dir, 'posts.cache')).size;
    for (const name of names.slice(0, 50)) rmSync(path.join(cwd, 'posts', name));
    const fewer = await buildWith(cwd, { cache: true });
    expect(fewer.cache).toMatchObject({ parseMisses: 0, renderMisses: 0 });
    expect(cacheListing(dir)).toEqual(CACHE_FILES);
    expect(statSync(path.join(dir, 'posts.cache')).size).toBeLessThan(before * 0.75);
  });

  it('stores the HTML section RSS and Atom share once per post, with workers or without, and writes it into both feeds', { timeout: 120_000 }, async () => {
    const body = `${'A paragraph only this post has, long enough to find. '.repeat(40)}\n\n<p>Raw <b>HTML</b> too.</p>`;
    const section = Buffer.from('<![CDATA[<p>A paragraph only this post has');
    const count = (bytes: Buffer, needle: Buffer) => {
      let found = 0;
      for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) found++;
      return found;
    };
    // Renders held for the feed copies (the default), and renders written to the cache file at once
    // (what a build does past CACHE_HOLDING.deferredBytes, and a file of added entries always).
    for (const [held, workers] of [
      [true, 1],
      [true, 2],
      [false, 1],
      [false, 2],
    ] as const) {
      const cwd = makeProject({
        'shared.md': post('title: Shared\ndate: 2024-01-01', body),
        'other.md': post('title: Other\ndate: 2024-01-02', 'Another text.'),
      });
      const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
      if (!held) CACHE_HOLDING.deferredBytes = 0;
      try {
        const cold = await buildWith(cwd, { cache: true, workers });
        expect(cold.ok).toBe(true);
        const cache = readFileSync(path.join(dir, 'posts.cache'));
        // Once in the cache file though both XML feeds carry it; or, held, not at all: each feed's
        // copy has it, as the feed does (written at once, there are no copies to point into).
        expect(count(cache, section)).toBe(held ? 0 : 1);
        expect(feedCopies(dir).map((copy) => count(readFileSync(copy), section))).toEqual(held ? [1, 1, 0] : []);
        // Written at once, a cold build's items are spans of the cache file, each feed's in the
        // feed's order, so writing a feed reads the file in one ascending sweep rather than a read
        // per piece (output/spans.ts).
        if (!held) {
          for (const file of cold.files) {
            const offsets = (file.chunks ?? []).filter((chunk) => !(chunk instanceof Uint8Array)).map((span) => (span as { offset: number }).offset);
            expect(offsets.length, file.path).toBeGreaterThan(0);
            expect(offsets, file.path).toEqual([...offsets].sort((a, b) => a - b));
          }
        }
        // Its renders read back (the ledger not yet written, so the build is not the one remembered),
        // then, the ledger written, the build remembered whole (its items' fragments alone read back).
        const warm = await buildWith(cwd, { cache: true, workers });
        expect(warm.cache).toMatchObject({ renderHits: 2, renderMisses: 0 });
        expect(warm.cache?.memo).toBeUndefined();
        // Read back, each feed's items are spans of that feed's own copy, forwards: the section RSS
        // and Atom share is referred to in each one's copy, so neither feed reads the other's.
        for (const file of held ? warm.files : []) {
          const spans = (file.chunks ?? []).filter((chunk) => !(chunk instanceof Uint8Array)) as Array<{ source: unknown; offset: number }>;
          expect(spans.length, file.path).toBeGreaterThan(0);
          expect(new Set(spans.map((span) => span.source)).size, file.path).toBe(1);
          expect(spans.map((span) => span.offset), file.path).toEqual(spans.map((span) => span.offset).sort((a, b) => a - b));
        }
        writeFileSync(warm.ledger!.path, warm.ledger!.text!);
        const remembered = await buildWith(cwd, { cache: true, workers });
        expect(remembered.cache?.memo).toBe('whole');
        const plain = observable(await buildWith(cwd, {}));
        for (const result of [cold, warm, remembered]) expect(observable(result)).toEqual(plain);
        for (const file of ['rss.xml', 'atom.xml']) expect(count(Buffer.from(plain.files[file]!), section)).toBe(1);
      } finally {
        CACHE_HOLDING.deferredBytes = DEFAULT_HOLDING;
      }
    }
  });

  it('detects a damaged file of added entries: warns once, builds right, folds everything into a new main file', { timeout: 120_000 }, async () => {
    const { cwd } = corpusProject(40);
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    await buildWith(cwd, { cache: true });
    const file = path.join(cwd, 'posts', readdirSync(path.join(cwd, 'posts')).sort()[3]!);
    writeFileSync(file, `${readFileSync(file, 'utf8')}\nAn edit.\n`);
    await buildWith(cwd, { cache: true });
    const [added] = cacheListing(dir).filter((name) => !CACHE_FILES.includes(name));
    // Cut inside the render entry (its fragments are the only place the edit's words are stored):
    // that entry and whatever was written after it (the remembered build) are lost.
    const addedFile = path.join(dir, added!);
    truncateSync(addedFile, readFileSync(addedFile).indexOf('An edit.') + 4);
    const plain = observable(await buildWith(cwd, {}));
    const damaged = await buildWith(cwd, { cache: true });
    expect(damaged.cache?.problem).toMatch(/damaged: posts\.cache\.add-[0-9a-f]+: it ends inside an entry/);
    // The render entry was cut off; the parse entry before it survived.
    expect(damaged.cache).toMatchObject({ renderMisses: 1 });
    expect(observable(damaged)).toEqual(plain);
    expect(cacheListing(dir)).toEqual(CACHE_FILES);
    const again = await buildWith(cwd, { cache: true });
    expect(again.cache?.problem).toBeUndefined();
    expect(again.cache).toMatchObject({ parseMisses: 0, renderMisses: 0 });
  });

  it('misses after a setting that shapes posts changes; the limit changes nothing', { timeout: 120_000 }, async () => {
    const { cwd } = corpusProject(30);
    await buildWith(cwd, { cache: true });
    const limited = await buildWith(cwd, { cache: true, limit: 5 });
    expect(limited.cache).toMatchObject({ parseMisses: 0, renderMisses: 0 });
    const config = { ...JSON.parse(readFileSync(path.join(cwd, 'postfeed.config.json'), 'utf8')), content: 'summary' };
    const summaries = await build({ cwd, now: NOW, limit: 0, cache: true, config });
    expect(summaries.cache?.parseHits).toBe(0);
    expect(observable(summaries)).toEqual(observable(await build({ cwd, now: NOW, limit: 0, config })));
    // The file made for the other settings is stale, not damaged: no warning, rewritten whole.
    expect(summaries.cache?.problem).toBeUndefined();
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    expect(cacheListing(dir)).toEqual(CACHE_FILES);
    expect(readFileSync(path.join(dir, 'posts.cache')).subarray(0, 17).toString('latin1')).toBe('postfeed-cache 2 ');
    expect((await build({ cwd, now: NOW, limit: 0, cache: true, config })).cache).toMatchObject({ parseMisses: 0, renderMisses: 0 });
  });

  it('keeps the validated config: the same config next time comes from the cache, any change is validated anew', { timeout: 60_000 }, async () => {
    const { cwd } = corpusProject(5);
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    const plain = observable(await buildWith(cwd, {}));
    expect(existsSync(path.join(dir, 'config.json'))).toBe(false);
    expect(observable(await buildWith(cwd, { cache: true }))).toEqual(plain);
    expect(existsSync(path.join(dir, 'config.json'))).toBe(true);
    // Taken from the memo (nothing to keep), and equal to the config validated anew (buildWith sets the limit).
    const fresh = await loadSiteConfig({ cwd, limit: 0 });
    const remembered = await loadSiteConfig({ cwd, limit: 0 }, dir);
    expect(remembered.ok && remembered.memo).toBe(undefined);
    expect(remembered).toEqual({ ...fresh, memo: undefined });
    expect(observable(await buildWith(cwd, { cache: true }))).toEqual(plain);
    // Another override, another key: validated anew.
    const other = await loadSiteConfig({ cwd, limit: 0, baseUrl: 'https://other.example/' }, dir);
    expect(other.ok && other.memo?.key).toMatch(/^[\w-]{43}$/);
    expect(other.ok && other.site.baseUrl).toBe('https://other.example/');
    // An invalid config is refused, whatever the memo holds.
    const configFile = path.join(cwd, 'postfeed.config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), language: 'not a language!' }));
    const refused = await buildWith(cwd, { cache: true });
    expect(refused.ok).toBe(false);
    expect(refused.diagnostics).toMatchObject([{ code: 'config-invalid', field: 'language' }]);
  });

  it('reads a large cache through a window: fragments written from the old file, rewritten whole from it, damage found', { timeout: 240_000 }, async () => {
    const { cwd, published } = corpusProject(120);
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    const plain = observable(await buildWith(cwd, {}));
    await buildWith(cwd, { cache: true });
    // Every file counts as large: read through the window, fragments left in it as spans.
    CACHE_READING.wholeFileBytes = 0;
    try {
      const warm = await buildWith(cwd, { cache: true });
      expect(warm.cache).toMatchObject({ parseMisses: 0, renderMisses: 0, renderHits: published });
      for (const file of warm.files) expect(file.chunks!.some((chunk) => !(chunk instanceof Uint8Array)), file.path).toBe(true);
      expect(observable(warm)).toEqual(plain);
      const written = await writeOutput(path.join(cwd, 'written'), warm.files);
      for (const file of written) expect(readFileSync(file.path, 'utf8')).toBe(plain.files[path.basename(file.path)]);

      // A whole rewrite (more than a quarter of the posts gone) copies the stored entries still in
      // use from the old file; the next build takes everything from the new one.
      const names = readdirSync(path.join(cwd, 'posts')).sort();
      for (const name of names.slice(0, 40)) rmSync(path.join(cwd, 'posts', name));
      const fewer = observable(await buildWith(cwd, {}));
      const rewritten = await buildWith(cwd, { cache: true });
      expect(rewritten.cache?.problem).toBeUndefined();
      expect(observable(rewritten)).toEqual(fewer);
      expect(cacheListing(dir)).toEqual(CACHE_FILES);
      const again = await buildWith(cwd, { cache: true });
      expect(again.cache).toMatchObject({ parseMisses: 0, renderMisses: 0 });
      expect(observable(again)).toEqual(fewer);

      // A byte flipped in an entry of the file read through the window: found by its checksum.
      const file = path.join(dir, 'posts.cache');
      const bytes = readFileSync(file);
      bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0x20, bytes.length >> 1);
      writeFileSync(file, bytes);
      const damaged = await buildWith(cwd, { cache: true });
      expect(damaged.cache?.problem).toMatch(/fails its checksum/);
      expect(observable(damaged)).toEqual(fewer);

      // A byte flipped inside an item of a feed copy, which the cache file refers to: found too.
      const [rssCopy] = feedCopies(dir);
      const copied = readFileSync(rssCopy!);
      const inItem = copied.indexOf(Buffer.from('<item>'), copied.length >> 1);
      expect(inItem).toBeGreaterThan(0);
      copied.writeUInt8(copied.readUInt8(inItem + 2) ^ 0x20, inItem + 2);
      writeFileSync(rssCopy!, copied);
      const changed = await buildWith(cwd, { cache: true });
      expect(changed.cache?.problem).toMatch(/posts\.cache\.feed-[0-9a-f]{12}-0 no longer holds what the cache file says it does/);
      expect(changed.cache?.renderMisses).toBeGreaterThan(0);
      expect(observable(changed)).toEqual(fewer);
      const mended = await buildWith(cwd, { cache: true });
      expect(mended.cache?.problem).toBeUndefined();
      expect(mended.cache).toMatchObject({ parseMisses: 0, renderMisses: 0 });
      expect(cacheListing(dir)).toEqual(CACHE_FILES);
    } finally {
      CACHE_READING.wholeFileBytes = 256 << 20;
    }
  });

  it('takes a file written by another version of postfeed for stale: no warning, rebuilt', { timeout: 60_000 }, async () => {
    const { cwd } = corpusProject(10);
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'posts.cache'), Buffer.concat([Buffer.from('postfeed-cache 1\n'), Buffer.alloc(5000, 7)]));
    writeFileSync(path.join(dir, 'posts.cache.add-0123456789ab'), 'postfeed-cache 1\nanything');
    const plain = observable(await buildWith(cwd, {}));
    const upgraded = await buildWith(cwd, { cache: true });
    expect(observable(upgraded)).toEqual(plain);
    expect(upgraded.cache).toMatchObject({ parseHits: 0, renderHits: 0 });
    expect(upgraded.cache?.problem).toBeUndefined();
    expect(cacheListing(dir)).toEqual(CACHE_FILES);
    expect((await buildWith(cwd, { cache: true })).cache).toMatchObject({ parseMisses: 0, renderMisses: 0 });
  });

  it('replays cached warnings, so a warm build prints what a cold one prints', { timeout: 60_000 }, async () => {
    const cwd = makeProject({
      'a.md': post('title: A\ndate: 2020-01-01\nunknown-key: 1', 'Hi <iframe src="https://example.org/"></iframe>'),
      'b.md': post('title: B\ndate: 2020-01-02', ''),
    });
    const cold = runCli(cwd, ['build']);
    const warm = runCli(cwd, ['build']);
    expect(cold.status).toBe(0);
    expect(cold.stderr).toMatch(/unknown-key/);
    expect(cold.stderr).toMatch(/iframe/);
    expect(cold.stderr).toMatch(/no text/);
    expect(warm.stderr).toBe(cold.stderr);
    // The whole build, remembered under the ledger the first one wrote (run/build-memo.ts).
    expect(warm.stdout).toMatch(/\(from the cache: 2 parsed, 2 rendered, the rest as the same build left it\)/);
    writeFileSync(path.join(cwd, 'posts', 'b.md'), post('title: B\ndate: 2020-01-02', 'Now with a body.'));
    const edited = runCli(cwd, ['build']);
    expect(edited.stderr).not.toMatch(/no text/);
    expect(edited.stderr).toBe(runCli(cwd, ['build', '--no-cache', '--out', 'dist-plain']).stderr);
    expect(edited.stdout).toMatch(/\(from the cache: 1 parsed, 1 rendered, the rest as the last build left it\)/);
    expect(existsSync(path.join(cwd, 'node_modules', '.cache', 'postfeed', 'posts.cache'))).toBe(true);
  });

  it('renders a post again when a post it links to moves, though its own text did not change', { timeout: 60_000 }, async () => {
    const config = { conventions: 'jekyll' as const, permalink: '/:year/:slug/' };
    // Its body comes back from its bytes (the cache keeps parses without bodies): a byte order
    // mark and characters of two and four bytes must not shift it.
    const cwd = makeProject(
      {
        '2020-01-01-target.md': post('title: Target\ndate: 2020-01-01'),
        '2020-01-02-linker.md':
          '\uFEFF' + post('title: Linker — café\ndate: 2020-01-02', 'Déjà vu 🎉 at the end: see [the target]({% post_url 2020-01-01-target %}). Fin 🎉'),
      },
      config,
    );
    const first = await buildWith(cwd, { cache: true });
    expect(observable(first).files['feed.json']).toContain('https://example.com/blog/2020/target/');
    writeFileSync(path.join(cwd, 'posts', '2020-01-01-target.md'), post('title: Target\ndate: 2020-01-01\nslug: moved'));
    const second = await buildWith(cwd, { cache: true });
    expect(second.cache).toMatchObject({ parseHits: 1, renderHits: 0 });
    expect(observable(second)).toEqual(observable(await buildWith(cwd, {})));
    expect(observable(second).files['feed.json']).toContain('https://example.com/blog/2020/moved/');
    expect(observable(second).files['feed.json']).not.toContain('/2020/target/');
    expect(JSON.parse(observable(second).files['feed.json']!).items[0].content_html).toContain('Déjà vu 🎉 at the end');
  });

  for (const [damage, harm] of [
    [
      'a flipped byte in an entry',
      (file: string) => {
        const bytes = readFileSync(file);
        const middle = Math.floor(bytes.length / 2);
        bytes[middle] = bytes[middle]! ^ 0xff;
        writeFileSync(file, bytes);
      },
    ],
    ['a file cut short by a crash', (file: string) => truncateSync(file, Math.floor(statSync(file).size * 0.6))],
    ['a file that is not a cache at all', (file: string) => writeFileSync(file, 'not a cache\n')],
  ] as const) {
    it(`detects ${damage}: warns once, builds exactly right, and rebuilds the file`, { timeout: 120_000 }, async () => {
      const { cwd } = corpusProject(40);
      const plain = observable(await buildWith(cwd, {}));
      await buildWith(cwd, { cache: true });
      harm(path.join(cwd, 'node_modules', '.cache', 'postfeed', 'posts.cache'));
      const damaged = await buildWith(cwd, { cache: true });
      expect(observable(damaged)).toEqual(plain);
      expect(damaged.cache?.problem).toMatch(/damaged|could not be read/);
      const again = await buildWith(cwd, { cache: true });
      expect(again.cache?.problem).toBeUndefined();
      expect(again.cache).toMatchObject({ parseMisses: 0, renderMisses: 0 });
      expect(observable(again)).toEqual(plain);
    });
  }

  it('says so on stderr once, and --strict still passes: the cache is not the posts', { timeout: 60_000 }, () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2020-01-01') });
    expect(runCli(cwd, ['build', '--strict']).status).toBe(0);
    writeFileSync(path.join(cwd, 'node_modules', '.cache', 'postfeed', 'posts.cache'), 'garbage');
    const run = runCli(cwd, ['build', '--strict']);
    expect(run.status).toBe(0);
    expect(run.stderr.match(/warning: the cache file was damaged/g)).toHaveLength(1);
    expect(runCli(cwd, ['build', '--strict']).stderr).not.toMatch(/cache/);
  });

  it('--no-cache neither reads nor writes it; --cache-dir puts it elsewhere; a failed build writes none', { timeout: 60_000 }, () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2020-01-01') });
    expect(runCli(cwd, ['build', '--no-cache']).status).toBe(0);
    expect(existsSync(path.join(cwd, 'node_modules'))).toBe(false);
    expect(runCli(cwd, ['build', '--cache-dir', 'elsewhere/cache']).status).toBe(0);
    expect(cacheListing(path.join(cwd, 'elsewhere', 'cache'))).toEqual(CACHE_FILES);
    expect(existsSync(path.join(cwd, 'node_modules'))).toBe(false);
    const failing = makeProject({ 'a.md': post('title: [broken\ndate: 2020-01-01') });
    expect(runCli(failing, ['build']).status).toBe(1);
    expect(existsSync(path.join(failing, 'node_modules'))).toBe(false);
  });

  it('survives two builds at once: both succeed, the cache left is whole and used', { timeout: 240_000 }, async () => {
    const { cwd } = corpusProject(150);
    const runs = await Promise.all(['one', 'two'].map((out) => runCliAsync(cwd, ['build', '--limit', '0', '--out', `dist-${out}`, '--quiet'], { POSTFEED_BASE_URL: '', SOURCE_DATE_EPOCH: '' })));
    for (const run of runs) expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(path.join(cwd, 'dist-one', 'atom.xml'))).toEqual(readFileSync(path.join(cwd, 'dist-two', 'atom.xml')));
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    expect(cacheListing(dir)).toEqual(CACHE_FILES);
    // The same code as the two builds (the CLI's), so the same keys: everything comes from the cache.
    const warm = runCli(cwd, ['build', '--limit', '0', '--out', 'dist-one']);
    expect(warm.stderr).not.toMatch(/cache/);
    expect(warm.stdout).toMatch(/\(from the cache: 152 parsed, \d+ rendered, the rest as the same build left it\)/);
    // A temporary file from a killed writer is never read as the cache.
    renameSync(path.join(dir, 'posts.cache'), path.join(dir, 'posts.cache.tmp-1-aa'));
    expect(runCli(cwd, ['build', '--limit', '0', '--out', 'dist-one']).stdout).not.toMatch(/from the cache/);
    // …and, its writer (pid 1) still running, it is left alone.
    expect(cacheListing(dir)).toEqual([...CACHE_FILES, 'posts.cache.tmp-1-aa'].sort());
  });

  it('leaves no file being written after a signal; one a killed build left is removed by the next build', { timeout: 120_000 }, async () => {
    const { cwd } = corpusProject(400);
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    const writing = () => (existsSync(dir) ? readdirSync(dir).filter((name) => name.includes('.tmp-')) : []);
    // Stopped once its file exists: the build appends to it from the first post it parses on.
    const stopped = async (signal: NodeJS.Signals): Promise<{ pid: number; left: string[] }> => {
      const child = spawn(process.execPath, [CLI, 'build', '--limit', '0', '--workers', '1', '--quiet'], { cwd, env: { ...process.env, POSTFEED_BASE_URL: '', SOURCE_DATE_EPOCH: '' }, stdio: 'ignore' });
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let seen = false;
      for (let waited = 0; waited < 60_000 && !seen; waited += 5) {
        seen = writing().length > 0;
        if (!seen) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(seen, 'the build began writing the cache').toBe(true);
      child.kill(signal);
      const code = await exit;
      if (signal === 'SIGTERM') expect(code).toBe(143);
      return { pid: child.pid!, left: writing() };
    };
    expect((await stopped('SIGTERM')).left).toEqual([]);
    const killed = await stopped('SIGKILL');
    expect(killed.left).toHaveLength(1);
    expect(killed.left[0]).toMatch(new RegExp(`^posts\\.cache\\.tmp-${killed.pid}-`));
    const next = runCli(cwd, ['build', '--limit', '0', '--quiet']);
    expect(next.status, next.stderr).toBe(0);
    expect(cacheListing(dir)).toEqual(CACHE_FILES);
  });
});

describe('the feed copies the cache keeps', () => {
  it('a copy gone: its posts are rendered again, without a warning, and the output is the same', { timeout: 120_000 }, async () => {
    const { cwd, published } = corpusProject(40);
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    const plain = observable(await buildWith(cwd, {}));
    await buildWith(cwd, { cache: true });
    // The Atom copy: the JSON Feed's items still come from theirs, RSS's from its own.
    rmSync(feedCopies(dir)[1]!);
    const rebuilt = await buildWith(cwd, { cache: true });
    expect(rebuilt.cache?.problem).toBeUndefined();
    expect(rebuilt.cache).toMatchObject({ parseMisses: 0, renderHits: 0, renderMisses: published });
    expect(observable(rebuilt)).toEqual(plain);
    expect(cacheListing(dir)).toEqual(CACHE_FILES);
    expect((await buildWith(cwd, { cache: true })).cache).toMatchObject({ parseMisses: 0, renderMisses: 0 });
  });

  it('a published feed edited in place (it is a hard link of its copy): warned about once, rebuilt, and the feed mended', { timeout: 120_000 }, () => {
    const { cwd } = corpusProject(30);
    const env = { POSTFEED_BASE_URL: '', SOURCE_DATE_EPOCH: '' };
    expect(runCli(cwd, ['build', '--limit', '0', '--quiet'], env).status).toBe(0);
    const feed = path.join(cwd, 'dist', 'feed.json');
    const good = readFileSync(feed);
    // As an editor or a script that rewrites the file in place would (not by a new file and a rename).
    const edited = Buffer.from(good);
    const at = edited.indexOf('"content_html"', edited.length >> 1) + 20;
    edited[at] = edited[at]! ^ 0x01;
    writeFileSync(feed, edited);
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    expect(readFileSync(feedCopies(dir)[2]!)).toEqual(edited);
    const run = runCli(cwd, ['build', '--limit', '0'], env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr.match(/warning: the cache file was damaged: posts\.cache\.feed-[0-9a-f]{12}-2 no longer holds what the cache file says it does/g)).toHaveLength(1);
    expect(readFileSync(feed)).toEqual(good);
    const again = runCli(cwd, ['build', '--limit', '0'], env);
    expect(again.stderr).not.toMatch(/cache/);
    expect(readFileSync(feed)).toEqual(good);
  });

  it('takes a copy still as its seal says, written before its cache file, without reading it; any other copy is read and checked', { timeout: 120_000 }, async () => {
    const { cwd, published } = corpusProject(30);
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    const plain = observable(await buildWith(cwd, {}));
    await buildWith(cwd, { cache: true });
    const cacheFile = path.join(dir, 'posts.cache');
    const copies = feedCopies(dir);
    const copied = statSync(copies[0]!).mtime;
    // The cache file is written after its copies; a tick of the clock later in any build whose
    // last entries take longer than a tick (every build of this size on a fast machine need not).
    const later = new Date(copied.getTime() + 2000);
    utimesSync(cacheFile, later, later);
    const warm = async () => {
      FEED_COPY_CHECKS.read = 0;
      const result = await buildWith(cwd, { cache: true });
      expect(result.cache?.problem).toBeUndefined();
      expect(result.cache).toMatchObject({ parseMisses: 0, renderMisses: 0, renderHits: published });
      expect(observable(result)).toEqual(plain);
      return FEED_COPY_CHECKS.read;
    };
    expect(await warm()).toBe(0);
    // Its time moved (as a write through the output folder's hard link moves it): read, and taken.
    utimesSync(copies[1]!, later, later);
    const touched = await warm();
    expect(touched).toBeGreaterThan(0);
    // A cache file no later than its copies (both written in one tick) says nothing of writes
    // since: every copy is read.
    const earlier = new Date(copied.getTime() - 2000);
    utimesSync(cacheFile, earlier, earlier);
    expect(await warm()).toBeGreaterThan(touched);
  });

  it('holds renders up to a budget and writes the rest to the cache file at once: a warm build takes all of them', { timeout: 120_000 }, async () => {
    const { cwd, published } = corpusProject(60);
    const dir = path.join(cwd, 'node_modules', '.cache', 'postfeed');
    const plain = observable(await buildWith(cwd, {}));
    // About a third of the renders' bytes held: the others' fragments are in the cache file.
    const measured = await buildWith(cwd, { cache: true, cacheDir: 'measure' });
    const heldBudget = Math.floor(measured.files.find((file) => file.format === 'json')!.contents.length / 3);
    CACHE_HOLDING.deferredBytes = heldBudget;
    try {
      const cold = await buildWith(cwd, { cache: true });
      expect(observable(cold)).toEqual(plain);
      const inCacheFile = (cold.files[0]!.chunks ?? []).filter((chunk) => !(chunk instanceof Uint8Array)).length;
      expect(inCacheFile).toBeGreaterThan(0);
      expect(inCacheFile).toBeLessThan(published * 3);
      const warm = await buildWith(cwd, { cache: true });
      expect(warm.cache).toMatchObject({ parseMisses: 0, renderMisses: 0, renderHits: published });
      expect(observable(warm)).toEqual(plain);
      expect(cacheListing(dir)).toEqual(CACHE_FILES);
    } finally {
      CACHE_HOLDING.deferredBytes = DEFAULT_HOLDING;
    }
  });

  it('writeOutput writes the bytes when the copy cannot be linked', async () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01', 'Text.') });
    const result = await buildWith(cwd, { cache: true });
    const plain = observable(result);
    for (const copyAt of [path.join(cwd, 'no-such-copy'), path.join(cwd, 'posts', 'a.md')]) {
      const out = path.join(cwd, `out-${path.basename(copyAt)}`);
      const written = await writeOutput(out, result.files.map((file) => withCopy(file, copyAt)));
      for (const file of written) expect(readFileSync(file.path, 'utf8')).toBe(plain.files[path.basename(file.path)]);
    }
  });
});
