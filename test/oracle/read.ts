// Reading RSS and Atom for the differential test (feed-oracle.test.ts): the same independent
// parser (fast-xml-parser) for postfeed's output and for the `feed` library's, keeping what the
// comparison needs to tell the documented differences apart — whether a text came as CDATA, an
// Atom text construct's declared type, the element an RSS author came in, enclosure attributes.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { decodeHtmlText } from '../helpers.js';
import { FEED_PARSER_OPTIONS } from '../fuzz/feeds.js';

// The fuzzer's reader options, with CDATA kept apart from character data so the form of a title can be told.
const parser = new XMLParser({ ...FEED_PARSER_OPTIONS, cdataPropName: '#cdata' });

/** Element text as XML delivers it, and whether it came in CDATA sections. */
export interface XmlText {
  text: string;
  cdata: boolean;
}

/** An Atom text construct: its declared type, the text as XML delivers it, and what a reader shows. */
export interface AtomText {
  type: string;
  raw: string;
  shown: string;
}

export interface ReadPerson {
  name: string;
  email?: string;
  /** RSS only: the element the name came in. */
  element?: 'dc:creator' | 'author';
}

export interface ReadEnclosure {
  url?: string;
  type?: string;
  length?: string;
}

export interface RssItem {
  link: string;
  guid: string;
  isPermaLink?: string;
  title: XmlText;
  /** description, HTML-decoded as a reader shows it. */
  description: string;
  /** content:encoded; '' when absent. */
  content: string;
  pubDate: string;
  authors: ReadPerson[];
  categories: string[];
  enclosure?: ReadEnclosure;
}

export interface AtomEntry {
  link: string;
  id: string;
  title: AtomText;
  summary: AtomText;
  content: string;
  published: string;
  updated: string;
  authors: ReadPerson[];
  categories: string[];
  enclosure?: ReadEnclosure;
}

type Element = Record<string, unknown>;

const list = (node: unknown): unknown[] => (Array.isArray(node) ? node : node === undefined ? [] : [node]);
const attribute = (node: unknown, name: string): string | undefined =>
  node && typeof node === 'object' && `@${name}` in node ? String((node as Element)[`@${name}`]) : undefined;

function xmlText(node: unknown): XmlText {
  if (node === undefined || node === null) return { text: '', cdata: false };
  if (typeof node === 'string') return { text: node, cdata: false };
  const element = node as Element;
  const hasText = '#text' in element;
  const hasCdata = '#cdata' in element;
  // Neither writer mixes the two in one element; the parser would lose their order if one did.
  if (hasText && hasCdata && String(element['#text']).trim() !== '') throw new Error(`mixed character data and CDATA: ${JSON.stringify(element)}`);
  if (hasCdata) return { text: list(element['#cdata']).map(String).join(''), cdata: true };
  return { text: hasText ? String(element['#text']) : '', cdata: false };
}

function atomText(node: unknown): AtomText {
  const type = attribute(node, 'type') ?? 'text';
  const raw = xmlText(node).text;
  if (type === 'html') return { type, raw, shown: decodeHtmlText(raw) };
  if (type === 'text') return { type, raw, shown: raw };
  throw new Error(`unexpected Atom text type "${type}"`);
}

function enclosureOf(node: unknown, urlAttribute: 'url' | 'href'): ReadEnclosure {
  const url = attribute(node, urlAttribute);
  const type = attribute(node, 'type');
  const length = attribute(node, 'length');
  return { ...(url !== undefined ? { url } : {}), ...(type !== undefined ? { type } : {}), ...(length !== undefined ? { length } : {}) };
}

/** RSS `<author>`: "email (name)" or a bare name (what feed writes). */
function rssAuthor(text: string): ReadPerson {
  const match = /^(\S+@\S+) \((.*)\)$/su.exec(text);
  return match ? { name: match[2]!, email: match[1]!, element: 'author' } : { name: text, element: 'author' };
}

export function readRss(xml: string): { title: XmlText; items: RssItem[] } {
  const channel = (parser.parse(xml) as { rss: { channel: Element } }).rss.channel;
  return {
    title: xmlText(channel.title),
    items: list(channel.item).map((node) => {
      const item = node as Element;
      const isPermaLink = attribute(item.guid, 'isPermaLink');
      return {
        link: xmlText(list(item.link)[0]).text,
        guid: xmlText(item.guid).text,
        ...(isPermaLink !== undefined ? { isPermaLink } : {}),
        title: xmlText(item.title),
        description: decodeHtmlText(xmlText(item.description).text),
        content: xmlText(item['content:encoded']).text,
        pubDate: xmlText(item.pubDate).text,
        authors: [
          ...list(item['dc:creator']).map((creator): ReadPerson => ({ name: xmlText(creator).text, element: 'dc:creator' })),
          ...list(item.author).map((author) => rssAuthor(xmlText(author).text)),
        ],
        categories: list(item.category).map((category) => xmlText(category).text),
        ...(item.enclosure !== undefined ? { enclosure: enclosureOf(item.enclosure, 'url') } : {}),
      };
    }),
  };
}

export function readAtom(xml: string): { title: AtomText; entries: AtomEntry[] } {
  const feed = (parser.parse(xml) as { feed: Element }).feed;
  return {
    title: atomText(feed.title),
    entries: list(feed.entry).map((node) => {
      const entry = node as Element;
      const links = list(entry.link);
      const alternate = links.find((link) => (attribute(link, 'rel') ?? 'alternate') === 'alternate');
      const enclosure = links.find((link) => attribute(link, 'rel') === 'enclosure');
      if (entry.content !== undefined && attribute(entry.content, 'type') !== 'html') {
        throw new Error(`Atom content type is ${attribute(entry.content, 'type')}, expected html`);
      }
      return {
        link: attribute(alternate, 'href') ?? '',
        id: xmlText(entry.id).text,
        title: atomText(entry.title),
        summary: entry.summary === undefined ? { type: '(absent)', raw: '', shown: '' } : atomText(entry.summary),
        content: xmlText(entry.content).text,
        published: xmlText(entry.published).text,
        updated: xmlText(entry.updated).text,
        authors: list(entry.author).map((author): ReadPerson => {
          const fields = author as Element;
          return { name: xmlText(fields.name).text, ...(fields.email !== undefined ? { email: xmlText(fields.email).text } : {}) };
        }),
        categories: list(entry.category).map((category) => attribute(category, 'term') ?? ''),
        ...(enclosure !== undefined ? { enclosure: enclosureOf(enclosure, 'href') } : {}),
      };
    }),
  };
}

/**
 * Why `xml` is not well-formed (namespace-correct XML 1.0), by two parsers; empty when it is.
 * Unlike the fuzzer's xmlProblems, no textual scan for character references: `&#1;` inside a
 * CDATA section is text, which feed writes whenever a given string contains it.
 */
export function wellFormednessProblems(xml: string): string[] {
  const problems: string[] = [];
  const validation = XMLValidator.validate(xml);
  if (validation !== true) problems.push(`fast-xml-parser XMLValidator: ${validation.err.code} ${validation.err.msg} (line ${validation.err.line}, column ${validation.err.col})`);
  const saxes = new SaxesParser({ xmlns: true, position: true });
  saxes.on('error', (error) => {
    if (problems.length < 10) problems.push(`saxes: ${error.message}`);
  });
  saxes.write(xml).close();
  return problems;
}
