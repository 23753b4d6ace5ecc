// A feed's text → the plain data `check` looks at. Two readings, for two questions:
// - readAsWritten: postfeed's own feeds, every value exactly as written (fast-xml-parser keeping
//   strings, JSON.parse), because the lint judges what a reader would quietly normalize — feedsmith
//   drops an enclosure length "abc", turns a numeric JSON id into text and leaves out the version;
// - readItems: any generator's feed (RSS, RDF, Atom, JSON Feed) through feedsmith, for the
//   comparison with what is published; both sides of a comparison are read this way, so a
//   difference is never one of reading.
import { parseFeed, type AnyFeed } from 'feedsmith';
import { XMLParser } from 'fast-xml-parser';
import type { FeedFormat } from '../model.js';

/** A value as written and the element (or JSON key) it was written in. */
export interface Written {
  element: string;
  value: string;
}

export interface EnclosureAsWritten {
  element: string;
  url?: string;
  type?: string;
  /** As written: `"12"`, `"-5"`, `"abc"`; for JSON Feed the JSON text of the value. */
  length?: string;
}

/** What the lint needs of an item or entry, and of the feed itself. */
export interface PartAsWritten {
  /** Child elements (JSON keys) present, with a value or not. */
  elements: Set<string>;
  dates: Written[];
  /** URL-valued elements and attributes: each must be absolute. */
  urls: Written[];
  /** HTML text (RSS description, content:encoded, Atom content type="html", content_html): its URLs must be absolute. */
  html: Written[];
  enclosures: EnclosureAsWritten[];
  /** Self links (`atom:link rel="self"`, `feed_url`). */
  selfLinks: string[];
}

export interface ItemAsWritten extends PartAsWritten {
  /** RSS guid (else link), Atom id, JSON Feed id: non-empty, as written. */
  id?: string;
}

export interface FeedAsWritten extends PartAsWritten {
  format: FeedFormat;
  items: ItemAsWritten[];
}

export type ReadAsWritten = { feed: FeedAsWritten } | { wrongRoot: string };

// Every element an array and every value a string: the lint sees the document as written.
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  // fast-xml-parser ≥ 5.7 decodes numeric character references (`&#x26;`) only with this on.
  htmlEntities: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** An XML element as fast-xml-parser gives it: text alone, or attributes, text and children. */
type XmlNode = string | { [key: string]: unknown };

const children = (node: XmlNode | undefined, name: string): XmlNode[] =>
  typeof node === 'object' && Array.isArray(node[name]) ? (node[name] as XmlNode[]) : [];
const textOf = (node: XmlNode | undefined): string | undefined =>
  node === undefined ? undefined : typeof node === 'string' ? node : typeof node['#text'] === 'string' ? node['#text'] : '';
const attribute = (node: XmlNode | undefined, name: string): string | undefined =>
  typeof node === 'object' && typeof node[`@${name}`] === 'string' ? (node[`@${name}`] as string) : undefined;
const elementNames = (node: XmlNode | undefined): Set<string> =>
  new Set(typeof node === 'object' ? Object.keys(node).filter((key) => !key.startsWith('@') && key !== '#text') : []);

const emptyPart = (elements: Set<string>): PartAsWritten => ({ elements, dates: [], urls: [], html: [], enclosures: [], selfLinks: [] });

/** Records the text of each `names` child of `node` into `into`. */
function collect(node: XmlNode, names: readonly string[], into: Written[]): void {
  for (const name of names) {
    for (const child of children(node, name)) into.push({ element: name, value: textOf(child) ?? '' });
  }
}

/** Reads a well-formed XML or JSON feed of `format`; a document of another kind names its root. */
export function readAsWritten(text: string, format: FeedFormat): ReadAsWritten {
  if (format === 'json') return readJsonAsWritten(JSON.parse(text) as unknown);
  const document = xmlParser.parse(text) as Record<string, XmlNode[]>;
  const rootName = format === 'rss' ? 'rss' : 'feed';
  const root = document[rootName]?.[0];
  if (root === undefined) return { wrongRoot: Object.keys(document)[0] ?? '(none)' };
  return { feed: format === 'rss' ? readRss(root) : readAtom(root) };
}

function readRss(rss: XmlNode): FeedAsWritten {
  const channel = children(rss, 'channel')[0];
  const feed: FeedAsWritten = { format: 'rss', ...emptyPart(elementNames(channel)), items: [] };
  if (channel === undefined) return feed;
  collect(channel, ['link', 'docs'], feed.urls);
  collect(channel, ['pubDate', 'lastBuildDate'], feed.dates);
  for (const image of children(channel, 'image')) collect(image, ['url', 'link'], feed.urls);
  for (const link of children(channel, 'atom:link')) {
    const href = attribute(link, 'href') ?? '';
    feed.urls.push({ element: 'atom:link', value: href });
    if (attribute(link, 'rel') === 'self') feed.selfLinks.push(href);
  }
  feed.items = children(channel, 'item').map(readRssItem);
  return feed;
}

function readRssItem(node: XmlNode): ItemAsWritten {
  const item: ItemAsWritten = emptyPart(elementNames(node));
  const guid = children(node, 'guid')[0];
  const id = textOf(guid) || textOf(children(node, 'link')[0]);
  if (id) item.id = id;
  collect(node, ['link', 'comments'], item.urls);
  // A guid is a permalink unless it says otherwise (RSS 2.0), and then it is a URL.
  if (guid !== undefined && attribute(guid, 'isPermaLink') !== 'false') item.urls.push({ element: 'guid', value: textOf(guid) ?? '' });
  collect(node, ['pubDate'], item.dates);
  collect(node, ['description', 'content:encoded'], item.html);
  for (const enclosure of children(node, 'enclosure')) {
    const url = attribute(enclosure, 'url');
    if (url !== undefined) item.urls.push({ element: 'enclosure', value: url });
    item.enclosures.push(withDefined({ element: 'enclosure', url, type: attribute(enclosure, 'type'), length: attribute(enclosure, 'length') }));
  }
  return item;
}

function readAtom(root: XmlNode): FeedAsWritten {
  const feed: FeedAsWritten = { format: 'atom', ...readAtomPart(root), items: [] };
  collect(root, ['icon', 'logo'], feed.urls);
  feed.items = children(root, 'entry').map((entry) => {
    const part: ItemAsWritten = readAtomPart(entry);
    for (const element of ['content', 'summary']) {
      for (const node of children(entry, element)) {
        if (attribute(node, 'type') === 'html') part.html.push({ element, value: textOf(node) ?? '' });
        const src = attribute(node, 'src');
        if (src !== undefined) part.urls.push({ element, value: src });
      }
    }
    return part;
  });
  return feed;
}

/** What feed and entry have alike in Atom: id, updated, published, links and authors. */
function readAtomPart(node: XmlNode): ItemAsWritten {
  const part: ItemAsWritten = emptyPart(elementNames(node));
  const id = textOf(children(node, 'id')[0]);
  if (id) part.id = id;
  // An id is an IRI, and it must be absolute (RFC 4287 §4.2.6).
  collect(node, ['id'], part.urls);
  collect(node, ['updated', 'published'], part.dates);
  for (const author of [...children(node, 'author'), ...children(node, 'contributor')]) collect(author, ['uri'], part.urls);
  for (const link of children(node, 'link')) {
    const href = attribute(link, 'href') ?? '';
    const rel = attribute(link, 'rel');
    part.urls.push({ element: 'link', value: href });
    if (rel === 'self') part.selfLinks.push(href);
    if (rel === 'enclosure') {
      part.enclosures.push(withDefined({ element: 'link rel="enclosure"', url: href, type: attribute(link, 'type'), length: attribute(link, 'length') }));
    }
  }
  return part;
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function readJsonAsWritten(data: unknown): ReadAsWritten {
  if (!isObject(data)) return { wrongRoot: Array.isArray(data) ? 'a JSON list' : `a JSON ${data === null ? 'null' : typeof data}` };
  const feed: FeedAsWritten = { format: 'json', ...readJsonPart(data, ['home_page_url', 'feed_url', 'icon', 'favicon', 'next_url']), items: [] };
  if (typeof data.feed_url === 'string') feed.selfLinks.push(data.feed_url);
  if (Array.isArray(data.items)) feed.items = data.items.map((item) => readJsonItem(isObject(item) ? item : {}));
  else feed.elements.delete('items'); // Readers need a list, even an empty one.
  return { feed };
}

function readJsonItem(data: JsonObject): ItemAsWritten {
  const item: ItemAsWritten = readJsonPart(data, ['url', 'external_url', 'image', 'banner_image']);
  // JSON Feed 1.1: the id is a string; a number or an empty string is no id.
  if (typeof data.id === 'string' && data.id !== '') item.id = data.id;
  else item.elements.delete('id');
  for (const element of ['date_published', 'date_modified']) {
    if (data[element] !== undefined) item.dates.push({ element, value: String(data[element]) });
  }
  if (typeof data.content_html === 'string') item.html.push({ element: 'content_html', value: data.content_html });
  for (const attachment of Array.isArray(data.attachments) ? data.attachments : []) {
    const { url, mime_type: type, size_in_bytes: size } = isObject(attachment) ? attachment : {};
    if (typeof url === 'string') item.urls.push({ element: 'attachments.url', value: url });
    item.enclosures.push(
      withDefined({
        element: 'attachments',
        url: typeof url === 'string' ? url : undefined,
        type: typeof type === 'string' ? type : undefined,
        length: size === undefined ? undefined : JSON.stringify(size),
      }),
    );
  }
  return item;
}

/** The keys present, the URL-valued ones among `urlKeys`, and the authors' URLs. */
function readJsonPart(data: JsonObject, urlKeys: readonly string[]): PartAsWritten {
  const part = emptyPart(new Set(Object.keys(data)));
  for (const key of urlKeys) {
    if (data[key] !== undefined) part.urls.push({ element: key, value: String(data[key]) });
  }
  for (const author of Array.isArray(data.authors) ? data.authors : []) {
    if (isObject(author) && author.url !== undefined) part.urls.push({ element: 'authors.url', value: String(author.url) });
  }
  return part;
}

/** `value` without its undefined properties (the model's optional fields are absent, never undefined). */
function withDefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/** An item as the comparison sees it: the same reading for the published feed and the built one. */
export interface ComparableItem {
  id: string;
  link?: string;
  title?: string;
  /** Full content if the feed has it, else the summary. */
  content?: string;
  /** Publication date as written (RSS pubDate, Atom published, JSON date_published). */
  date?: string;
  /** Last change as written (Atom updated, JSON date_modified). */
  updated?: string;
}

export type ReadItems = { format: FeedFormat; items: ComparableItem[] } | { problem: string };

/**
 * The items of any RSS, RDF, Atom or JSON feed, newest first as the feed lists them. RDF (RSS 1.0)
 * is compared with the RSS feed; an item without an id falls back to its link, as readers do.
 */
export function readItems(text: string): ReadItems {
  let parsed: AnyFeed;
  try {
    parsed = parseFeed(text);
  } catch (error) {
    return { problem: `is not an RSS, Atom or JSON feed (${(error as Error).message})` };
  }
  const items: Array<Omit<ComparableItem, 'id'> & { id?: string | undefined }> = [];
  if (parsed.format === 'rss') {
    for (const item of parsed.feed.items ?? []) {
      const date = item.pubDate ?? item.dc?.dates?.[0];
      items.push({ id: item.guid?.value ?? item.link, link: item.link, title: item.title, content: item.content?.encoded ?? item.description, date });
    }
  } else if (parsed.format === 'rdf') {
    for (const item of parsed.feed.items ?? []) {
      items.push({ id: item.link, link: item.link, title: item.title, content: item.content?.encoded ?? item.description, date: item.dc?.dates?.[0] });
    }
  } else if (parsed.format === 'atom') {
    for (const entry of parsed.feed.entries ?? []) {
      const link = entry.links?.find((candidate) => candidate.rel === undefined || candidate.rel === 'alternate')?.href;
      const content = entry.content?.value ?? entry.summary?.value;
      items.push({ id: entry.id ?? link, link, title: entry.title?.value, content, date: entry.published ?? entry.updated, updated: entry.updated });
    }
  } else {
    for (const item of parsed.feed.items ?? []) {
      const content = item.content_html ?? item.content_text;
      items.push({ id: item.id ?? item.url, link: item.url, title: item.title, content, date: item.date_published, updated: item.date_modified });
    }
  }
  return {
    format: parsed.format === 'rdf' ? 'rss' : parsed.format,
    items: items.filter((item): item is ComparableItem => item.id !== undefined && item.id !== '').map(withDefined),
  };
}
