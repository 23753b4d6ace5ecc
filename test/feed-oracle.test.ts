// Differential test against the `feed` library (6.0.0), which wrote postfeed's RSS and Atom before
// postfeed wrote them itself. For every generated case (the fuzzer's hostile posts, plus images
// and a hostile site title): postfeed builds; the values of its own JSON Feed go, as a
// straightforward user of feed would pass them (raw strings), to `new Feed()` + `addItem()`;
// both RSS and both Atom documents are read through the same independent parser and compared
// field by field. Every difference must fall into exactly one documented category (DOCUMENTED
// below, by an explicit predicate); anything else fails with the case. The counts per category
// are logged at the end.
//
// FUZZ_RUNS (default 200 here) sets the cases; FUZZ_SEED replays a run; CI uses a fixed seed.
import fc from 'fast-check';
import { Feed, type Item } from 'feed';
import { describe, expect, it, vi } from 'vitest';
import type { BuildResult } from '../src/index.js';
import { BASE_CONFIG, decodeHtmlText as decodeHtml } from './helpers.js';
import { contentsOf, xmlProblems } from './fuzz/feeds.js';
import { BASE_URL, expectationFor } from './fuzz/model.js';
import { OracleProject, oracleCase, oraclePostFile, type OracleCase } from './oracle/project.js';
import { readAtom, readRss, type AtomEntry, type AtomText, type ReadEnclosure, type ReadPerson, type RssItem, wellFormednessProblems } from './oracle/read.js';
import { RUN_SEED } from './property-seed.js';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS || 200));
const BASE_SEED = RUN_SEED;
/** Apart from the fuzzer's three properties (BASE_SEED, +1, +2). */
const SEED = BASE_SEED + 10;
const TIMEOUT = Math.max(180_000, RUNS * 1000);

const SITE_AUTHOR = BASE_CONFIG.author as { name: string; email?: string };

/**
 * The documented differences between postfeed's output and feed's. 1–8 are the ones intended when
 * postfeed began writing RSS and Atom itself; 9 and 10 were first seen by this test: postfeed
 * documents the behaviour (README: names go in dc:creator; the RSS description is HTML, the
 * summary plain text) but the list of intended differences did not name them (FOUND_HERE).
 */
const DOCUMENTED = {
  1: 'Atom title/summary: postfeed type="text", feed type="html" with the text given raw (a reader honouring type="html" decodes it)',
  2: 'RSS title: plain character data with & and < as &#x26; &#x3C; (feed: CDATA); same text read back',
  3: 'every item has an author (the post\'s, else the site\'s); feed none for posts without one',
  4: 'Atom enclosure: the registered media type (feed: image/<extension>); length omitted when unknown (feed: length="0")',
  5: 'RSS guid: no isPermaLink when the id is the link (feed: always isPermaLink="false")',
  6: 'a literal &amp; in element text stays (feed\'s xml-js turns it into &)',
  7: 'feed\'s XML is not well-formed: < in a category term (Atom attribute) or more than one ]]> in a CDATA field',
  8: 'Atom dates without milliseconds when there are none (feed: .000Z); same instant',
  9: 'RSS description: postfeed escapes the plain-text summary as HTML, feed puts it in raw (so character references in it decode)',
  10: 'RSS item authors: postfeed writes the name in dc:creator, feed writes <author> ("email (name)" or the bare name)',
} as const;
type Category = keyof typeof DOCUMENTED;
const FOUND_HERE: ReadonlySet<Category> = new Set([9, 10]);

/** Observations per category: differences, cases with at least one, and differences by field. */
const counts = new Map<Category, { differences: number; cases: number; fields: Map<string, number> }>();

interface Difference {
  format: 'rss' | 'atom';
  where: string;
  field: string;
  postfeed: unknown;
  feed: unknown;
}

/** One case's differences, classified; problems are what no category explains or postfeed got wrong. */
class Comparison {
  readonly observed = new Map<Category, Map<string, number>>();
  readonly problems: string[] = [];

  /** postfeed's own output must carry the model's value. */
  expectPostfeed(format: string, where: string, field: string, actual: unknown, expected: unknown): void {
    if (canonical(actual) !== canonical(expected)) this.problems.push(`postfeed ${format} ${where}: ${field} ${show(actual)}, but its JSON Feed says ${show(expected)}`);
  }

  /** A difference between the two outputs: exactly one category's predicate must hold. */
  differ(difference: Difference, predicates: Partial<Record<Category, boolean>>): void {
    const matching = (Object.entries(predicates) as Array<[string, boolean]>).filter(([, holds]) => holds).map(([category]) => Number(category) as Category);
    const at = `${difference.format} ${difference.where}: ${difference.field}: postfeed ${show(difference.postfeed)}, feed ${show(difference.feed)}`;
    if (matching.length === 1) {
      const fields = this.observed.get(matching[0]!) ?? new Map<string, number>();
      // "author 1 name" and "category 3" count with "author 0 name" and "category 0".
      const field = `${difference.format} ${difference.field.replace(/ \d+/g, '')}`;
      fields.set(field, (fields.get(field) ?? 0) + 1);
      this.observed.set(matching[0]!, fields);
    }
    else if (matching.length === 0) this.problems.push(`unexplained difference: ${at}`);
    else this.problems.push(`difference in more than one category (${matching.join(', ')}): ${at}`);
  }

  /** Compares and, when unequal, classifies. */
  compare(difference: Omit<Difference, 'postfeed' | 'feed'>, postfeed: unknown, feed: unknown, predicates: () => Partial<Record<Category, boolean>>): void {
    if (canonical(postfeed) !== canonical(feed)) this.differ({ ...difference, postfeed, feed }, predicates());
  }
}

/** JSON with object keys sorted: equal values, equal text. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1))) : inner,
  ) ?? String(value);

const show = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 400 ? `${text.slice(0, 400)}…(${text.length} chars)` : text;
};

// ---------------------------------------------------------------- the model: postfeed's JSON Feed

interface JsonAuthor {
  name: string;
  url?: string;
}
interface JsonItem {
  id: string;
  url: string;
  title: string;
  summary: string;
  content_html?: string;
  date_published: string;
  date_modified?: string;
  authors: JsonAuthor[];
  tags?: string[];
  attachments?: Array<{ url: string; mime_type: string; size_in_bytes?: number }>;
}
interface JsonFeed {
  title: string;
  home_page_url: string;
  feed_url: string;
  description?: string;
  language: string;
  items: JsonItem[];
}

/** The model item, with what the generated input says about it. */
interface ModelItem {
  json: JsonItem;
  /** The post named its own authors (from the input, not from postfeed's output). */
  namedAuthors: boolean;
  authors: Array<{ name: string; email?: string }>;
  tags: string[];
  content: string;
  enclosure?: { url: string; type: string; length: number };
}

const emailOf = (author: JsonAuthor) => (author.url?.startsWith('mailto:') ? author.url.slice('mailto:'.length) : undefined);

function modelItems(input: OracleCase, json: JsonFeed): ModelItem[] {
  return json.items.map((item) => {
    const index = Number(/\/posts\/p(\d+)\/$/.exec(item.url)?.[1]);
    const post = input.posts[index]?.post;
    if (!post) throw new Error(`JSON item ${item.url} matches no generated post`);
    const namedAuthors = post.author !== null && (post.author.key === 'author' || post.author.value.length > 0);
    const attachment = item.attachments?.[0];
    return {
      json: item,
      namedAuthors,
      authors: item.authors.map((author) => {
        const email = emailOf(author);
        return { name: author.name, ...(email ? { email } : {}) };
      }),
      tags: item.tags ?? [],
      content: item.content_html ?? '',
      ...(attachment ? { enclosure: { url: attachment.url, type: attachment.mime_type, length: attachment.size_in_bytes ?? 0 } } : {}),
    };
  });
}

// ---------------------------------------------------------------- the oracle: feed 6, used plainly

function feedItem(item: ModelItem): Item {
  const { json } = item;
  return {
    title: json.title,
    id: json.id,
    link: json.url,
    // feed: `date` is Atom's updated (and RSS pubDate unless `published` is given).
    date: new Date(json.date_modified ?? json.date_published),
    published: new Date(json.date_published),
    description: json.summary,
    ...(json.content_html !== undefined ? { content: json.content_html } : {}),
    ...(item.namedAuthors ? { author: item.authors.map((author) => ({ name: author.name, ...(author.email ? { email: author.email } : {}) })) } : {}),
    category: item.tags.map((tag) => ({ name: tag, term: tag })),
    ...(item.enclosure ? { enclosure: { ...item.enclosure } } : {}),
  };
}

function oracleFeed(json: JsonFeed, items: readonly ModelItem[]): Feed {
  const feed = new Feed({
    title: json.title,
    id: BASE_URL,
    link: json.home_page_url,
    ...(json.description ? { description: json.description } : {}),
    language: json.language,
    updated: new Date(Math.max(0, ...items.map((item) => Date.parse(item.json.date_modified ?? item.json.date_published)))),
    generator: 'feed-oracle',
    feedLinks: { rss: `${BASE_URL}rss.xml`, atom: `${BASE_URL}atom.xml` },
    author: { name: SITE_AUTHOR.name, ...(SITE_AUTHOR.email ? { email: SITE_AUTHOR.email } : {}) },
  });
  for (const item of items) feed.addItem(feedItem(item));
  return feed;
}

// ---------------------------------------------------------------- predicates

/** What xml-js does to element text: every `&amp;` becomes `&` ("desanitize"). */
const desanitized = (text: string) => text.replaceAll('&amp;', '&');
/** Category 6: the difference is exactly xml-js's desanitizing of a literal `&amp;`. */
const ampersandLost = (model: string, postfeed: unknown, feed: unknown) =>
  model.includes('&amp;') && postfeed === model && feed === desanitized(model);

const countCdataEnds = (text: string) => text.split(']]>').length - 1;

/** The fields of this item that keep feed from writing it well-formed (category 7). */
function malformedFields(format: 'rss' | 'atom', item: ModelItem): Skipped {
  const fields = new Set<'title' | 'summary' | 'content' | 'categories'>();
  // feed's Atom writes the term (and the label, from the same name) unescaped but for & and ".
  if (format === 'atom' && item.tags.some((tag) => tag.includes('<'))) fields.add('categories');
  // xml-js splits only the first ]]> of a CDATA section.
  if (countCdataEnds(item.json.title) > 1) fields.add('title');
  if (countCdataEnds(item.json.summary) > 1) fields.add('summary');
  if (countCdataEnds(item.content) > 1) fields.add('content');
  return fields;
}

/** The item with just those fields neutralized: feed must then write it well-formed. */
function neutralized(item: ModelItem, fields: Skipped): ModelItem {
  const defuse = (text: string) => text.replaceAll(']]>', ']]›');
  const json = { ...item.json };
  if (fields.has('title')) json.title = defuse(json.title);
  if (fields.has('summary')) json.summary = defuse(json.summary);
  if (fields.has('content') && json.content_html !== undefined) json.content_html = defuse(json.content_html);
  return {
    ...item,
    json,
    tags: fields.has('categories') ? item.tags.map((tag) => tag.replaceAll('<', '‹')) : item.tags,
    content: fields.has('content') ? defuse(item.content) : item.content,
  };
}

const wellFormed = (xml: string) => wellFormednessProblems(xml).length === 0;
const writeFeed = (feed: Feed, format: 'rss' | 'atom') => (format === 'rss' ? feed.rss2() : feed.atom1());

// ---------------------------------------------------------------- comparisons

/** postfeed's RSS item carries its JSON Feed's values. */
function checkRssItem(c: Comparison, item: ModelItem, ours: RssItem): void {
  const { json } = item;
  const where = json.url;
  c.expectPostfeed('rss', where, 'guid', ours.guid, json.id);
  c.expectPostfeed('rss', where, 'isPermaLink', ours.isPermaLink, json.id === json.url ? undefined : 'false');
  c.expectPostfeed('rss', where, 'title', ours.title.text, json.title);
  c.expectPostfeed('rss', where, 'title in CDATA', ours.title.cdata, false);
  c.expectPostfeed('rss', where, 'description', ours.description, json.summary);
  c.expectPostfeed('rss', where, 'content', ours.content, item.content);
  c.expectPostfeed('rss', where, 'pubDate', ours.pubDate, new Date(json.date_published).toUTCString());
  c.expectPostfeed('rss', where, 'authors', ours.authors, item.authors.map((author) => ({ name: author.name, element: 'dc:creator' })));
  c.expectPostfeed('rss', where, 'categories', ours.categories, item.tags);
  c.expectPostfeed('rss', where, 'enclosure', ours.enclosure, item.enclosure && { url: item.enclosure.url, length: String(item.enclosure.length), type: item.enclosure.type });
}

/** Fields of an item that feed could only write once they were neutralized (category 7): not compared. */
type Skipped = ReadonlySet<'title' | 'summary' | 'content' | 'categories'>;

function compareRssItem(c: Comparison, item: ModelItem, ours: RssItem, theirs: RssItem, skip: Skipped): void {
  const { json } = item;
  const where = json.url;
  const at = (field: string) => ({ format: 'rss' as const, where, field });

  c.compare(at('link'), ours.link, theirs.link, () => ({}));
  c.compare(at('guid'), ours.guid, theirs.guid, () => ({ 6: ampersandLost(json.id, ours.guid, theirs.guid) }));
  c.compare(at('guid isPermaLink'), ours.isPermaLink, theirs.isPermaLink, () => ({
    5: json.id === json.url && ours.isPermaLink === undefined && theirs.isPermaLink === 'false',
  }));
  if (!skip.has('title')) {
    c.compare(at('title'), ours.title.text, theirs.title.text, () => ({}));
    // The form: equal text, CDATA in feed's, character data (with references) in postfeed's.
    c.compare(at('title form'), ours.title.cdata ? 'CDATA' : 'character data', theirs.title.cdata ? 'CDATA' : 'character data', () => ({
      2: !ours.title.cdata && theirs.title.cdata && ours.title.text === theirs.title.text,
    }));
  }
  if (!skip.has('summary')) {
    c.compare(at('description'), ours.description, theirs.description, () => ({
      9: ours.description === json.summary && theirs.description === decodeHtml(json.summary),
    }));
  }
  if (!skip.has('content')) c.compare(at('content:encoded'), ours.content, theirs.content, () => ({}));
  c.compare(at('pubDate'), ours.pubDate, theirs.pubDate, () => ({}));
  compareRssAuthors(c, item, ours.authors, theirs.authors);
  c.compare(at('category count'), ours.categories.length, theirs.categories.length, () => ({}));
  if (!skip.has('categories')) ours.categories.forEach((tag, index) => {
    c.compare(at(`category ${index}`), tag, theirs.categories[index], () => ({ 6: ampersandLost(item.tags[index] ?? '', tag, theirs.categories[index]) }));
  });
  compareEnclosure(c, at, ours.enclosure, theirs.enclosure, item, 'rss');
}

function compareRssAuthors(c: Comparison, item: ModelItem, ours: ReadPerson[], theirs: ReadPerson[]): void {
  const at = (field: string) => ({ format: 'rss' as const, where: item.json.url, field });
  if (!item.namedAuthors) {
    c.compare(at('authors'), ours, theirs, () => ({ 3: theirs.length === 0 && canonical(ours) === canonical([{ name: SITE_AUTHOR.name, element: 'dc:creator' }]) }));
    return;
  }
  c.compare(at('author count'), ours.length, theirs.length, () => ({}));
  ours.forEach((person, index) => {
    const other = theirs[index];
    const model = item.authors[index];
    if (!other || !model) return;
    c.compare(at(`author ${index} element`), person.element, other.element, () => ({ 10: person.element === 'dc:creator' && other.element === 'author' }));
    c.compare(at(`author ${index} email`), person.email, other.email, () => ({
      10: person.element === 'dc:creator' && person.email === undefined && other.element === 'author' && other.email === model.email,
    }));
    c.compare(at(`author ${index} name`), person.name, other.name, () => ({ 6: ampersandLost(model.name, person.name, other.name) }));
  });
}

/** postfeed's Atom entry carries its JSON Feed's values. */
function checkAtomEntry(c: Comparison, item: ModelItem, ours: AtomEntry): void {
  const { json } = item;
  const where = json.url;
  c.expectPostfeed('atom', where, 'id', ours.id, json.id);
  c.expectPostfeed('atom', where, 'title', [ours.title.type, ours.title.shown], ['text', json.title]);
  c.expectPostfeed('atom', where, 'summary', [ours.summary.type, ours.summary.shown], ['text', json.summary]);
  c.expectPostfeed('atom', where, 'content', ours.content, item.content);
  // The same RFC 3339 text as JSON Feed's: UTC, without milliseconds when there are none.
  c.expectPostfeed('atom', where, 'published', ours.published, json.date_published);
  c.expectPostfeed('atom', where, 'updated', ours.updated, json.date_modified ?? json.date_published);
  c.expectPostfeed('json', where, 'date_published', json.date_published, new Date(json.date_published).toISOString().replace('.000Z', 'Z'));
  c.expectPostfeed('atom', where, 'authors', ours.authors, item.authors);
  c.expectPostfeed('atom', where, 'categories', ours.categories, item.tags);
  c.expectPostfeed(
    'atom',
    where,
    'enclosure',
    ours.enclosure,
    item.enclosure && { url: item.enclosure.url, type: item.enclosure.type, ...(item.enclosure.length > 0 ? { length: String(item.enclosure.length) } : {}) },
  );
}

function compareAtomEntry(c: Comparison, item: ModelItem, ours: AtomEntry, theirs: AtomEntry, skip: Skipped): void {
  const { json } = item;
  const where = json.url;
  const at = (field: string) => ({ format: 'atom' as const, where, field });

  c.compare(at('link'), ours.link, theirs.link, () => ({}));
  c.compare(at('id'), ours.id, theirs.id, () => ({}));
  if (!skip.has('title')) compareAtomText(c, at, 'title', ours.title, theirs.title, json.title);
  if (!skip.has('summary')) compareAtomText(c, at, 'summary', ours.summary, theirs.summary, json.summary);
  if (!skip.has('content')) c.compare(at('content'), ours.content, theirs.content, () => ({}));
  for (const field of ['published', 'updated'] as const) {
    c.compare(at(field), ours[field], theirs[field], () => ({
      8: Date.parse(ours[field]) === Date.parse(theirs[field]) && theirs[field].endsWith('.000Z') && ours[field] === theirs[field].replace('.000Z', 'Z'),
    }));
  }
  if (!item.namedAuthors) {
    c.compare(at('authors'), ours.authors, theirs.authors, () => ({
      3: theirs.authors.length === 0 && canonical(ours.authors) === canonical([{ name: SITE_AUTHOR.name, ...(SITE_AUTHOR.email ? { email: SITE_AUTHOR.email } : {}) }]),
    }));
  } else {
    c.compare(at('author count'), ours.authors.length, theirs.authors.length, () => ({}));
    ours.authors.forEach((person, index) => {
      const other = theirs.authors[index];
      const model = item.authors[index];
      if (!other || !model) return;
      c.compare(at(`author ${index} name`), person.name, other.name, () => ({ 6: ampersandLost(model.name, person.name, other.name) }));
      c.compare(at(`author ${index} email`), person.email, other.email, () => ({}));
    });
  }
  if (!skip.has('categories')) c.compare(at('categories'), ours.categories, theirs.categories, () => ({}));
  else c.compare(at('category count'), ours.categories.length, theirs.categories.length, () => ({}));
  compareEnclosure(c, at, ours.enclosure, theirs.enclosure, item, 'atom');
}

/** Category 1 is the declared type; the text given is the same, and a type-honouring reader decodes feed's. */
function compareAtomText(c: Comparison, at: (field: string) => Omit<Difference, 'postfeed' | 'feed'>, field: string, ours: AtomText, theirs: AtomText, model: string): void {
  // feed leaves out an empty summary; a reader sees no text either way.
  if (theirs.type === '(absent)' && model === '' && ours.shown === '') return;
  c.compare(at(`${field} type`), ours.type, theirs.type, () => ({ 1: ours.type === 'text' && theirs.type === 'html' && theirs.raw === model }));
  c.compare(at(`${field} text as given`), ours.raw, theirs.raw, () => ({}));
  c.compare(at(`${field} text as shown`), ours.shown, theirs.shown, () => ({
    1: ours.type === 'text' && theirs.type === 'html' && ours.shown === model && theirs.shown === decodeHtml(model),
  }));
}

function compareEnclosure(
  c: Comparison,
  at: (field: string) => Omit<Difference, 'postfeed' | 'feed'>,
  ours: ReadEnclosure | undefined,
  theirs: ReadEnclosure | undefined,
  item: ModelItem,
  format: 'rss' | 'atom',
): void {
  c.compare(at('enclosure present'), ours !== undefined, theirs !== undefined, () => ({}));
  if (!ours || !theirs || !item.enclosure) return;
  c.compare(at('enclosure url'), ours.url, theirs.url, () => ({}));
  // feed's Atom type: "image/" + whatever follows the last "." of the URL's path.
  const derived = `image/${new URL(item.enclosure.url).pathname.split('.').slice(-1)[0]}`;
  c.compare(at('enclosure type'), ours.type, theirs.type, () => ({ 4: format === 'atom' && ours.type === item.enclosure!.type && theirs.type === derived }));
  c.compare(at('enclosure length'), ours.length, theirs.length, () => ({
    4: format === 'atom' && item.enclosure!.length === 0 && ours.length === undefined && theirs.length === '0',
  }));
}

// ---------------------------------------------------------------- one case

interface Documents {
  /** Items of feed's document(s) that could be read, by link, with the fields not to compare. */
  rss: Map<string, { item: RssItem; skip: Skipped }>;
  atom: Map<string, { item: AtomEntry; skip: Skipped }>;
  rssTitle?: ReturnType<typeof readRss>['title'];
  atomTitle?: ReturnType<typeof readAtom>['title'];
}

const NOTHING_SKIPPED: Skipped = new Set();

/**
 * feed's RSS and Atom for the items. A document that is not well-formed must be category 7: then
 * every item is written alone; one that is still not well-formed must have a cause of category 7
 * and be well-formed once just the fields with that cause are neutralized. That version is read,
 * and every other field of the item compared.
 */
function oracleDocuments(c: Comparison, json: JsonFeed, items: ModelItem[]): Documents {
  const documents: Documents = { rss: new Map(), atom: new Map() };
  for (const format of ['rss', 'atom'] as const) {
    const whole = writeFeed(oracleFeed(json, items), format);
    const parts: Array<{ xml: string; skip: Skipped }> = [];
    if (wellFormed(whole)) parts.push({ xml: whole, skip: NOTHING_SKIPPED });
    else {
      // The channel alone, for its title; then each item alone.
      parts.push({ xml: writeFeed(oracleFeed(json, []), format), skip: NOTHING_SKIPPED });
      let explained = false;
      for (const item of items) {
        const alone = writeFeed(oracleFeed(json, [item]), format);
        if (wellFormed(alone)) {
          parts.push({ xml: alone, skip: NOTHING_SKIPPED });
          continue;
        }
        const fields = malformedFields(format, item);
        const repaired = writeFeed(oracleFeed(json, [neutralized(item, fields)]), format);
        if (fields.size > 0 && wellFormed(repaired)) {
          const cause = [...fields].map((field) => (field === 'categories' ? '< in a category term' : `${countCdataEnds(field === 'content' ? item.content : item.json[field])} × ]]> in the ${field}`));
          c.differ({ format, where: item.json.url, field: 'well-formedness', postfeed: 'well-formed', feed: `not well-formed (${cause.join(', ')})` }, { 7: true });
          parts.push({ xml: repaired, skip: fields });
          explained = true;
        } else {
          c.problems.push(`feed's ${format} for ${item.json.url} is not well-formed and no documented cause explains it: ${wellFormednessProblems(alone).slice(0, 3).join('; ')}`);
        }
      }
      if (!explained && c.problems.length === 0) c.problems.push(`feed's whole ${format} document is not well-formed, yet every item alone is`);
    }
    for (const part of parts) {
      if (format === 'rss') {
        const read = readRss(part.xml);
        documents.rssTitle ??= read.title;
        for (const item of read.items) documents.rss.set(item.link, { item, skip: part.skip });
      } else {
        const read = readAtom(part.xml);
        documents.atomTitle ??= read.title;
        for (const entry of read.entries) documents.atom.set(entry.link, { item: entry, skip: part.skip });
      }
    }
  }
  return documents;
}

function checkCase(input: OracleCase, result: BuildResult): Comparison {
  const c = new Comparison();
  const posts = input.posts.map((oraclePost) => oraclePost.post);
  const expectation = expectationFor(posts);
  // Light check of postfeed against the fuzzer's model (the fuzzer checks the rest).
  if (result.ok !== (expectation.errors.size === 0)) {
    c.problems.push(`postfeed: ok is ${result.ok}, the fuzzer's model expects errors ${show([...expectation.errors])}; diagnostics ${show(result.diagnostics.filter((d) => d.severity === 'error'))}`);
  }
  if (!result.ok) return c;

  const ourRssXml = contentsOf(result, 'rss');
  const ourAtomXml = contentsOf(result, 'atom');
  for (const [format, xml] of [['rss', ourRssXml], ['atom', ourAtomXml]] as const) {
    for (const problem of xmlProblems(xml)) c.problems.push(`postfeed ${format} is not well-formed: ${problem}`);
  }
  if (c.problems.length > 0) return c;

  const json = JSON.parse(contentsOf(result, 'json')) as JsonFeed;
  const items = modelItems(input, json);
  for (const expected of expectation.items) {
    const item = items.find((candidate) => candidate.json.url === expected.link);
    if (!item) {
      c.problems.push(`postfeed JSON: no item ${expected.link}`);
      continue;
    }
    c.expectPostfeed('json', expected.link, 'id', item.json.id, expected.id);
    c.expectPostfeed('json', expected.link, 'title', item.json.title, expected.title);
    c.expectPostfeed('json', expected.link, 'authors', item.authors, expected.authors);
    c.expectPostfeed('json', expected.link, 'tags', item.tags, expected.tags);
    c.expectPostfeed('json', expected.link, 'date', Date.parse(item.json.date_published), expected.date);
  }
  const oursRss = readRss(ourRssXml);
  const oursAtom = readAtom(ourAtomXml);
  c.expectPostfeed('rss', '(channel)', 'item count', oursRss.items.length, items.length);
  c.expectPostfeed('atom', '(feed)', 'entry count', oursAtom.entries.length, items.length);
  c.expectPostfeed('rss', '(channel)', 'title', oursRss.title.text, json.title);
  c.expectPostfeed('atom', '(feed)', 'title', [oursAtom.title.type, oursAtom.title.shown], ['text', json.title]);

  const theirs = oracleDocuments(c, json, items);
  if (theirs.rssTitle) {
    c.compare({ format: 'rss', where: '(channel)', field: 'channel title' }, oursRss.title.text, theirs.rssTitle.text, () => ({
      6: ampersandLost(json.title, oursRss.title.text, theirs.rssTitle!.text),
    }));
  }
  if (theirs.atomTitle) {
    c.compare({ format: 'atom', where: '(feed)', field: 'feed title' }, [oursAtom.title.type, oursAtom.title.shown], [theirs.atomTitle.type, theirs.atomTitle.shown], () => ({
      6: oursAtom.title.type === theirs.atomTitle!.type && ampersandLost(json.title, oursAtom.title.shown, theirs.atomTitle!.shown),
    }));
  }
  for (const item of items) {
    const ourRss = oursRss.items.find((candidate) => candidate.link === item.json.url);
    const theirRss = theirs.rss.get(item.json.url);
    if (!ourRss) c.problems.push(`postfeed rss: no item ${item.json.url}`);
    else checkRssItem(c, item, ourRss);
    if (!theirRss) c.problems.push(`rss ${item.json.url}: missing from feed's output`);
    if (ourRss && theirRss) compareRssItem(c, item, ourRss, theirRss.item, theirRss.skip);

    const ourAtom = oursAtom.entries.find((candidate) => candidate.link === item.json.url);
    const theirAtom = theirs.atom.get(item.json.url);
    if (!ourAtom) c.problems.push(`postfeed atom: no entry ${item.json.url}`);
    else checkAtomEntry(c, item, ourAtom);
    if (!theirAtom) c.problems.push(`atom ${item.json.url}: missing from feed's output`);
    if (ourAtom && theirAtom) compareAtomEntry(c, item, ourAtom, theirAtom.item, theirAtom.skip);
  }
  return c;
}

function failure(input: OracleCase, problems: string[]): Error {
  const files = input.posts.map((post, index) => `--- posts/p${index}.md ---\n${JSON.stringify(oraclePostFile(post, index)).slice(0, 3000)}`).join('\n');
  return new Error(
    `${problems.slice(0, 30).join('\n')}${problems.length > 30 ? `\n… ${problems.length - 30} more` : ''}\nsite title: ${JSON.stringify(input.siteTitle)}\n${files}`,
  );
}

// ---------------------------------------------------------------- the test

describe(`feed oracle: postfeed's RSS and Atom against feed 6.0.0 (${RUNS} cases)`, () => {
  it('every difference from feed is one of the documented ones', { timeout: TIMEOUT }, async () => {
    const project = new OracleProject();
    const started = performance.now();
    let runs = 0;
    let built = 0;
    let items = 0;
    // parse-srcset (under sanitize-html) console.logs every malformed srcset: muted while the cases run.
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await fc.assert(
        fc.asyncProperty(oracleCase, async (input) => {
          runs++;
          const result = await project.build(input);
          const comparison = checkCase(input, result);
          if (comparison.problems.length > 0) throw failure(input, comparison.problems);
          if (result.ok) {
            built++;
            items += result.files.find((file) => file.format === 'json')?.items ?? 0;
          }
          for (const [category, fields] of comparison.observed) {
            const count = counts.get(category) ?? { differences: 0, cases: 0, fields: new Map<string, number>() };
            for (const [field, n] of fields) {
              count.differences += n;
              count.fields.set(field, (count.fields.get(field) ?? 0) + n);
            }
            count.cases += 1;
            counts.set(category, count);
          }
        }),
        { numRuns: RUNS, seed: SEED, includeErrorInReport: true },
      );
    } finally {
      log.mockRestore();
    }
    const seconds = (performance.now() - started) / 1000;
    const lines = (Object.keys(DOCUMENTED) as unknown as Category[]).map((key) => {
      const category = Number(key) as Category;
      const count = counts.get(category);
      const fields = [...(count?.fields ?? [])].sort(([a], [b]) => (a < b ? -1 : 1)).map(([field, n]) => `${field} ${n}`);
      return (
        `${FOUND_HERE.has(category) ? '*' : ' '} ${String(category).padStart(2)}: ${String(count?.differences ?? 0).padStart(5)} difference(s) in ${String(count?.cases ?? 0).padStart(4)} case(s) — ${DOCUMENTED[category]}` +
        (fields.length > 0 ? `\n        (${fields.join('; ')})` : '')
      );
    });
    console.log(
      `feed oracle (FUZZ_SEED=${BASE_SEED} FUZZ_RUNS=${RUNS}): ${runs} cases, ${built} built (${items} items), ${runs - built} refused as the fuzzer's model expects, in ${seconds.toFixed(1)} s\n${lines.join('\n')}\n  (* first seen by this test, not in the list of intended differences)`,
    );
    const observed = [...counts.keys()];
    expect(observed.filter((category) => !(category in DOCUMENTED))).toEqual([]);
    expect(built).toBeGreaterThan(0);
  });
});
