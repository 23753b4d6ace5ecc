// `postfeed check` lints the built feeds: every rule stays quiet on the clean TASS feeds and
// fires on a copy with exactly that violation written into it.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { check, type Diagnostic } from '../src/index.js';
import { buildInto, makeProject, post, ROOT, runCli, tempDir } from './helpers.js';

const FILES = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' } as const;
type Format = keyof typeof FILES;
const TASS_ID = 'https://postfeed.example.org/2023/07/01/russia-to-continue-assisting-mali/';

let clean: string;

beforeAll(async () => {
  clean = tempDir();
  await buildInto(ROOT, clean, { out: clean });
});

/** Lints a copy of the clean TASS feeds with `mutate` applied to the named files. */
async function lintMutated(mutate: Partial<Record<Format, (text: string) => string>>, options: Parameters<typeof check>[0] = {}): Promise<Diagnostic[]> {
  const out = tempDir();
  cpSync(clean, out, { recursive: true });
  for (const [format, change] of Object.entries(mutate) as Array<[Format, (text: string) => string]>) {
    const file = path.join(out, FILES[format]);
    const before = readFileSync(file, 'utf8');
    const after = change(before);
    expect(after, `the ${format} mutation must change something`).not.toBe(before);
    writeFileSync(file, after);
  }
  const result = await check({ cwd: ROOT, out, ...options });
  expect(result.ok).toBe(result.diagnostics.every((d) => d.severity !== 'error'));
  return result.diagnostics;
}

const codes = (diagnostics: readonly Diagnostic[]) => [...new Set(diagnostics.map((d) => d.code))].sort();
const fileOf = (diagnostic: Diagnostic) => path.basename(diagnostic.file ?? '');

describe('the clean TASS feeds', () => {
  it('pass every rule', async () => {
    const result = await check({ cwd: ROOT, out: clean });
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.feeds.map((feed) => [feed.format, feed.items])).toEqual([['rss', 1], ['atom', 1], ['json', 1]]);
  });

  it('pass on the command line too (exit 0), and a finding exits 1', () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2023-07-01') });
    expect(runCli(cwd, ['build', '--quiet']).status).toBe(0);
    const passed = runCli(cwd, ['check'], { GITHUB_STEP_SUMMARY: '' });
    expect(passed.status).toBe(0);
    expect(passed.stdout).toMatch(/^postfeed check passed: 3 feeds, 0 errors/m);
    const atom = path.join(cwd, 'dist', 'atom.xml');
    writeFileSync(atom, readFileSync(atom, 'utf8').replace(/<updated>[^<]*<\/updated>/, '<updated>yesterday</updated>'));
    const failed = runCli(cwd, ['check'], { GITHUB_STEP_SUMMARY: '' });
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('dist/atom.xml: feed: updated: "yesterday" is not an RFC 3339 date-time');
    expect(failed.stdout).toMatch(/^postfeed check failed: 3 feeds, 1 error/m);
  });
});

describe('each rule fires on its violation', () => {
  it('relative-url: in elements and inside content HTML (href, src, srcset, poster), in every format', async () => {
    const html = '<p><a href="/about/">a</a><img src="img/a.png" srcset="https://cdn.example/b.png 1x, b2.png 2x"><video poster="p.jpg" src="https://cdn.example/v.mp4"></video>UNITED';
    const diagnostics = await lintMutated({
      rss: (text) => text.replace('<p>UNITED', html).replace(`<link>${TASS_ID}</link>`, '<link>/2023/07/01/mali/</link>'),
      atom: (text) => text.replace('<p>UNITED', html),
      json: (text) => text.replace('"<p>UNITED', JSON.stringify(html).slice(0, -'UNITED"'.length)),
    });
    expect(codes(diagnostics)).toEqual(['relative-url']);
    for (const format of ['rss', 'atom', 'json'] as const) {
      const messages = diagnostics.filter((d) => fileOf(d) === FILES[format]).map((d) => d.message);
      expect(messages.join('\n')).toMatch(/<a href="\/about\/">/);
      expect(messages.join('\n')).toMatch(/<img src="img\/a.png">/);
      expect(messages.join('\n')).toMatch(/<img srcset="b2.png">/);
      expect(messages.join('\n')).toMatch(/<video poster="p.jpg">/);
      expect(messages.join('\n')).not.toMatch(/cdn\.example/);
      expect(diagnostics.filter((d) => fileOf(d) === FILES[format]).every((d) => d.field === TASS_ID)).toBe(true);
    }
    expect(diagnostics).toContainEqual(expect.objectContaining({ file: expect.stringMatching(/rss\.xml$/), message: expect.stringMatching(/^link: "\/2023\/07\/01\/mali\/" is not an absolute URL/) }));
  });

  it('date-format: RFC 822 in RSS, RFC 3339 in Atom and JSON Feed; impossible days and wrong weekdays too', async () => {
    const diagnostics = await lintMutated({
      rss: (text) => text.replace('<pubDate>Sat, 01 Jul 2023', '<pubDate>Sun, 01 Jul 2023').replace('<lastBuildDate>Sat, 01 Jul 2023 00:00:00 GMT', '<lastBuildDate>2023-07-01T00:00:00Z'),
      atom: (text) => text.replace('<published>2023-07-01T00:00:00Z', '<published>2023-02-30T00:00:00Z').replace('<updated>2023-07-01T00:00:00Z</updated>', '<updated>Sat, 01 Jul 2023 00:00:00 GMT</updated>'),
      json: (text) => text.replace('"date_published": "2023-07-01T00:00:00Z"', '"date_published": "2023-07-01"'),
    });
    expect(codes(diagnostics)).toEqual(['date-format']);
    const messages = diagnostics.map((d) => `${fileOf(d)} ${d.field} ${d.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rss\.xml channel lastBuildDate: "2023-07-01T00:00:00Z" is not an RFC 822 date/),
        expect.stringMatching(/^rss\.xml \S+ pubDate: .*wrong day of the week \(Jul 01 2023 is a Sat\)/),
        expect.stringMatching(/^atom\.xml feed updated: "Sat, 01 Jul 2023 00:00:00 GMT" is not an RFC 3339/),
        expect.stringMatching(/^atom\.xml \S+ published: "2023-02-30T00:00:00Z" is not a date that exists/),
        expect.stringMatching(/^feed\.json \S+ date_published: "2023-07-01" is not an RFC 3339/),
      ]),
    );
    expect(diagnostics).toHaveLength(5);
  });

  it('missing-element: channel, item, feed, entry, author and JSON Feed fields', async () => {
    const diagnostics = await lintMutated({
      rss: (text) => text.replace(/ {4}<description>News[^\n]*\n/, '').replace(/<guid>[^<]*<\/guid>/, '').replace(/<link>[^<]*<\/link>(?=\s*\n\s*<pubDate>)/, ''),
      atom: (text) => text.replace(/<author>[\s\S]*?<\/author>/g, '').replace(/\n  <id>[^<]*<\/id>/, ''),
      json: (text) => text.replace('"version": "https://jsonfeed.org/version/1.1",', '').replace(`"id": "${TASS_ID}",`, ''),
    });
    expect(codes(diagnostics)).toContain('missing-element');
    const missing = diagnostics.filter((d) => d.code === 'missing-element').map((d) => `${fileOf(d)} ${d.field} ${d.message}`);
    expect(missing).toEqual([
      expect.stringMatching(/^rss\.xml channel <channel> has no <description>; RSS 2\.0 requires it/),
      expect.stringMatching(/^rss\.xml item 1 <item> has neither a <guid> nor both <link> and <title>/),
      expect.stringMatching(/^atom\.xml feed <feed> has no <id>; Atom \(RFC 4287\) requires it/),
      expect.stringMatching(/^atom\.xml \S+ <entry> has no <author>/),
      expect.stringMatching(/^feed\.json \(feed\) the feed object has no "version"; JSON Feed 1\.1 requires it$/),
      expect.stringMatching(/^feed\.json item 1 the item has no "id"/),
    ]);
  });

  it('self-link: each feed must say where it is published (baseUrl + output name)', async () => {
    const moved = await lintMutated({}, { baseUrl: 'https://elsewhere.example.net/news/' });
    expect(moved.map((d) => [d.code, fileOf(d), d.message.match(/\((https:[^,)]+)/)?.[1]])).toEqual([
      ['self-link', 'rss.xml', 'https://elsewhere.example.net/news/rss.xml'],
      ['self-link', 'atom.xml', 'https://elsewhere.example.net/news/atom.xml'],
      ['self-link', 'feed.json', 'https://elsewhere.example.net/news/feed.json'],
    ]);
    const missing = await lintMutated({ json: (text) => text.replace(/\n {2}"feed_url": "[^"]*",/, '') });
    expect(missing).toEqual([expect.objectContaining({ code: 'self-link', field: 'feed_url', message: 'the feed has no self link; it is published at https://postfeed.example.org/feed.json' })]);
  });

  it('duplicate-id: two items with one id in a feed', async () => {
    const diagnostics = await lintMutated({ rss: (text) => text.replace(/( {4}<item>[\s\S]*<\/item>\n)/, '$1$1') });
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'duplicate-id', field: TASS_ID, message: expect.stringMatching(/^items 1 and 2 have the same id/) })]);
  });

  it('ids-differ-across-formats: an id that one format carries and the others do not', async () => {
    const diagnostics = await lintMutated({ atom: (text) => text.replace(`<id>${TASS_ID}</id>`, '<id>tag:postfeed.example.org,2023:mali</id>') });
    expect(diagnostics.map((d) => [d.code, fileOf(d), d.field])).toEqual([
      ['ids-differ-across-formats', 'atom.xml', TASS_ID],
      ['ids-differ-across-formats', 'rss.xml', 'tag:postfeed.example.org,2023:mali'],
      ['ids-differ-across-formats', 'feed.json', 'tag:postfeed.example.org,2023:mali'],
    ]);
  });

  it('enclosure-invalid: lengths that are not whole numbers, types that are not media types, missing parts', async () => {
    const diagnostics = await lintMutated({
      rss: (text) => text.replace('    </item>', '      <enclosure url="https://cdn.example/a.mp3" length="-5" type="audio mp3"/>\n    </item>'),
      atom: (text) => text.replace('  </entry>', '    <link rel="enclosure" href="https://cdn.example/a.mp3" length="abc" type="audio/mpeg"/>\n  </entry>'),
      json: (text) => text.replace('"authors": [\n        {\n          "name": "TASS"', '"attachments": [{ "url": "https://cdn.example/a.mp3", "size_in_bytes": 1.5 }],\n      "authors": [\n        {\n          "name": "TASS"'),
    });
    expect(diagnostics.map((d) => `${d.code} ${fileOf(d)} ${d.message}`)).toEqual([
      'enclosure-invalid rss.xml enclosure: length -5 is not a whole number of bytes; type "audio mp3" is not a media type like "image/jpeg"',
      'enclosure-invalid atom.xml link rel="enclosure": length abc is not a whole number of bytes',
      'enclosure-invalid feed.json attachments: size_in_bytes 1.5 is not a whole number of bytes; no mime_type',
    ]);
  });

  it('not-well-formed: broken XML and broken JSON, with the position', async () => {
    const diagnostics = await lintMutated({ rss: (text) => text.replace('</channel>', ''), json: (text) => text.slice(0, 200) });
    expect(diagnostics.map((d) => [d.code, fileOf(d)])).toEqual([
      ['not-well-formed', 'rss.xml'],
      ['not-well-formed', 'feed.json'],
    ]);
    expect(diagnostics[0]!.line).toBeGreaterThan(1);
    expect(diagnostics[0]!.message).toMatch(/^not well-formed XML: /);
  });

  it('illegal-character: raw and as a character reference, each with its line; literal text in CDATA is fine', async () => {
    const diagnostics = await lintMutated({
      atom: (text) => text.replace('<title type="text">postfeed news</title>', '<title type="text">postfeed\u0001 news&#x1B;</title>').replace('<p>UNITED', '<p>&amp;#1; &#1;UNITED'),
    });
    expect(diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['illegal-character', 4, 'U+0001 may not appear in XML; a strict reader refuses the whole feed'],
      ['illegal-character', 4, '&#x1B; (U+001B) may not appear in XML; a strict reader refuses the whole feed'],
    ]);
  });

  it('a hostile feed costs linear time: 200,000 unterminated CDATA sections, comments and references', async () => {
    const hostile = '<![CDATA['.repeat(200_000) + '<!--'.repeat(200_000);
    const references = '&#x'.repeat(200_000) + '&#1;'.repeat(200_000);
    const started = performance.now();
    const diagnostics = await lintMutated({ rss: (text) => text.replace('<channel>', `<channel>${references}${hostile}`) });
    // Quadratic scanning took minutes here; linear takes well under a second. Generous for a busy machine.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(codes(diagnostics)).toEqual(['illegal-character', 'not-well-formed']);
    expect(diagnostics.filter((d) => d.code === 'illegal-character').at(-1)!.message).toBe('199980 more illegal-character findings not shown');
  });

  it('feed-too-large: over check.maxFeedBytes (5 MiB by default, the W3C validator refuses more)', async () => {
    const padding = `<!-- ${'x'.repeat(5 * 1024 * 1024)} -->`;
    const diagnostics = await lintMutated({ rss: (text) => text.replace('<channel>', `<channel>${padding}`) });
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'feed-too-large', file: expect.stringMatching(/rss\.xml$/), message: expect.stringMatching(/more than check\.maxFeedBytes \(5242880\)/) })]);
  });

  it('feed-too-large follows the config key check.maxFeedBytes', async () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2023-07-01') }, { check: { maxFeedBytes: 500 } });
    await buildInto(cwd, path.join(cwd, 'dist'));
    const result = await check({ cwd });
    expect(result.diagnostics.map((d) => [d.code, fileOf(d)])).toEqual([
      ['feed-too-large', 'rss.xml'],
      ['feed-too-large', 'atom.xml'],
      ['feed-too-large', 'feed.json'],
    ]);
  });

  it('feed-missing: a feed that was never built', async () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2023-07-01') });
    const result = await check({ cwd });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ['feed-missing', 'dist/rss.xml'],
      ['feed-missing', 'dist/atom.xml'],
      ['feed-missing', 'dist/feed.json'],
    ]);
  });
});
