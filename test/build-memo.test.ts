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
async function remembered(cwd: string, options: BuildOptions = {}): Promise<{ whole: boolean; result: BuildResult }> {
  const plain = await build({ cwd, now: NOW, limit: 0, ...options });
  const cached = await build({ cwd, now: NOW, limit: 0, ...options, cache: true });
  expect(observable(cached)).toEqual(observable(plain));
  return { whole: cached.cache!.wholeBuild, result: cached };
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
    expect(result.cache).toMatchObject({ parseHits: 4, renderHits: 2, parseMisses: 0, renderMisses: 0, wholeBuild: true });
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
});
