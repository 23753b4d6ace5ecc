// A whole build remembered in the cache (run/build-memo.ts) is taken only when a build reads
// exactly what the remembered one read: each input that can change the result is changed here in
// turn, and every build is compared, files and diagnostics, with a build without the cache.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, type BuildOptions, type BuildResult } from '../src/index.js';
import { formatDiagnostics } from '../src/diagnostics/format.js';
import { makeProject, post } from './helpers.js';

const NOW = new Date('2030-01-01T00:00:00Z');

function observable(result: BuildResult): { ok: boolean; files: Record<string, string>; diagnostics: string[]; ledger?: string } {
  return {
    ok: result.ok,
    files: Object.fromEntries(result.files.map((file) => [file.path, file.contents])),
    diagnostics: formatDiagnostics(result.diagnostics),
    ...(result.ledger?.text !== undefined ? { ledger: result.ledger.text } : {}),
  };
}

/** A build with the cache, checked against one without it; returns whether it was a remembered one. */
async function remembered(cwd: string, options: BuildOptions = {}): Promise<{ whole: boolean; memo: string | undefined; result: BuildResult }> {
  const plain = await build({ cwd, now: NOW, limit: 0, ...options });
  const cached = await build({ cwd, now: NOW, limit: 0, ...options, cache: true });
  expect(observable(cached)).toEqual(observable(plain));
  return { whole: cached.cache!.memo === 'whole', memo: cached.cache!.memo, result: cached };
}

/** A project whose ledger is written and whose whole build is remembered, ready for one change. */
async function settled(posts: Record<string, string | Buffer>, config = {}): Promise<string> {
  const cwd = makeProject(posts, config);
  // The first build writes the ledger; the second reads it unchanged and is remembered.
  for (const _ of [1, 2]) {
    const first = await build({ cwd, now: NOW, limit: 0, cache: true });
    expect(first.ok).toBe(true);
    if (first.ledger?.text !== undefined) writeFileSync(first.ledger.path, first.ledger.text);
  }
  expect((await remembered(cwd)).whole).toBe(true);
  return cwd;
}

const POSTS = {
  'a.md': post('title: A & B\ndate: 2020-01-01\nunknown-key: 1', 'First <iframe src="https://example.org/"></iframe>'),
  'b.md': post('title: B\ndate: 2020-01-02', 'Second.'),
  'c.md': post('title: C, not yet\ndate: 2030-06-01', 'Third, in the future.'),
  'd.md': post('title: D, a draft\ndate: 2020-01-03\ndraft: true', 'Fourth.'),
};

describe('a whole build remembered', () => {
  it('is taken when nothing changed, with the same files, warnings and cache counts', async () => {
    const cwd = await settled(POSTS);
    const { result } = await remembered(cwd);
    expect(result.cache).toMatchObject({ parseHits: 4, renderHits: 2, parseMisses: 0, renderMisses: 0, memo: 'whole' });
    expect(formatDiagnostics(result.diagnostics).join('\n')).toMatch(/unknown-key[\s\S]*iframe/);
  });

  it('is not taken after a post changes, or once a post is added or removed', async () => {
    const cwd = await settled(POSTS);
    writeFileSync(path.join(cwd, 'posts', 'b.md'), post('title: B\ndate: 2020-01-02', 'Second, edited.'));
    expect((await remembered(cwd)).whole).toBe(false);
    writeFileSync(path.join(cwd, 'posts', 'e.md'), post('title: E\ndate: 2020-01-04', 'Fifth.'));
    expect((await remembered(cwd)).whole).toBe(false);
    rmSync(path.join(cwd, 'posts', 'e.md'));
    expect((await remembered(cwd)).whole).toBe(false);
  });

  it('holds while the clock moves and no post comes due; not once one does', async () => {
    const cwd = await settled(POSTS);
    expect((await remembered(cwd, { now: new Date('2030-05-31T23:59:59Z') })).whole).toBe(true);
    const due = await remembered(cwd, { now: new Date('2030-06-01T00:00:00Z') });
    expect(due.whole).toBe(false);
    expect(observable(due.result).files['feed.json']).toContain('C, not yet');
  });

  it('is not taken when a flag or a setting changes what the build gives', async () => {
    const cwd = await settled(POSTS);
    for (const options of [{ drafts: true }, { future: true }, { limit: 1 }, { baseUrl: 'https://preview.example.net/' }, { updateLedger: true }] as BuildOptions[]) {
      expect((await remembered(cwd, options)).whole, JSON.stringify(options)).toBe(false);
    }
    // --strict turns the warnings into errors: never a remembered success.
    const strict = await remembered(cwd, { strict: true });
    expect(strict.whole).toBe(false);
    expect(strict.result.ok).toBe(false);
    // Each of those builds kept only what it used (a small cache is rewritten whole): settle again.
    await remembered(cwd);
    expect((await remembered(cwd)).whole).toBe(true);
    // Where the feeds go changes nothing built.
    expect((await remembered(cwd, { out: 'elsewhere' })).whole).toBe(true);
    const configFile = path.join(cwd, 'postfeed.config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...config, title: 'Renamed site' }));
    const renamed = await remembered(cwd);
    expect(renamed.whole).toBe(false);
    expect(observable(renamed.result).files['feed.json']).toContain('Renamed site');
  });

  it('is not taken after the ledger changes', async () => {
    const cwd = await settled(POSTS);
    const ledgerFile = path.join(cwd, 'postfeed.lock.json');
    const ledger = JSON.parse(readFileSync(ledgerFile, 'utf8'));
    ledger.posts = ledger.posts.map((entry: { source: string; id: string }) => (entry.source.endsWith('b.md') ? { ...entry, id: 'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e' } : entry));
    writeFileSync(ledgerFile, JSON.stringify(ledger, null, 2) + '\n');
    const moved = await remembered(cwd);
    expect(moved.whole).toBe(false);
    expect(observable(moved.result).files['feed.json']).toContain('urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e');
  });

  it('is not taken after a file a post attaches changes size', async () => {
    const cwd = await settled({ 'pictured.md': post('title: Pictured\ndate: 2020-01-01\nimage: photo.jpg', 'With a photo.'), 'photo.jpg': Buffer.alloc(1000) });
    expect(observable((await remembered(cwd)).result).files['feed.json']).toContain('"size_in_bytes": 1000');
    writeFileSync(path.join(cwd, 'posts', 'photo.jpg'), Buffer.alloc(2345));
    const grown = await remembered(cwd);
    expect(grown.whole).toBe(false);
    expect(observable(grown.result).files['feed.json']).toContain('"size_in_bytes": 2345');
  });

  describe('patched when only bodies changed', () => {
    /** Writes the ledger a build leaves, as the CLI does. */
    async function keepLedger(cwd: string): Promise<void> {
      const result = await build({ cwd, now: NOW, limit: 0, cache: true });
      if (result.ledger?.text !== undefined) writeFileSync(result.ledger.path, result.ledger.text);
    }
    const edit = (cwd: string, file: string, text: string) => writeFileSync(path.join(cwd, 'posts', file), text);

    it('renders only the edited posts; the ledger gets their new fingerprints; the next build is remembered whole', async () => {
      const cwd = await settled(POSTS);
      edit(cwd, 'b.md', post('title: B\ndate: 2020-01-02', 'Second, edited <iframe src="https://example.org/x"></iframe>.'));
      const once = await remembered(cwd);
      expect(once.memo).toBe('patched');
      expect(once.result.cache).toMatchObject({ parseMisses: 1, renderMisses: 1, renderHits: 1 });
      expect(once.result.ledger?.text).toBeDefined();
      expect(observable(once.result).files['feed.json']).toContain('Second, edited');
      // Two bodies at once, one of them with a warning it did not have.
      edit(cwd, 'a.md', post('title: A & B\ndate: 2020-01-01\nunknown-key: 1', 'First, edited.'));
      expect((await remembered(cwd)).memo).toBe('patched');
      await keepLedger(cwd);
      expect((await remembered(cwd)).memo).toBe('whole');
    });

    it('runs the stages when the edit changes what the parse says (a character no feed may carry)', async () => {
      const cwd = await settled(POSTS);
      edit(cwd, 'b.md', post('title: B\ndate: 2020-01-02', 'Second, with a bell \u0007.'));
      const belled = await remembered(cwd);
      expect(belled.memo).toBeUndefined();
      expect(formatDiagnostics(belled.result.diagnostics).join('\n')).toMatch(/b\.md:6: warning: body: removed 1 character/);
    });

    it('keeps file names with tabs and line breaks apart', async () => {
      const cwd = await settled({
        'tab\there.md': post('title: Tab\ndate: 2020-01-01\nslug: tab-here', 'Tabbed.'),
        'line\nbreak.md': post('title: Break\ndate: 2020-01-02\nslug: line-break', 'Broken.'),
        'plain.md': post('title: Plain\ndate: 2020-01-03', 'Plain.'),
      });
      edit(cwd, 'line\nbreak.md', post('title: Break\ndate: 2020-01-02\nslug: line-break', 'Broken, edited.'));
      const patched = await remembered(cwd);
      expect(patched.memo).toBe('patched');
      expect(observable(patched.result).files['feed.json']).toContain('Broken, edited.');
    });

    it('runs the stages when the front matter changed, even only the title', async () => {
      const cwd = await settled(POSTS);
      edit(cwd, 'b.md', post('title: B, renamed\ndate: 2020-01-02', 'Second.'));
      const renamed = await remembered(cwd);
      expect(renamed.memo).toBeUndefined();
      expect(observable(renamed.result).files['feed.json']).toContain('B, renamed');
    });

    it('runs the stages for a post the ledger does not hold by its file (a draft), or when a post came or went', async () => {
      const cwd = await settled(POSTS);
      edit(cwd, 'd.md', post('title: D, a draft\ndate: 2020-01-03\ndraft: true', 'Fourth, edited.'));
      expect((await remembered(cwd)).memo).toBeUndefined();
      const other = await settled(POSTS);
      edit(other, 'b.md', post('title: B\ndate: 2020-01-02', 'Second, edited.'));
      edit(other, 'e.md', post('title: E\ndate: 2020-01-04', 'Fifth.'));
      expect((await remembered(other)).memo).toBeUndefined();
    });

    it('patches a post no feed carries (only its fingerprint moves), and one that others link to', async () => {
      const linked = {
        '2020-01-01-target.md': post('title: Target\ndate: 2020-01-01', 'Target.'),
        '2020-01-02-linker.md': post('title: Linker\ndate: 2020-01-02', 'See [the target]({% post_url 2020-01-01-target %}).'),
      };
      const cwd = await settled(linked, { conventions: 'jekyll', permalink: '/:year/:slug/' });
      edit(cwd, '2020-01-01-target.md', post('title: Target\ndate: 2020-01-01', 'Target, edited.'));
      const patched = await remembered(cwd);
      expect(patched.memo).toBe('patched');
      expect(observable(patched.result).files['feed.json']).toContain('https://example.com/blog/2020/target/');
      // With the ledger as that build left it, a build of the newest post only is remembered …
      await keepLedger(cwd);
      expect((await remembered(cwd, { limit: 1 })).memo).toBeUndefined();
      // … and an edit of the older post, which that feed does not carry, renders nothing.
      edit(cwd, '2020-01-01-target.md', post('title: Target\ndate: 2020-01-01', 'Target, edited twice.'));
      const outside = await remembered(cwd, { limit: 1 });
      expect(outside.memo).toBe('patched');
      expect(outside.result.cache).toMatchObject({ renderMisses: 0 });
      expect(outside.result.ledger?.text).toBeDefined();
    });

    it('runs the stages for a title taken from the body, and when the edit makes the feed too large', async () => {
      const untitled = await settled({ '2020-01-01-a.md': post('tags: [x]', '# First heading\n\nBody.'), '2020-01-02-b.md': post('title: B', 'Second.') }, { conventions: 'docusaurus' });
      edit(untitled, '2020-01-01-a.md', post('tags: [x]', '# Another heading\n\nBody.'));
      const retitled = await remembered(untitled);
      expect(retitled.memo).toBeUndefined();
      expect(observable(retitled.result).files['feed.json']).toContain('Another heading');
      const cwd = await settled(POSTS, { limits: { maxFeedCharacters: 5000 } });
      edit(cwd, 'b.md', post('title: B\ndate: 2020-01-02', 'Long. '.repeat(1000)));
      const large = await remembered(cwd);
      expect(large.memo).toBeUndefined();
      expect(large.result.ok).toBe(false);
      expect(formatDiagnostics(large.result.diagnostics).join('\n')).toMatch(/maxFeedCharacters/);
    });
  });
});
