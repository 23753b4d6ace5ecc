// `postfeed ledger import <url|file>`: the ids of the feed another generator publishes today are
// recorded, so postfeed's first feed carries them — checked against a feed a real jekyll-feed
// wrote and one in Hugo's RSS shape, read back with fast-xml-parser.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importLedger } from '../src/index.js';
import { buildRecording, builtIds, hasCommand, makeProject, parseXml, post, ROOT, runCli, tempDir, text } from './helpers.js';

const HUGO_FEED = path.join(ROOT, 'test/fixtures/ledger-import/hugo-index.xml');

/** Three Jekyll posts; one title needs escaping. */
const JEKYLL_POSTS = {
  '2023-07-01-alpha.md': '---\ntitle: Alpha post\ndate: 2023-07-01 10:00:00 +0000\n---\n\nFirst body.\n',
  '2023-07-02-beta.md': '---\ntitle: "Beta & more"\ndate: 2023-07-02 10:00:00 +0000\n---\n\nSecond body.\n',
  '2023-07-03-gamma.md': '---\ntitle: Gamma\ndate: 2023-07-03 10:00:00 +0000\n---\n\nThird body.\n',
};

/**
 * A Jekyll site built by the real jekyll and jekyll-feed (pretty permalinks under /blog), and a
 * postfeed project over the same `_posts`. Returns the project and the Atom ids jekyll-feed wrote.
 */
function jekyllSite(): { cwd: string; feed: string; jekyllIds: string[] } {
  const site = tempDir('postfeed-jekyll-');
  mkdirSync(path.join(site, '_posts'));
  for (const [name, body] of Object.entries(JEKYLL_POSTS)) writeFileSync(path.join(site, '_posts', name), body);
  writeFileSync(path.join(site, '_config.yml'), 'title: Jekyll site\nurl: https://example.org\nbaseurl: /blog\npermalink: pretty\nplugins:\n  - jekyll-feed\n');
  const built = spawnSync('jekyll', ['build', '--quiet', '--source', site, '--destination', path.join(site, '_site')], { cwd: site, encoding: 'utf8', timeout: 60_000 });
  if (built.status !== 0) throw new Error(`jekyll build failed: ${built.stderr}`);
  const feed = path.join(site, '_site', 'feed.xml');
  const jekyllIds = parseXml(readFileSync(feed, 'utf8')).feed.entry.map((entry: { id: unknown }) => text(entry.id));

  const cwd = tempDir();
  cpSync(path.join(site, '_posts'), path.join(cwd, '_posts'), { recursive: true });
  const config = { title: 'Jekyll site', baseUrl: 'https://example.org/blog/', author: { name: 'A' }, conventions: 'jekyll', posts: '_posts', permalink: '/:year/:month/:day/:slug/' };
  writeFileSync(path.join(cwd, 'postfeed.config.json'), JSON.stringify(config));
  return { cwd, feed, jekyllIds };
}

const atomIdsIn = (cwd: string) => parseXml(readFileSync(path.join(cwd, 'dist/atom.xml'), 'utf8')).feed.entry.map((entry: { id: unknown }) => text(entry.id)).sort();

describe('from a feed written by jekyll-feed', () => {
  it.skipIf(!hasCommand('jekyll'))('after ledger import, every Atom id equals jekyll-feed\'s; without it, none would (skipped without Debian\'s jekyll and ruby-jekyll-feed)', async () => {
    const { cwd, feed, jekyllIds } = jekyllSite();
    expect(jekyllIds).toHaveLength(3);
    // jekyll-feed's id is the post URL without the trailing slash.
    expect(jekyllIds).toContain('https://example.org/blog/2023/07/01/alpha');

    const without = makeFresh(cwd);
    expect(runCli(without, ['build']).status).toBe(0);
    const unrecorded = atomIdsIn(without);
    expect(unrecorded.filter((id: string) => jekyllIds.includes(id))).toEqual([]);

    const imported = runCli(cwd, ['ledger', 'import', feed]);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
    expect(imported.stdout).toContain('3 matched, 0 posts unmatched, 0 items unmatched');
    expect(imported.stdout).toMatch(/_posts\/2023-07-02-beta\.md +https:\/\/example\.org\/blog\/2023\/07\/02\/beta +\(by link\)/);
    const built = runCli(cwd, ['build']);
    expect(built.status).toBe(0);
    expect(atomIdsIn(cwd)).toEqual([...jekyllIds].sort());
    const json = JSON.parse(readFileSync(path.join(cwd, 'dist/feed.json'), 'utf8')) as { items: Array<{ id: string; url: string }> };
    expect(json.items.map((item) => item.id).sort()).toEqual([...jekyllIds].sort());
    // The links stay postfeed's permalinks: only the ids are kept.
    expect(json.items.map((item) => item.url)).toContain('https://example.org/blog/2023/07/01/alpha/');

    // Under another permalink pattern no link matches: title (as HTML: "Beta &amp; more") and date do.
    const moved = makeFresh(cwd);
    const config = JSON.parse(readFileSync(path.join(moved, 'postfeed.config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(moved, 'postfeed.config.json'), JSON.stringify({ ...config, permalink: '/posts/:slug/' }));
    const byTitle = await importLedger({ cwd: moved, from: feed });
    expect(byTitle.matched.map((match) => [match.by, match.id])).toEqual(
      [...jekyllIds].sort().map((id) => ['title and date', id]),
    );
  }, 90_000);
});

/** A copy of a project's config and posts without its ledger. */
function makeFresh(cwd: string): string {
  const copy = tempDir();
  cpSync(path.join(cwd, '_posts'), path.join(copy, '_posts'), { recursive: true });
  cpSync(path.join(cwd, 'postfeed.config.json'), path.join(copy, 'postfeed.config.json'));
  return copy;
}

describe('from a feed in Hugo\'s RSS shape', () => {
  const posts = {
    'alpha.md': post('title: Alpha\ndate: 2023-07-01', 'The first post.'),
    'beta.md': post('title: Beta\ndate: 2023-07-02', 'The second post.'),
    // Its slug changed since the feed was published: matched by title and date.
    'gamma.md': post('title: Gamma\ndate: 2023-07-03', 'The third post.'),
    'delta.md': post('title: Delta\ndate: 2023-07-05', 'Not published yet.'),
  };

  it('matches by link across scheme, case and index.html, else by title and date, and lists what matched nothing', async () => {
    const cwd = makeProject(posts);
    const result = await importLedger({ cwd, from: HUGO_FEED });
    expect(result.ok).toBe(true);
    expect(result.matched).toEqual([
      { source: 'posts/alpha.md', id: 'http://Example.com/blog/posts/alpha/', by: 'link' },
      { source: 'posts/beta.md', id: 'http://Example.com/blog/posts/Beta/index.html', by: 'link' },
      { source: 'posts/gamma.md', id: 'http://Example.com/blog/posts/the-old-gamma-slug/', by: 'title and date' },
    ]);
    expect(result.unmatchedPosts).toEqual(['posts/delta.md']);
    expect(result.unmatchedItems.map((item) => item.id)).toEqual(['http://Example.com/blog/posts/gone/']);
  });

  it('after the import, the RSS guids are the ones Hugo published; new posts get their permalink', async () => {
    const cwd = makeProject(posts);
    const imported = runCli(cwd, ['ledger', 'import', HUGO_FEED]);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toContain('3 matched, 1 posts unmatched, 1 items unmatched');
    expect(imported.stdout).toContain('  posts/delta.md');
    expect(imported.stdout).toContain('  http://Example.com/blog/posts/gone/  "Gone for good"');
    const hugoGuids = parseXml(readFileSync(HUGO_FEED, 'utf8')).rss.channel.item.map((item: { guid: unknown }) => text(item.guid));

    const result = await buildRecording(cwd);
    expect(result.ok).toBe(true);
    const guids = builtIds(result.files, 'rss');
    expect(guids.filter((guid) => hugoGuids.includes(guid)).sort()).toEqual(hugoGuids.filter((guid: string) => !guid.endsWith('/gone/')).sort());
    expect(guids).toContain('https://example.com/blog/posts/delta/');
    // The build records the new post beside the imported ones.
    expect(result.ledger?.changes).toEqual([{ kind: 'added', source: 'posts/delta.md', id: 'https://example.com/blog/posts/delta/' }]);
  });

  it('reads the feed from a URL as well', async () => {
    const server = createServer((_request, response) => response.end(readFileSync(HUGO_FEED)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.xml`;
      const result = await importLedger({ cwd: makeProject(posts), from: url });
      expect(result.feed).toBe(url);
      expect(result.matched).toHaveLength(3);
      expect(result.ledger?.text).toContain('"id": "http://Example.com/blog/posts/alpha/"');
    } finally {
      server.close();
    }
  });

  it('a second import of the same feed changes nothing', () => {
    const cwd = makeProject(posts);
    runCli(cwd, ['ledger', 'import', HUGO_FEED]);
    const ledger = readFileSync(path.join(cwd, 'postfeed.lock.json'), 'utf8');
    const again = runCli(cwd, ['ledger', 'import', HUGO_FEED]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already holds these ids; unchanged');
    expect(readFileSync(path.join(cwd, 'postfeed.lock.json'), 'utf8')).toBe(ledger);
  });
});

describe('postfeed ledger on the command line', () => {
  it.each([
    [['ledger'], 'say what to do'],
    [['ledger', 'export', 'x.xml'], 'unknown subcommand "export"'],
    [['ledger', 'import'], 'give the published feed'],
    [['ledger', 'import', 'a.xml', 'b.xml'], 'unexpected argument "b.xml"'],
    [['ledger', 'import', 'a.xml', '--timeout', '0'], '--timeout'],
    [['build', 'extra'], 'unexpected argument "extra" for build'],
  ])('%j is a usage error (exit 2)', (args, message) => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2023-07-01') });
    const result = runCli(cwd, args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('a feed that is not there or not a feed is an error (exit 1), and no ledger is written', () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2023-07-01') });
    writeFileSync(path.join(cwd, 'notes.txt'), 'not a feed');
    const missing = runCli(cwd, ['ledger', 'import', 'nowhere.xml']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nowhere.xml');
    const garbage = runCli(cwd, ['ledger', 'import', 'notes.txt']);
    expect(garbage.status).toBe(1);
    expect(garbage.stderr).toContain('is not an RSS, Atom or JSON feed');
    expect(existsSync(path.join(cwd, 'postfeed.lock.json'))).toBe(false);
  });
});
