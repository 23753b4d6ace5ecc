// The well-formedness gate (src/formats/well-formed.ts) lets saxes read a skeleton of the text with
// its CDATA sections emptied, and parses the whole text only when that does not settle it. For any
// text, it must answer exactly what one saxes parse of the whole text answers: the same verdict and,
// for a problem, the same first message at the same line and column. Compared here on item
// fragments made by the writers from generated items, on those fragments damaged where the skeleton
// could go wrong (in and around CDATA sections: forbidden characters, lone surrogates, `]]>`,
// section starts and ends taken away or doubled, sections put inside comments, processing
// instructions, attribute values or a DTD, tags and references broken), and on whole feeds.
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it, vi } from 'vitest';
import { FEED_FORMATS, FORMAT_NAMES, serializeItem } from '../src/formats/registry.js';
import { assertWellFormed, assertWellFormedAround, MalformedOutputError, xmlProblem } from '../src/formats/well-formed.js';
import { xmlCdata } from '../src/formats/xml.js';
import type { FeedItem } from '../src/model.js';
import { stripForbiddenCharacters } from '../src/parse/text.js';
import { CONTROL_CHARACTERS, LONE_SURROGATES, nastyText, rawHtml, url } from './fuzz/arbitraries.js';

type Namespaces = Readonly<Record<string, string>>;
const XML_FORMATS = ['rss', 'atom'] as const;
type XmlFormat = (typeof XML_FORMATS)[number];
const namespacesOf = (format: XmlFormat): Namespaces => FEED_FORMATS[format].xmlNamespaces!;

/** The reference: saxes over the whole text, as the gate ran before it read skeletons; its first error. */
function saxesAnswer(xml: string, fragmentNamespaces?: Namespaces): string | undefined {
  const parser = fragmentNamespaces
    ? new SaxesParser({ xmlns: true, position: true, fragment: true, additionalNamespaces: { ...fragmentNamespaces } })
    : new SaxesParser({ xmlns: true, position: true });
  let first: string | undefined;
  parser.on('error', (error) => {
    first ??= error.message;
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    return `threw ${(error as Error).message}`;
  }
  return first;
}

function gateAnswer(xml: string, fragmentNamespaces?: Namespaces): string | undefined {
  try {
    const problem = xmlProblem(xml, fragmentNamespaces);
    return problem && `${problem.line}:${problem.column}: ${problem.message}`;
  } catch (error) {
    return `threw ${(error as Error).message}`;
  }
}

function expectSameAnswer(xml: string, fragmentNamespaces?: Namespaces): void {
  const expected = saxesAnswer(xml, fragmentNamespaces);
  expect(gateAnswer(xml, fragmentNamespaces), JSON.stringify(xml)).toBe(expected);
  if (expected === undefined) expect(() => assertWellFormed(xml, 'x.xml', fragmentNamespaces)).not.toThrow();
  else if (!expected.startsWith('threw ')) {
    expect(() => assertWellFormed(xml, 'x.xml', fragmentNamespaces)).toThrow(`refusing to write x.xml: the generated XML is not well-formed (${expected})`);
  }
}

// ---------------------------------------------------------------- items

const CDATA_TOKENS = [']]>', ']]', ']', '>', ']]]]>', ']]>]]>', '<![CDATA[', '<![CDATA[x]]>', '<!--', '-->', '<!-- ]]> -->', '--', '?>', '"', '&', '<', '\r', '\r\n', '😀'];
const html: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: rawHtml },
      { weight: 4, arbitrary: nastyText(8) },
      { weight: 2, arbitrary: fc.constantFrom(...CDATA_TOKENS) },
      // Post-sized stretches: the skeleton is only worth reading when sections are long.
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('<p>a &amp; b</p>\n', 'é ', '😀', 'x]', '<code>&lt;x&gt;</code>'), fc.integer({ min: 1, max: 300 })).map(([unit, n]) => unit.repeat(n)) },
    ),
    { maxLength: 8 },
  )
  .map((pieces) => pieces.join(''));

const date = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });
const author = fc.record({ name: nastyText(4), email: fc.option(nastyText(3), { nil: undefined }), url: fc.option(url, { nil: undefined }) }, { requiredKeys: ['name'] });

/** An item as the writers get it, except that its values may hold what XML forbids (the parse stage strips it; the gate must not rely on that). */
const feedItem: fc.Arbitrary<FeedItem> = fc
  .record({
    id: url,
    url,
    title: nastyText(6),
    date,
    updated: fc.option(date, { nil: undefined }),
    summary: nastyText(10),
    html: fc.option(html, { nil: undefined }),
    authors: fc.array(author, { minLength: 1, maxLength: 3 }),
    tags: fc.array(nastyText(3), { maxLength: 4 }),
    enclosure: fc.option(fc.record({ url, type: fc.constantFrom('image/png', 'audio/mpeg'), length: fc.nat() }), { nil: undefined }),
  })
  .map((item) => {
    const out: FeedItem = { ...item };
    for (const key of ['updated', 'html', 'enclosure'] as const) if (out[key] === undefined) delete out[key];
    return out;
  });

const strip = (text: string) => stripForbiddenCharacters(text).text;
/** The same item with its values cleaned as the parse stage cleans them. */
function cleaned(item: FeedItem): FeedItem {
  return {
    ...item,
    id: strip(item.id),
    url: strip(item.url),
    title: strip(item.title),
    summary: strip(item.summary),
    ...(item.html === undefined ? {} : { html: strip(item.html) }),
    authors: item.authors.map((a) => ({ name: strip(a.name), ...(a.email && { email: strip(a.email) }), ...(a.url && { url: strip(a.url) }) })),
    tags: item.tags.map(strip),
    ...(item.enclosure && { enclosure: { ...item.enclosure, url: strip(item.enclosure.url) } }),
  };
}

const fragment = (format: XmlFormat, item: FeedItem) => FEED_FORMATS[format].item(item);

/** A feed with one item, as serializeFeeds joins it. */
function wholeFeed(format: XmlFormat, item: FeedItem): string {
  const site = { title: 'T', baseUrl: 'https://example.org/', description: 'D', language: 'en', author: { name: 'A' }, generator: 'g' };
  const links = { self: 'https://example.org/feed.xml', alternate: 'https://example.org/' };
  const envelope = FEED_FORMATS[format].envelope({ format, path: 'feed.xml', site, links, updated: new Date(0) }, true);
  return envelope.head + fragment(format, item) + envelope.tail;
}

// ---------------------------------------------------------------- damage

const DAMAGE = [
  ...CONTROL_CHARACTERS.filter((c) => c < '\u0020'),
  '\uFFFE', '\uFFFF', '\uFFFD', '\uFEFF', '\u0085', '\u2028',
  ...LONE_SURROGATES,
  '\uD83D]', '\uDBFF]]>', '\uD800<', '\uD800<![CDATA[', '\uDE00\uD83D', '\uD83D\uDE00', // a lone high surrogate swallows what follows it in saxes
  ']]>', ']]', ']', '>', '<![CDATA[', '<![CDATA[x', '<![CDATA[]]>', ']]><![CDATA[', '<![CDATA', '<!', '[CDATA[',
  '<', '&', '&amp;', '&bogus;', '&#0;', '&#xD800;', '&#x1F600;', '&;', '&lt', '</item>', '</entry>', '<item>', '<entry>', '</x>', '<x>', '<x/>',
  '<media:thumbnail/>', '<x y:z="1"/>', '<x a="1" a="2"/>', '<x xmlns:p=""/>', '<xmlns:x/>', '<a:b:c/>', '<!-- x -->', '<!--', '-->', '--',
  '<?pi x?>', '<?xml version="1.0"?>', '<!DOCTYPE x>', '"', "'", '=', '/', ' ', '\n', '\r', '\r\n', '\t', 'é', '😀',
];

// Markup around a stretch that makes a `<![CDATA[` in it something else: the skeleton then
// empties a "section" the parser never reads as one.
const WRAPPERS: ReadonlyArray<readonly [string, string]> = [
  ['<!--', '-->'],
  ['<!-- ', ' -- -->'],
  ['<?pi ', '?>'],
  ['<x a="', '"/>'],
  ["<x a='", "'/>"],
  ['<!DOCTYPE x [', ']>'],
  ['<!DOCTYPE x [<!-- ', ' -->]>'],
];

interface Damage {
  /** insert a piece, put a wrapper around a stretch, delete a stretch, or cut the text off */
  kind: 'insert' | 'wrap' | 'delete' | 'truncate';
  piece: string;
  wrapper: readonly [string, string];
  /** near a CDATA section's start, content or end (when there is one), or anywhere */
  near: 'section' | 'anywhere';
  at: number;
  length: number;
}

const damage: fc.Arbitrary<Damage> = fc.record({
  kind: fc.constantFrom('insert', 'insert', 'insert', 'wrap', 'delete', 'truncate'),
  piece: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...DAMAGE) }, { weight: 1, arbitrary: nastyText(3) }),
  wrapper: fc.constantFrom(...WRAPPERS),
  near: fc.constantFrom('section', 'section', 'anywhere'),
  at: fc.nat(),
  length: fc.integer({ min: 1, max: 12 }),
});

/** Where CDATA sections begin, their contents begin, middle and end, and where they end. */
function sectionPlaces(text: string): number[] {
  const places: number[] = [];
  for (let start = text.indexOf('<![CDATA['); start !== -1; start = text.indexOf('<![CDATA[', start + 1)) {
    const content = start + 9;
    const end = text.indexOf(']]>', content);
    places.push(start, start + 1, content);
    if (end !== -1) places.push(Math.floor((content + end) / 2), end, end + 1, end + 2, end + 3);
  }
  return places;
}

function damaged(text: string, { kind, piece, wrapper, near, at, length }: Damage): string {
  const places = sectionPlaces(text);
  const where = near === 'section' && places.length > 0 ? places[at % places.length]! : at % (text.length + 1);
  if (kind === 'insert') return text.slice(0, where) + piece + text.slice(where);
  if (kind === 'wrap') {
    // Around a whole section: then its skeleton reads well wherever its content would not.
    const sections = [...text.matchAll(/<!\[CDATA\[[\s\S]*?\]\]>/g)];
    const section = near === 'section' && sections.length > 0 ? sections[at % sections.length]! : undefined;
    const [from, to] = section ? [section.index, section.index + section[0].length] : [where, Math.min(text.length, where + length)];
    return text.slice(0, from) + wrapper[0] + text.slice(from, to) + wrapper[1] + text.slice(to);
  }
  if (kind === 'delete') return text.slice(0, where) + text.slice(where + length);
  return text.slice(0, where);
}

const damages = fc.array(damage, { minLength: 1, maxLength: 3 });
const applied = (text: string, list: readonly Damage[]) => list.reduce(damaged, text);
const format = fc.constantFrom(...XML_FORMATS);

// ---------------------------------------------------------------- properties

describe('the well-formedness gate answers as a saxes parse of the whole text', () => {
  it('on item fragments of generated items, raw and as the parse stage cleans them', () => {
    fc.assert(
      fc.property(format, feedItem, (f, item) => {
        expectSameAnswer(fragment(f, item), namespacesOf(f));
        expectSameAnswer(fragment(f, cleaned(item)), namespacesOf(f));
      }),
      { numRuns: 3000 },
    );
  });

  it('on damaged item fragments', () => {
    fc.assert(
      fc.property(format, feedItem, damages, fc.boolean(), (f, item, list, clean) => {
        expectSameAnswer(applied(fragment(f, clean ? cleaned(item) : item), list), namespacesOf(f));
      }),
      { numRuns: 10000 },
    );
  });

  it('on whole feeds, intact and damaged, as postfeed check reads them', () => {
    fc.assert(
      fc.property(format, feedItem, damages, fc.constantFrom('', '\uFEFF', '<!DOCTYPE x [<!ENTITY e "]]>">]>', '<![CDATA[x]]>'), (f, item, list, prolog) => {
        const feed = wholeFeed(f, cleaned(item));
        expectSameAnswer(feed);
        expectSameAnswer(applied(feed, list));
        expectSameAnswer(prolog + feed.replace(/^<\?xml[^>]*>\n/, ''));
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    // Nothing but the section is wrong: each must come from the full parse, position and all.
    ['<item><description><![CDATA[a\u0001b]]></description></item>'],
    ['<item><description><![CDATA[\uFFFF]]></description></item>'],
    ['<item><description><![CDATA[\uD800]]></description></item>'],
    ['<item><description><![CDATA[x\uDC00]]></description></item>'],
    ['<item><description><![CDATA[x\uD83D]]]></description></item>'],
    ['<item><description><![CDATA[x\uD83D]]>]]></description></item>'],
    ['<item><description><![CDATA[x]]>\uD83D</description></item>'],
    ['<item><description><![CDATA[unterminated</description></item>'],
    ['<item><description><![CDATA[a]]>b]]></description></item>'],
    ['<item><description><![CDATA[a<![CDATA[b]]>c]]></description></item>'],
    ['<item><description><![CDATA[a]]></description>'],
    ['<![CDATA[outside]]><item/>'],
    ['<item><!-- <![CDATA[ --><x>]]></x></item>'],
    ['<item><!-- <![CDATA[ --> ]]> --></item>'],
    ['<item><!-- <![CDATA[ -- -->]]></item>'],
    ['<item a="<![CDATA[x]]>"/>'],
    ['<item><?pi <![CDATA[?>]]>?></item>'],
    ['<item><media:x><![CDATA[y]]></media:x></item>'],
    ['<item>&bogus;<![CDATA[y]]></item>'],
    ['<item><![CDATA[a\r\nb\rc]]>]]></item>'],
    // What the recognizer in front of saxes reads itself: tags, attributes, references, text.
    ['<item><x a="1"\tb=\'2\'\n/><y c = "&amp;&#x41;&#65;&quot;>"></y ></item><![CDATA[]]>'],
    ['<item><x a="1"b="2"/></item><![CDATA[]]>'],
    ['<item><x a="1" a="2"/></item>'],
    ['<item><x dc:a="1" a="2"/><dc:y/></item>'],
    ['<item><x dc:a="1" dc:a="2"/></item>'],
    ['<item><x/ ></item>'],
    ['<item><x>a]]>b</x></item>'],
    ['<item>&#x110000;</item>'],
    ['<item>&#0;</item>'],
    ['<item>&#xFFFE;</item>'],
    ['<item>&#1114111;</item>'],
    ['<item a="&#x1;"/>'],
    ['<item a="&bogus;"/>'],
    ['<item a="a & b"/>'],
    ['<item>&amp</item>'],
    ['&amp;<item/>'],
    ['text<item/>'],
    ['<item></Item>'],
    ['<item><xml/><xmlns:a/><a xmlns="u"/><a xml:lang="en"/><a XMLx="1"/></item>'],
    ['<item><a:b:c/></item>'],
    ['<item><a xmlns="http://www.w3.org/XML/1998/namespace"/><b xmlns="http://www.w3.org/2000/xmlns/"/></item>'],
    ['<item><a xmlns=""/></item>'],
    ['<item><p:b/></item>'],
    ['<item><![CDATA[a]]><!-- c --></item>'],
    ['<item>\n  <dc:creator>A</dc:creator>\n</item>\n'],
  ])('%j', (xml) => {
    expectSameAnswer(xml, namespacesOf('rss'));
    expectSameAnswer(xml);
  });
});

describe('the skeleton settles what writers produce', () => {
  it('reads fewer characters than the fragment when its sections have content', () => {
    let checked = 0;
    fc.assert(
      fc.property(format, feedItem, (f, item) => {
        const xml = fragment(f, cleaned(item));
        if (!/<!\[CDATA\[(?!\]\]>)/.test(xml) || saxesAnswer(xml, namespacesOf(f)) !== undefined) return;
        const write = vi.spyOn(SaxesParser.prototype, 'write');
        try {
          expect(xmlProblem(xml, namespacesOf(f))).toBeUndefined();
          const read = write.mock.calls.reduce((sum, [chunk]) => sum + (typeof chunk === 'string' ? chunk.length : 0), 0);
          expect(read).toBeLessThan(xml.length);
          checked += 1;
        } finally {
          write.mockRestore();
        }
      }),
      { numRuns: 500 },
    );
    expect(checked).toBeGreaterThan(200);
  });
});

describe('the recognizer in front of saxes', () => {
  it('settles the items writers make, without saxes', () => {
    let settled = 0;
    fc.assert(
      fc.property(feedItem, (raw) => {
        const item = cleaned(raw);
        const write = vi.spyOn(SaxesParser.prototype, 'write');
        try {
          serializeItem(item, 'post.md');
          expect(write).not.toHaveBeenCalled();
          settled += 1;
        } catch (error) {
          expect(error).toBeInstanceOf(MalformedOutputError);
        } finally {
          write.mockRestore();
        }
      }),
      { numRuns: 1000 },
    );
    expect(settled).toBeGreaterThan(900);
  });

  it('tells attributes apart by namespace, not by prefix', () => {
    const namespaces = { a: 'urn:same', b: 'urn:same', c: 'urn:other' };
    for (const xml of ['<x a:n="1" b:n="2"/>', '<x a:n="1" c:n="2"/>', '<x a:n="1" n="2"/>', '<a:x b:n="1"></b:x>', '<a:x></a:x>']) {
      expectSameAnswer(xml, namespaces);
    }
  });
});

describe('the parsers the gate keeps between items', () => {
  // The gate reads every skeleton with one saxes parser per set of namespaces, reset by each
  // close: a parse that failed, or stopped in the middle, must leave nothing behind for the next.
  const good = '<item><description><![CDATA[<p>fine</p>]]></description></item>';
  const sequence = [
    good,
    '<item><description><![CDATA[<p>x</p>]]></descriptio></item>', // mismatched end tag
    good,
    '<item><description><![CDATA[<p>x</p>]]>', // unclosed at the end
    good,
    '<item><x:y><![CDATA[a]]></x:y></item>', // unbound prefix
    good,
    '<item><![CDATA[a]]><![CDATA[b', // a section that never ends
    good,
  ];
  it.each(XML_FORMATS)('answer each of a run of intact and damaged %s items as a fresh parse does', (f) => {
    for (const xml of [...sequence, ...[...sequence].reverse()]) {
      expect(gateAnswer(xml, namespacesOf(f))).toBe(saxesAnswer(xml, namespacesOf(f)));
      expect(gateAnswer(xml)).toBe(saxesAnswer(xml));
    }
    expect(gateAnswer(good, namespacesOf(f))).toBeUndefined();
  });
});

// ---------------------------------------------------------------- around a section

// serializeItem makes an XML item without its HTML (a mark stands in for it), cuts the text around
// the mark's CDATA section, and gates `before + section + after` with assertWellFormedAround, which
// checks the section apart and parses only the text around it. It must answer as one saxes parse
// of the joined text answers: here the text around and the section are damaged apart, so the
// section can stop being one (unterminated, `]]>` inside, forbidden characters) and the text around
// can put it inside a comment, an attribute value or a processing instruction.
const MARK = '\uFFFF';

/** A writer's text for `item` with the mark for its HTML, cut around the mark's section. */
function around(f: XmlFormat, item: FeedItem): { before: string; after: string } {
  const text = fragment(f, { ...item, html: MARK });
  const marked = xmlCdata(MARK);
  const at = text.indexOf(marked);
  expect(at).toBeGreaterThanOrEqual(0);
  return { before: text.slice(0, at), after: text.slice(at + marked.length) };
}

function aroundAnswer(before: string, section: string, after: string, fragmentNamespaces: Namespaces): string | undefined {
  try {
    assertWellFormedAround(before, section, after, 'x.xml', fragmentNamespaces);
    return undefined;
  } catch (error) {
    if (!(error instanceof MalformedOutputError)) return `threw ${(error as Error).message}`;
    return /\((\d+:\d+: [\s\S]*)\)$/.exec(error.message)?.[1] ?? error.message;
  }
}

const withHtml = feedItem.filter((item) => item.html !== undefined && item.html !== '');

describe('the gate around a section answers as a saxes parse of the whole text', () => {
  it('on intact items, and on items whose text around the section or the section itself is damaged', () => {
    fc.assert(
      fc.property(format, withHtml, fc.boolean(), fc.option(damages, { nil: undefined }), fc.option(damages, { nil: undefined }), fc.option(damages, { nil: undefined }), (f, raw, clean, beforeDamage, afterDamage, sectionDamage) => {
        const item = clean ? cleaned(raw) : raw;
        if (!item.html) return;
        const parts = around(f, item);
        const before = beforeDamage ? applied(parts.before, beforeDamage) : parts.before;
        const after = afterDamage ? applied(parts.after, afterDamage) : parts.after;
        const section = sectionDamage ? applied(xmlCdata(item.html), sectionDamage) : xmlCdata(item.html);
        const xml = before + section + after;
        expect(aroundAnswer(before, section, after, namespacesOf(f)), JSON.stringify([before, section, after])).toBe(saxesAnswer(xml, namespacesOf(f)));
      }),
      { numRuns: 6000 },
    );
  });

  it.each([
    // The section is fine on its own; the text around puts it where a CDATA section cannot be.
    ['<item><!-- ', '<![CDATA[a -- b]]>', ' --></item>'],
    ['<item a="', '<![CDATA["]]>', '"/>'],
    ['<item><?pi ', '<![CDATA[?>]]>', '?></item>'],
    ['<![CDATA[x', '<![CDATA[a]]>', ']]><item/>'],
    ['<item>', '<![CDATA[a]]>', ''],
    // The text around is fine; the section is not one run of sections.
    ['<item>', '<![CDATA[a]]>b<![CDATA[c]]>', '</item>'],
    ['<item>', '<![CDATA[a]]>]]>', '</item>'],
    ['<item>', '<![CDATA[a', '</item>'],
    ['<item>', '<![CDATA[a]]><![CDATA[', '</item>'],
    ['<item>', '<![CDATA[\uD800]]>', '</item>'],
    ['<item>', '<![CDATA[\u0001]]>', '</item>'],
    ['<item>', 'x<![CDATA[a]]>', '</item>'],
    ['<item>\uD83D', '<![CDATA[a]]>', '</item>'],
    // Fine.
    ['<item>', '<![CDATA[a]]]]><![CDATA[>b]]>', '</item>'],
    ['<item><x>', '<![CDATA[]]>', '</x></item>'],
  ])('%j %j %j', (before, section, after) => {
    expect(aroundAnswer(before, section, after, namespacesOf('rss'))).toBe(saxesAnswer(before + section + after, namespacesOf('rss')));
  });
});

describe('serializeItem', () => {
  it('cuts each format\'s text for an item into chunks that join to exactly that text', () => {
    let cut = 0;
    fc.assert(
      fc.property(feedItem, (raw) => {
        const item = cleaned(raw);
        let fragments;
        try {
          fragments = serializeItem(item, 'post.md');
        } catch (error) {
          // Refused only when the writer's own text is refused.
          expect(error).toBeInstanceOf(MalformedOutputError);
          expect(XML_FORMATS.some((f) => saxesAnswer(fragment(f, item), namespacesOf(f)) !== undefined)).toBe(true);
          return;
        }
        for (const f of FORMAT_NAMES) {
          expect(Buffer.concat(fragments[f] as Uint8Array[]).toString('utf8')).toBe(FEED_FORMATS[f].item(item));
        }
        if (fragments.rss.length === 3) {
          cut += 1;
          expect(fragments.rss[1]).toBe(fragments.atom[1]);
          expect(Buffer.from(fragments.rss[1] as Uint8Array).toString('utf8')).toBe(xmlCdata(item.html!));
        }
      }),
      { numRuns: 1500 },
    );
    expect(cut).toBeGreaterThan(300);
  });

  it('refuses an item whose other fields hold the mark, as the whole text\'s gate does', () => {
    const item: FeedItem = {
      id: 'urn:x',
      url: 'https://example.org/a',
      title: `a${MARK}b`,
      date: new Date(0),
      summary: 's',
      html: '<p>x</p>',
      authors: [{ name: 'A' }],
      tags: [],
    };
    expect(() => serializeItem(item, 'post.md')).toThrow(/refusing to write the rss item of post\.md: the generated XML is not well-formed/);
    expect(() => serializeItem({ ...item, title: 'ab', summary: `s${MARK}` }, 'post.md')).toThrow(MalformedOutputError);
  });
});
