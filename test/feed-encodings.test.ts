// How each value is encoded in each format, pinned through an independent XML parser
// (fast-xml-parser), never through postfeed's own code. These began as the traps of the `feed`
// library that postfeed once worked around; see README: Why postfeed writes the XML itself.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { build, type BuildOptions, type OutputFile } from '../src/index.js';
import { assertWellFormed } from '../src/formats/well-formed.js';
import { FEED_FORMATS } from '../src/formats/registry.js';
import { decodeHtmlText, makeProject, parseXml, post, text } from './helpers.js';

async function feeds(posts: Record<string, string>, options: Partial<BuildOptions> = {}, config = {}) {
  const cwd = makeProject(posts, config);
  const result = await build({ cwd, now: new Date('2030-01-01T00:00:00Z'), ...options });
  const file = (format: OutputFile['format']) => result.files.find((f) => f.format === format)?.contents ?? '';
  return {
    result,
    cwd,
    rssXml: file('rss'),
    atomXml: file('atom'),
    jsonText: file('json'),
    rss: () => parseXml(file('rss')).rss.channel,
    atom: () => parseXml(file('atom')).feed,
    json: () => JSON.parse(file('json')),
  };
}

/** fast-xml-parser's validator: an independent well-formedness check. */
async function expectWellFormed(xml: string) {
  const { XMLValidator } = await import('fast-xml-parser');
  expect(XMLValidator.validate(xml)).toBe(true);
}

afterEach(() => {
  vi.useRealTimers();
});

describe('characters XML forbids', () => {
  it('are removed from every field with a warning naming the file, and the feeds stay readable', async () => {
    // (A lone surrogate cannot be stored in a UTF-8 file: writing one yields U+FFFD, which is legal.)
    const dirty = 'A\u0001B\u000bC\u001fD\uFFFEE\uFFFFFG\u0085H';
    const f = await feeds({
      'dirty.md': `---\ntitle: "${dirty}"\ndate: 2023-07-01\ndescription: "${dirty}"\ntags: ["${dirty}"]\nauthor: "${dirty}"\n---\n\nBody ${dirty}\n`,
    });
    expect(f.result.ok).toBe(true);
    const warnings = f.result.diagnostics.filter((d) => d.severity === 'warning');
    expect(warnings.map((w) => w.field).sort()).toEqual(['author', 'body', 'description', 'tags[0]', 'title']);
    for (const warning of warnings) {
      expect(warning.file).toBe(path.join('posts', 'dirty.md'));
      expect(warning.message).toMatch(/removed \d+ character/);
    }
    for (const xml of [f.rssXml, f.atomXml]) {
      await expectWellFormed(xml);
      expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800]/);
    }
    expect(text(f.rss().item[0].title)).toBe('ABCDEFGH');
    expect(text(f.atom().entry[0].title)).toBe('ABCDEFGH');
    expect(f.json().items[0].title).toBe('ABCDEFGH');
    expect(f.json().items[0].tags).toEqual(['ABCDEFGH']);
  });
});

describe('character references to forbidden characters', () => {
  it('are removed from rendered content too, with a warning', async () => {
    const f = await feeds({ 'refs.md': post('title: Refs\ndate: 2023-07-01', 'one &#1; two ![alt &#2;](x.png)\n\n<p title="&#x1F;">raw &#11;</p>') });
    expect(f.result.ok).toBe(true);
    await expectWellFormed(f.rssXml);
    await expectWellFormed(f.atomXml);
    expect(f.jsonText).not.toMatch(/\\u000[12b]|\\u001f/i);
    // markdown-it would turn the Markdown ones into U+FFFD: they are removed and named too.
    expect(f.jsonText).not.toContain('\uFFFD');
    expect(f.result.diagnostics).toContainEqual(
      expect.objectContaining({ field: 'body', message: expect.stringMatching(/character references to U\+0001, U\+0002, U\+001F, U\+000B/) }),
    );
  });

  it('are removed from summaries taken from percent-decoded link text', async () => {
    const f = await feeds({ 'link.md': post('title: Link\ndate: 2023-07-01', '<https://example.org/%00%01%1F%7F%C2%85>') });
    expect(f.result.ok).toBe(true);
    await expectWellFormed(f.rssXml);
    await expectWellFormed(f.atomXml);
    expect(f.json().items[0].summary).toMatch(/^https:\/\/example\.org\//);
    expect(f.json().items[0].summary).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
  });
});

describe('any number of ]]> in a field', () => {
  it('keeps the XML well-formed and the text intact', async () => {
    const body = 'one ]]> two ]]> three\n\n<div><!-- a ]]> comment ]]> --><![CDATA[ x ]]> y ]]></div>\n\n```\ncode ]]> ]]>\n```';
    const f = await feeds({ 'cdata.md': post('title: CDATA\ndate: 2023-07-01', body) });
    expect(f.result.ok).toBe(true);
    await expectWellFormed(f.rssXml);
    await expectWellFormed(f.atomXml);
    for (const html of [text(f.rss().item[0]['content:encoded']), text(f.atom().entry[0].content), f.json().items[0].content_html]) {
      expect(decodeHtmlText(html)).toContain('one ]]> two ]]> three');
      expect(decodeHtmlText(html)).toContain('code ]]> ]]>');
    }
  });
});

describe('categories with markup characters', () => {
  it('escapes < & and " in categories so they read back exactly', async () => {
    // `$&` and `$'` are replacement patterns to String.replace: a tag must not trigger them.
    const tags = ['a<b', 'AT&T', 'say "hi"', "it's", 'x > y', 'C#', '&amp;', ']]>$<b>', "$'<x>", '$&<y>'];
    const yamlTags = tags.map((tag) => JSON.stringify(tag)).join(', ');
    const f = await feeds({ 'tags.md': post(`title: Tags\ndate: 2023-07-01\ntags: [${yamlTags}]`) });
    expect(f.result.ok).toBe(true);
    await expectWellFormed(f.rssXml);
    await expectWellFormed(f.atomXml);
    expect(f.rss().item[0].category.map(text)).toEqual(tags);
    expect(f.atom().entry[0].category.map((c: any) => c['@term'])).toEqual(tags);
    expect(f.json().items[0].tags).toEqual(tags);
  });
});

describe('a literal &amp; in text', () => {
  it('stays "&amp;" and is not collapsed to "&" anywhere', async () => {
    const f = await feeds(
      { 'amp.md': post('title: "Fish &amp; Chips & more"\ndate: 2023-07-01\ndescription: "AT&amp;T"\nauthor: "Smith &amp; Sons"') },
      {},
      { title: 'Site &amp; Co', description: 'about &amp; more' },
    );
    expect(f.result.ok).toBe(true);
    const rss = f.rss();
    const atom = f.atom();
    // Titles are plain text in both XML formats; RSS descriptions are HTML.
    expect(text(rss.title)).toBe('Site &amp; Co');
    expect(decodeHtmlText(text(rss.description))).toBe('about &amp; more');
    expect(text(atom.title)).toBe('Site &amp; Co');
    expect(text(atom.subtitle)).toBe('about &amp; more');
    expect(text(rss.item[0].title)).toBe('Fish &amp; Chips & more');
    expect(text(atom.entry[0].title)).toBe('Fish &amp; Chips & more');
    expect(text(atom.entry[0].summary)).toBe('AT&amp;T');
    // In RSS, `&` is written as a character reference at the XML level: `&#x26;amp;`.
    expect(f.rssXml).toContain('<title>Fish &#x26;amp; Chips &#x26; more</title>');
    expect(decodeHtmlText(text(rss.item[0].description))).toBe('AT&amp;T');
    expect(text(rss.item[0]['dc:creator'][0])).toBe('Smith &amp; Sons');
    expect(text(atom.entry[0].author[0].name)).toBe('Smith &amp; Sons');
    expect(f.json().items[0].title).toBe('Fish &amp; Chips & more');
  });
});

describe('site URLs in the config', () => {
  it('are written in the RFC 3986 form, like every post URL: baseUrl, the author url, the language canonical', async () => {
    const f = await feeds({ 'a.md': post('title: A\ndate: 2023-07-01') }, {}, {
      baseUrl: 'https://example.com/a|b/',
      language: 'en-us',
      author: { name: 'A', url: 'https://example.com/x{y}' },
    });
    expect(f.result.ok).toBe(true);
    expect(text(f.atom().id)).toBe('https://example.com/a%7Cb/');
    expect(text(f.atom().author[0].uri)).toBe('https://example.com/x%7By%7D');
    expect(f.atom()['@xml:lang']).toBe('en-US');
    expect(f.json().items[0].url).toBe('https://example.com/a%7Cb/posts/a/');
  });
});

describe('the JSON Feed text', () => {
  it('is exactly what JSON.stringify writes for it with two spaces, whatever the items hold', async () => {
    const f = await feeds(
      {
        'full.md': post('title: "Quotes \\" and \\\\ back"\ndate: 2023-07-01\ntags: [a, "b c"]\nimage: https://example.com/i.png\nlang: de', 'Line one\n\n<p>raw\nHTML</p>\n\n```\ncode\n  indented\n```'),
        'bare.md': post('title: Bare\ndate: 2023-07-02', ''),
        'unicode.md': post('title: "Ünïcødé \\u2028 😀"\ndate: 2023-07-03', 'Text with \u2028 and \u2029 and </script>.'),
      },
      {},
      { limit: 0 },
    );
    expect(f.result.ok).toBe(true);
    const parsed = f.json();
    expect(parsed.items).toHaveLength(3);
    expect(f.jsonText).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
  });
});

describe('an empty post', () => {
  it('warns, and still has text in every format: the title as its summary, no blank Atom content', async () => {
    const f = await feeds({ 'empty.md': '---\ntitle: Nothing yet\ndate: 2023-07-01\n---\n' });
    expect(f.result.ok).toBe(true);
    expect(f.result.diagnostics).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'empty-post', file: path.join('posts', 'empty.md') }));
    expect(decodeHtmlText(text(f.rss().item[0].description))).toBe('Nothing yet');
    expect(text(f.atom().entry[0].summary)).toBe('Nothing yet');
    expect(f.atom().entry[0].content).toBeUndefined();
    expect(f.json().items[0].summary).toBe('Nothing yet');
  });
});

describe('carriage returns in config text', () => {
  it('collapse in the one-line site title and survive as &#xD; in the description (XML parsers turn a raw CR into LF)', async () => {
    const f = await feeds({ 'a.md': post('title: A\ndate: 2023-07-01') }, {}, { title: 'Site\r\nName', description: 'line one\r\nline two' });
    expect(f.result.ok).toBe(true);
    expect(text(f.rss().title)).toBe('Site Name');
    expect(text(f.atom().title)).toBe('Site Name');
    expect(f.json().title).toBe('Site Name');
    expect(text(f.atom().subtitle)).toBe('line one\r\nline two');
    expect(f.json().description).toBe('line one\r\nline two');
    expect(f.atomXml).not.toMatch(/\r/);
  });
});

describe('titles with markup characters', () => {
  it('read the same in RSS, Atom and JSON Feed', async () => {
    const title = 'AT&T <b>bold</b> & "quotes" <script>';
    const f = await feeds({ 'markup.md': post(`title: ${JSON.stringify(title)}\ndate: 2023-07-01`) });
    expect(f.result.ok).toBe(true);
    const atomTitle = f.atom().entry[0].title;
    // Atom: type="text", so the parsed text is exactly the title.
    expect(atomTitle['@type']).toBe('text');
    expect(text(atomTitle)).toBe(title);
    expect(text(f.rss().item[0].title)).toBe(title);
    expect(f.json().items[0].title).toBe(title);
    // RSS: `&` and `<` as character references, never CDATA, never raw markup in the source.
    expect(f.rssXml).toContain('<title>AT&#x26;T &#x3C;b&gt;bold&#x3C;/b&gt; &#x26; "quotes" &#x3C;script&gt;</title>');
    expect(f.atomXml).toContain('<title type="text">AT&#x26;T &#x3C;b&gt;bold&#x3C;/b&gt; &#x26; "quotes" &#x3C;script&gt;</title>');
    expect(f.rssXml).not.toMatch(/<title><!\[CDATA\[/);
  });
});

describe('the clock never reaches the output', () => {
  it('builds byte-identical feeds at different times; the feed date is the newest item date', async () => {
    const posts = {
      'a.md': post('title: A\ndate: 2023-07-01T10:00:00+03:00'),
      'b.md': post('title: B\ndate: 2022-01-01\nupdated: 2024-02-03T04:05:06Z'),
    };
    const cwd = makeProject(posts);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2031-01-01T00:00:00Z'));
    const first = await build({ cwd });
    vi.setSystemTime(new Date('2039-06-15T12:34:56Z'));
    const second = await build({ cwd });
    vi.useRealTimers();
    expect(first.ok).toBe(true);
    expect(second.files.map((f) => f.contents)).toEqual(first.files.map((f) => f.contents));
    const contents = (format: string) => first.files.find((file) => file.format === format)!.contents;
    const rss = parseXml(contents('rss')).rss.channel;
    expect(text(rss.lastBuildDate)).toBe('Sat, 03 Feb 2024 04:05:06 GMT');
    const atom = parseXml(contents('atom')).feed;
    expect(text(atom.updated)).toBe('2024-02-03T04:05:06Z');
    for (const file of first.files) expect(file.contents).not.toMatch(/2031|2039/);
  });
});

describe('relative links, invalid ids, empty values', () => {
  it('makes relative links absolute instead of throwing "Invalid URL"', async () => {
    const f = await feeds({ 'rel.md': post('title: Rel\ndate: 2023-07-01', '[a](../other/) [b](img.png) [c](/root) [d](#frag)') });
    expect(f.result.ok).toBe(true);
    const html = text(f.rss().item[0]['content:encoded']);
    expect(html).toContain('href="https://example.com/blog/posts/other/"');
    expect(html).toContain('href="https://example.com/blog/posts/rel/img.png"');
    expect(html).toContain('href="https://example.com/root"');
    expect(html).toContain('href="https://example.com/blog/posts/rel/#frag"');
  });

  it('reports an invalid id with file, line and field instead of a bare TypeError', async () => {
    const f = await feeds({ 'bad-id.md': post('title: X\ndate: 2023-07-01\nid: not a url') });
    expect(f.result.ok).toBe(false);
    expect(f.result.files).toEqual([]);
    expect(f.result.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'error', file: path.join('posts', 'bad-id.md'), line: 4, field: 'id' }),
    );
  });

  it('never writes undefined, NaN, Invalid Date or empty ids and links', async () => {
    const f = await feeds({ 'plain.md': post('title: Plain\ndate: 2023-07-01', '') }, {}, { description: '' });
    expect(f.result.ok).toBe(true);
    for (const output of [f.rssXml, f.atomXml, f.jsonText]) {
      expect(output).not.toMatch(/undefined|NaN|Invalid Date|<id\/>|<link\/>|<link><\/link>|<guid\/>|"null"|: null/);
    }
  });
});

describe('one identity per post', () => {
  it.each([
    ['the permalink', '', 'https://example.com/blog/posts/one/'],
    ['an explicit tag: id', 'id: "tag:example.com,2023:one"', 'tag:example.com,2023:one'],
    ['an explicit urn', 'id: "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"', 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66'],
    ['an URL id, normalized once', 'id: "HTTPS://Example.COM/a/../b?x=1&y=2"', 'https://example.com/b?x=1&y=2'],
  ])('uses %s identically in RSS guid, Atom id and JSON id', async (_name, line, expected) => {
    const f = await feeds({ 'one.md': post(`title: One\ndate: 2023-07-01\n${line}`) });
    expect(f.result.ok).toBe(true);
    expect(text(f.rss().item[0].guid)).toBe(expected);
    expect(text(f.atom().entry[0].id)).toBe(expected);
    expect(f.json().items[0].id).toBe(expected);
  });
});

describe('authors, categories and enclosures', () => {
  it('puts names in dc:creator with its namespace declared, never a name-only <author>', async () => {
    for (const content of ['full', 'summary'] as const) {
      const f = await feeds({ 'a.md': post('title: A\ndate: 2023-07-01\nauthor: Jane Doe') }, {}, { content });
      await expectWellFormed(f.rssXml);
      const item = f.rss().item[0];
      expect(item.author).toBeUndefined();
      expect(item['dc:creator'].map(text)).toEqual(['Jane Doe']);
      // A namespace-aware parser must resolve dc: to Dublin Core.
      const { SaxesParser } = await import('saxes');
      const parser = new SaxesParser({ xmlns: true });
      const uris: string[] = [];
      parser.on('opentag', (tag) => {
        if (tag.local === 'creator') uris.push(tag.uri);
      });
      parser.write(f.rssXml).close();
      expect(uris).toEqual(['http://purl.org/dc/elements/1.1/']);
    }
  });

  it('credits the site author on every item without one, in all three formats', async () => {
    const f = await feeds({ 'a.md': post('title: A\ndate: 2023-07-01'), 'b.md': post('title: B\ndate: 2023-07-02\nauthor: Jane Doe') });
    expect(text(f.atom().author[0].name)).toBe('Test Author');
    expect(f.atom().entry.map((entry: any) => entry.author.map((a: any) => text(a.name)))).toEqual([['Jane Doe'], ['Test Author']]);
    expect(f.rss().item.map((item: any) => item['dc:creator'].map(text))).toEqual([['Jane Doe'], ['Test Author']]);
    expect(f.json().items.map((item: any) => item.authors.map((a: any) => a.name))).toEqual([['Jane Doe'], ['Test Author']]);
  });

  it('writes categories with a term', async () => {
    const f = await feeds({ 'a.md': post('title: A\ndate: 2023-07-01\ntags: [x, y]') });
    expect(f.atom().entry[0].category.map((c: any) => c['@term'])).toEqual(['x', 'y']);
  });

  it('types enclosures with registered media types and the real length of local files', async () => {
    const cwd = makeProject({
      'photo.md': post('title: Photo\ndate: 2023-07-01\nimage: cover.jpg'),
      'song.md': post('title: Song\ndate: 2023-07-02\nimage: https://cdn.example.com/a/song.mp3'),
      'vector.md': post('title: Vector\ndate: 2023-07-03\nimage: pics/logo.svg'),
    });
    writeFileSync(path.join(cwd, 'posts', 'cover.jpg'), Buffer.alloc(1234));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(cwd, 'posts', 'pics'));
    writeFileSync(path.join(cwd, 'posts', 'pics', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const result = await build({ cwd });
    expect(result.diagnostics).toEqual([]);
    const contents = (format: string) => result.files.find((file) => file.format === format)!.contents;
    const rss = parseXml(contents('rss')).rss.channel;
    const atom = parseXml(contents('atom')).feed;
    const json = JSON.parse(contents('json'));
    const rssEnclosures = rss.item.map((item: any) => [item.enclosure['@type'], item.enclosure['@length'], item.enclosure['@url']]);
    expect(rssEnclosures).toEqual([
      ['image/svg+xml', '41', 'https://example.com/blog/posts/vector/pics/logo.svg'],
      ['audio/mpeg', '0', 'https://cdn.example.com/a/song.mp3'],
      ['image/jpeg', '1234', 'https://example.com/blog/posts/photo/cover.jpg'],
    ]);
    const atomEnclosures = atom.entry.map((entry: any) => {
      const link = entry.link.find((l: any) => l['@rel'] === 'enclosure');
      return [link['@type'], link['@length'], link['@href']];
    });
    // Atom's length is optional: an unknown size is left out rather than claimed to be 0.
    expect(atomEnclosures).toEqual(rssEnclosures.map(([type, length, url]: string[]) => [type, length === '0' ? undefined : length, url]));
    expect(json.items.map((item: any) => item.image)).toEqual([rssEnclosures[0][2], undefined, rssEnclosures[2][2]]);
    // JSON Feed: every enclosure, image or not, is an attachment with its type and known size.
    expect(json.items.map((item: any) => item.attachments)).toEqual([
      [{ url: rssEnclosures[0][2], mime_type: 'image/svg+xml', size_in_bytes: 41 }],
      [{ url: rssEnclosures[1][2], mime_type: 'audio/mpeg' }],
      [{ url: rssEnclosures[2][2], mime_type: 'image/jpeg', size_in_bytes: 1234 }],
    ]);
    expect(readFileSync(path.join(cwd, 'posts', 'cover.jpg')).length).toBe(1234);
  });

  it('rejects an image with an unknown type or a missing local file, naming the line', async () => {
    const f = await feeds({
      'a.md': post('title: A\ndate: 2023-07-01\nimage: missing.png'),
      'b.md': post('title: B\ndate: 2023-07-02\nimage: https://x.example/file.xyz'),
    });
    expect(f.result.ok).toBe(false);
    expect(f.result.diagnostics).toEqual([
      expect.objectContaining({ file: path.join('posts', 'b.md'), line: 4, field: 'image', message: expect.stringMatching(/media type/) }),
      expect.objectContaining({ file: path.join('posts', 'a.md'), line: 4, field: 'image', message: expect.stringMatching(/not found/) }),
    ]);
  });
});

describe('the last gate', () => {
  it('refuses XML that is not well-formed', () => {
    expect(() => assertWellFormed('<a><b></a>', 'x.xml')).toThrow(/refusing to write x\.xml/);
    expect(() => assertWellFormed('<a>\u0001</a>', 'x.xml')).toThrow(/not well-formed/);
    expect(() => assertWellFormed('<a><dc:creator>x</dc:creator></a>', 'x.xml')).toThrow(/prefix|namespace/i);
    expect(() => assertWellFormed('<?xml version="1.0"?><a>ok</a>', 'x.xml')).not.toThrow();
  });

  it('checks each item as a fragment, with only the namespaces its feed root declares in scope', () => {
    const rss = FEED_FORMATS.rss.xmlNamespaces!;
    const atom = FEED_FORMATS.atom.xmlNamespaces!;
    expect(() => assertWellFormed('\n    <item><dc:creator>x</dc:creator><content:encoded><![CDATA[<p>]]></content:encoded></item>', 'item', rss)).not.toThrow();
    expect(() => assertWellFormed('\n  <entry><title type="text">x</title></entry>', 'entry', atom)).not.toThrow();
    for (const [fragment, namespaces] of [
      ['<item><title>x</title>', rss], // left open
      ['</item><item>', rss], // closes what the envelope opened
      ['<item><media:thumbnail/></item>', rss], // a prefix the root never declares
      ['<item>a ]]> b</item>', rss],
      ['<item>\u0001</item>', rss],
      ['<entry><title>x</titel></entry>', atom],
    ] as const) {
      expect(() => assertWellFormed(fragment, 'item', namespaces), fragment).toThrow(/not well-formed/);
    }
  });

  it('writes every feed as its envelope and item fragments, each checked, joined to the very bytes of one document', async () => {
    const f = await feeds({
      'a.md': post('title: "A & <b>"\ndate: 2024-01-01', 'x ]]> y'),
      'b.md': post('title: B\ndate: 2024-01-02', 'Plain.'),
    });
    for (const file of f.result.files) {
      expect(file.chunks!.length).toBeGreaterThan(2);
      // Built without a cache, so every chunk is in memory.
      const buffers = file.chunks!.map((chunk) => (chunk instanceof Uint8Array ? chunk : expect.unreachable('a span without a cache')));
      expect(Buffer.concat(buffers).toString('utf8')).toBe(file.contents);
    }
  });
});
