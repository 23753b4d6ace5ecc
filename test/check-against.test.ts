// `postfeed check --against`: the built feeds compared with the ones published today, read from
// a folder, a file or a URL (a local HTTP server: slow, 404, 500, garbage, a redirect).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { check, formatReport, type CheckResult, type ConfigInput } from '../src/index.js';
import { buildInto, makeProject, post, runCliAsync, tempDir } from './helpers.js';

const BASE = 'https://example.com/blog/posts/';

/** A post dated on the given day of July 2023. */
const dated = (title: string, day: number, extra = '') => post(`title: ${title}\ndate: 2023-07-${String(day).padStart(2, '0')}\n${extra}`);

/**
 * A site whose feeds of today are published into `published/`; `change` then edits the posts
 * and the new feeds are built into `dist/`, as CI would before deploying.
 */
async function publishedThenChanged(change: (cwd: string) => void, config: Partial<ConfigInput> = {}) {
  const cwd = makeProject({ 'a.md': dated('Alpha', 1), 'b.md': dated('Beta', 2), 'c.md': dated('Gamma', 3) }, config);
  const published = path.join(cwd, 'published');
  await buildInto(cwd, published);
  change(cwd);
  await buildInto(cwd, path.join(cwd, 'dist'));
  return { cwd, published };
}

const comparisonOf = (result: CheckResult, format: string) => result.comparisons.find((comparison) => comparison.format === format)!;

describe('against a folder of published feeds', () => {
  it('unchanged feeds: every item unchanged in all three formats, and the check passes', async () => {
    const { cwd } = await publishedThenChanged(() => {});
    const result = await check({ cwd, against: 'published' });
    expect(result.diagnostics).toEqual([]);
    expect(result.comparisons.map((comparison) => [comparison.format, comparison.published, comparison.unchanged])).toEqual([
      ['rss', 'published/rss.xml', 3],
      ['atom', 'published/atom.xml', 3],
      ['json', 'published/feed.json', 3],
    ]);
  });

  it('reports added and changed items (title, content, date) without failing', async () => {
    const { cwd } = await publishedThenChanged((cwd) => {
      writeFileSync(path.join(cwd, 'posts', 'd.md'), dated('Delta', 4));
      writeFileSync(path.join(cwd, 'posts', 'a.md'), dated('Alpha, revised', 1));
      writeFileSync(path.join(cwd, 'posts', 'b.md'), post('title: Beta\ndate: 2023-07-02\nupdated: 2023-07-05', 'New words.'));
    });
    const result = await check({ cwd, against: 'published' });
    expect(result.ok).toBe(true);
    const atom = comparisonOf(result, 'atom');
    expect(atom.added.map((item) => item.title)).toEqual(['Delta']);
    expect(atom.changed.map((item) => [item.title, item.fields])).toEqual([
      ['Beta', ['content', 'date']],
      ['Alpha, revised', ['title']],
    ]);
    expect(atom.unchanged).toBe(1);
  });

  it('an id change fails: same link, new id', async () => {
    const { cwd } = await publishedThenChanged((cwd) => writeFileSync(path.join(cwd, 'posts', 'b.md'), dated('Beta', 2, 'id: tag:example.com,2023:beta')));
    const result = await check({ cwd, against: 'published' });
    expect(result.ok).toBe(false);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.file, d.field])).toEqual([
      ['id-changed', 'dist/rss.xml', `${BASE}b/`],
      ['id-changed', 'dist/atom.xml', `${BASE}b/`],
      ['id-changed', 'dist/feed.json', `${BASE}b/`],
    ]);
    expect(errors[0]!.message).toMatch(/now published with the id tag:example\.com,2023:beta; every reader will show it again as new/);
    const rss = comparisonOf(result, 'rss');
    expect(rss.idsChanged).toEqual([{ from: `${BASE}b/`, to: 'tag:example.com,2023:beta', link: `${BASE}b/`, title: 'Beta', intended: false }]);
    expect(rss.added).toEqual([]);
    expect(rss.removed).toEqual([]);
  });

  it('an id change the caller marks as intended is reported and passes (the seam for the ledger)', async () => {
    const { cwd } = await publishedThenChanged((cwd) => writeFileSync(path.join(cwd, 'posts', 'b.md'), dated('Beta', 2, 'id: tag:example.com,2023:beta')));
    const seen: unknown[] = [];
    const result = await check({ cwd, against: 'published', intended: (change) => (seen.push(change), change.kind === 'id-changed') });
    expect(result.ok).toBe(true);
    expect(seen).toContainEqual({ kind: 'id-changed', from: `${BASE}b/`, to: 'tag:example.com,2023:beta', link: `${BASE}b/` });
    expect(comparisonOf(result, 'json').idsChanged[0]!.intended).toBe(true);
  });

  it('an item that vanished without being pushed out by the limit fails', async () => {
    const { cwd } = await publishedThenChanged((cwd) => rmSync(path.join(cwd, 'posts', 'b.md')));
    const result = await check({ cwd, against: 'published' });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.code, d.field])).toEqual([
      ['item-removed', `${BASE}b/`],
      ['item-removed', `${BASE}b/`],
      ['item-removed', `${BASE}b/`],
    ]);
    expect(result.diagnostics[0]!.message).toMatch(/^"Beta" is in the published feed \(published\/rss\.xml\) but not in the new one/);
  });

  it('an item pushed out by the limit is reported and does not fail', async () => {
    const { cwd } = await publishedThenChanged((cwd) => writeFileSync(path.join(cwd, 'posts', 'd.md'), dated('Delta', 4)), { limit: 3 });
    const result = await check({ cwd, against: 'published' });
    expect(result.diagnostics).toEqual([]);
    const json = comparisonOf(result, 'json');
    expect(json.pushedOut.map((item) => item.title)).toEqual(['Alpha']);
    expect(json.removed).toEqual([]);
    expect(json.added.map((item) => item.title)).toEqual(['Delta']);
  });

  it('a feed missing from the folder is a warning; that format is not compared', async () => {
    const { cwd, published } = await publishedThenChanged(() => {});
    rmSync(path.join(published, 'feed.json'));
    const result = await check({ cwd, against: 'published' });
    expect(result.ok).toBe(true);
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'published-missing', file: 'published/feed.json' })]);
    expect(result.comparisons.map((comparison) => comparison.format)).toEqual(['rss', 'atom']);
  });

  it('a folder with none of the feeds is an error, not a silent pass', async () => {
    const { cwd } = await publishedThenChanged(() => {});
    const result = await check({ cwd, against: 'posts' });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'published-unreadable', file: 'posts', message: 'holds none of rss.xml, atom.xml, feed.json; give the folder the feeds were published from' }),
    ]);
  });
});

describe('against one published file', () => {
  it('is compared with the built feed of the format it turns out to be', async () => {
    const { cwd } = await publishedThenChanged((cwd) => rmSync(path.join(cwd, 'posts', 'c.md')));
    const result = await check({ cwd, against: 'published/atom.xml' });
    expect(result.comparisons.map((comparison) => [comparison.format, comparison.published, comparison.built])).toEqual([['atom', 'published/atom.xml', 'dist/atom.xml']]);
    expect(result.diagnostics.map((d) => [d.code, d.file])).toEqual([['item-removed', 'dist/atom.xml']]);
  });

  it('a path that does not exist is an error naming it', async () => {
    const { cwd } = await publishedThenChanged(() => {});
    const result = await check({ cwd, against: 'nowhere/atom.xml' });
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'published-unreadable', file: 'nowhere/atom.xml', message: expect.stringMatching(/^no such file or folder/) })]);
  });
});

describe('against a URL', () => {
  let server: Server;
  let origin: string;
  let site: { cwd: string; published: string };
  const hits = new Map<string, number>();

  beforeAll(async () => {
    site = await publishedThenChanged((cwd) => writeFileSync(path.join(cwd, 'posts', 'b.md'), dated('Beta', 2, 'id: tag:example.com,2023:beta')));
    const atom = readFileSync(path.join(site.published, 'atom.xml'));
    server = createServer((request, response) => {
      const url = request.url ?? '/';
      hits.set(url, (hits.get(url) ?? 0) + 1);
      if (url === '/atom.xml') response.writeHead(200, { 'content-type': 'application/atom+xml' }).end(atom);
      else if (url === '/moved') response.writeHead(301, { location: '/atom.xml' }).end();
      else if (url === '/garbage') response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Site under maintenance</body></html>');
      else if (url === '/broken') response.writeHead(500).end('oops');
      else if (url === '/slow') setTimeout(() => response.writeHead(200).end(atom), 5_000).unref();
      else response.writeHead(404).end('not here');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fetches the published feed and finds the id change', async () => {
    const result = await check({ cwd: site.cwd, against: `${origin}/atom.xml` });
    expect(result.ok).toBe(false);
    expect(result.comparisons.map((comparison) => [comparison.format, comparison.published])).toEqual([['atom', `${origin}/atom.xml`]]);
    expect(result.diagnostics.map((d) => [d.code, d.file])).toEqual([['id-changed', 'dist/atom.xml']]);
  });

  it('follows a redirect', async () => {
    const result = await check({ cwd: site.cwd, against: `${origin}/moved` });
    expect(result.comparisons).toHaveLength(1);
    expect(result.comparisons[0]!.idsChanged).toHaveLength(1);
  });

  it('a 404 is an error naming the URL and the status, without a retry', async () => {
    const result = await check({ cwd: site.cwd, against: `${origin}/gone.xml` });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      { severity: 'error', code: 'published-unreachable', field: '--against', message: `cannot fetch ${origin}/gone.xml: HTTP 404 Not Found` },
    ]);
    expect(hits.get('/gone.xml')).toBe(1);
  });

  it('a 500 is tried once more, then an error', async () => {
    const result = await check({ cwd: site.cwd, against: `${origin}/broken` });
    expect(result.diagnostics).toEqual([
      { severity: 'error', code: 'published-unreachable', field: '--against', message: `cannot fetch ${origin}/broken: HTTP 500 Internal Server Error (tried twice)` },
    ]);
    expect(hits.get('/broken')).toBe(2);
  });

  it('a server slower than the timeout is an error after one retry, in about two timeouts', async () => {
    const started = performance.now();
    const result = await check({ cwd: site.cwd, against: `${origin}/slow`, timeoutMs: 300 });
    const seconds = (performance.now() - started) / 1000;
    expect(result.diagnostics).toEqual([
      { severity: 'error', code: 'published-unreachable', field: '--against', message: `cannot fetch ${origin}/slow: no complete answer within 0.3 s (tried twice)` },
    ]);
    expect(hits.get('/slow')).toBe(2);
    // The server answers after 5 s: the check gave up well before, and generously so on a busy machine.
    expect(seconds).toBeLessThan(4.5);
  });

  it('a page that is not a feed is an error saying so', async () => {
    const result = await check({ cwd: site.cwd, against: `${origin}/garbage` });
    expect(result.diagnostics).toEqual([
      { severity: 'error', code: 'published-unreadable', field: '--against', message: expect.stringMatching(new RegExp(`^${origin}/garbage is not an RSS, Atom or JSON feed`)) },
    ]);
  });

  it('a refused connection is an error naming the URL and the reason', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/atom.xml`;
    await new Promise((resolve) => closed.close(resolve));
    const result = await check({ cwd: site.cwd, against: url });
    expect(result.diagnostics).toEqual([{ severity: 'error', code: 'published-unreachable', field: '--against', message: `cannot fetch ${url}: ECONNREFUSED (tried twice)` }]);
  });

  it('on the command line: exit 1, the JSON report parses, keys in a stable order', async () => {
    const run = await runCliAsync(site.cwd, ['check', '--against', `${origin}/atom.xml`, '--format', 'json'], { GITHUB_STEP_SUMMARY: '' });
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(['ok', 'errors', 'warnings', 'feeds', 'diagnostics', 'comparisons']);
    expect(report.ok).toBe(false);
    expect(report.diagnostics).toEqual([expect.objectContaining({ severity: 'error', code: 'id-changed', file: 'dist/atom.xml', field: `${BASE}b/` })]);
    expect(Object.keys(report.comparisons[0])).toEqual(['format', 'published', 'built', 'counts', 'added', 'changed', 'removed', 'pushedOut', 'idsChanged']);
    expect(report.comparisons[0].counts).toEqual({ added: 0, changed: 0, removed: 0, pushedOut: 0, idsChanged: 1, unchanged: 2 });
    expect(report.comparisons[0].idsChanged).toEqual([{ from: `${BASE}b/`, to: 'tag:example.com,2023:beta', link: `${BASE}b/`, title: 'Beta', intended: false }]);
  });

  it('on the command line: --timeout in seconds, and a bad --format is a usage error', async () => {
    const slow = await runCliAsync(site.cwd, ['check', '--against', `${origin}/slow`, '--timeout', '0.2'], { GITHUB_STEP_SUMMARY: '' });
    expect(slow.status).toBe(1);
    expect(slow.stdout).toMatch(new RegExp(`^--against: cannot fetch ${origin}/slow: no complete answer within 0\\.2 s \\(tried twice\\)$`, 'm'));
    const usage = await runCliAsync(site.cwd, ['check', '--format', 'yaml']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--format: must be text, markdown, json, found "yaml"');
  });
});

/** The rows of the Markdown table that follows `heading`, cells unescaped. */
function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  expect(start, `heading ${heading}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('|')) {
      rows.push(line.slice(2, -2).split(/ (?<!\\)\| /).map((cell) => cell.replace(/\\(.)/g, '$1').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')));
    } else if (rows.length > 0 || line.startsWith('#')) break;
  }
  return rows;
}

describe('the Markdown report', () => {
  it('has a table of feeds, of findings and of changes, and escapes what a title could inject', async () => {
    const { cwd } = await publishedThenChanged((cwd) => {
      writeFileSync(path.join(cwd, 'posts', 'b.md'), dated('Beta', 2, 'id: tag:example.com,2023:beta'));
      writeFileSync(path.join(cwd, 'posts', 'd.md'), dated('"Pipes | and <b>tags</b> *stars*"', 4));
    });
    const result = await check({ cwd, against: 'published' });
    const markdown = formatReport(result, 'markdown');
    expect(markdown).toMatch(/^## postfeed check\n\n\*\*❌ failed\*\*: 3 errors, 0 warnings in 3 files\n/);
    expect(tableAfter(markdown, '**')).toEqual([
      ['feed', 'items', 'bytes'],
      ['---', '---', '---'],
      ['dist/rss.xml', '4', expect.stringMatching(/^\d+$/)],
      ['dist/atom.xml', '4', expect.stringMatching(/^\d+$/)],
      ['dist/feed.json', '4', expect.stringMatching(/^\d+$/)],
    ]);
    expect(tableAfter(markdown, '### Findings').slice(2).map((row) => row.slice(0, 4))).toEqual([
      ['error', 'id-changed', 'dist/rss.xml', `${BASE}b/`],
      ['error', 'id-changed', 'dist/atom.xml', `${BASE}b/`],
      ['error', 'id-changed', 'dist/feed.json', `${BASE}b/`],
    ]);
    const changes = tableAfter(markdown, '### dist/atom.xml against published/atom.xml');
    expect(changes.slice(2)).toEqual([
      ['id changed', `${BASE}b/`, 'Beta', 'now tag:example.com,2023:beta'],
      ['added', `${BASE}d/`, 'Pipes | and <b>tags</b> *stars*', ''],
    ]);
    expect(markdown).not.toContain('<b>');
  });

  it('matches the reviewed snapshot for a pair with an id change, a title change, an added and a pushed-out item', async () => {
    const cwd = makeProject({ 'a.md': dated('Alpha', 1), 'b.md': dated('Beta', 2), 'c.md': dated('Gamma', 3), 'd.md': dated('Delta', 4) }, { limit: 3 });
    await buildInto(cwd, path.join(cwd, 'published'));
    writeFileSync(path.join(cwd, 'posts', 'c.md'), dated('Gamma', 3, 'id: tag:example.com,2023:gamma'));
    writeFileSync(path.join(cwd, 'posts', 'd.md'), dated('Delta, corrected', 4));
    writeFileSync(path.join(cwd, 'posts', 'e.md'), dated('Epsilon', 5));
    await buildInto(cwd, path.join(cwd, 'dist'));
    const result = await check({ cwd, against: 'published' });
    await expect(formatReport(result, 'markdown')).toMatchFileSnapshot('fixtures/check-report.md');
  });

  it('is appended to $GITHUB_STEP_SUMMARY, whatever the printed format', async () => {
    const { cwd } = await publishedThenChanged((cwd) => rmSync(path.join(cwd, 'posts', 'a.md')));
    const summary = path.join(tempDir(), 'step-summary.md');
    writeFileSync(summary, '# Earlier step\n');
    const run = await runCliAsync(cwd, ['check', '--against', 'published'], { GITHUB_STEP_SUMMARY: summary });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^dist\/rss\.xml: https:\/\/example\.com\/blog\/posts\/a\/: "Alpha" is in the published feed/m);
    expect(run.stdout).toMatch(/^postfeed check failed: 3 feeds, 3 errors, 0 warnings in 3 files$/m);
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('# Earlier step\n## postfeed check\n')).toBe(true);
    expect(tableAfter(written, '### dist/feed.json against published/feed.json').slice(2)).toEqual([['removed', `${BASE}a/`, 'Alpha', '']]);
    const markdownRun = await runCliAsync(cwd, ['check', '--against', 'published', '--format', 'markdown'], { GITHUB_STEP_SUMMARY: summary });
    expect(markdownRun.stdout).toMatch(/^## postfeed check\n/);
    expect(readFileSync(summary, 'utf8').split('## postfeed check')).toHaveLength(3);
  });
});
