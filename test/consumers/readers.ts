// Real feed consumers, each reduced to what a person would see: the feed's title and, per item,
// its link, title, categories and authors. Values are passed through as the consumer gives them.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { extractFromJson, extractFromXml } from '@extractus/feed-extractor';
import FeedParser from 'feedparser';
import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import RssParser from 'rss-parser';
import { tempDir } from '../helpers.js';

export type FeedFormat = 'rss' | 'atom' | 'json';

export interface ReadItem {
  link: string;
  title: string;
  categories: string[];
  authors: string[];
}

export interface ReadFeed {
  /** Undefined where the consumer does not expose the feed's own title. */
  title: string | undefined;
  items: ReadItem[];
}

/** Reads the feed file at `file`. */
export type FeedReader = (file: string) => Promise<ReadFeed>;

export interface Consumer {
  name: string;
  /** Debian commands the consumer needs (`.ci/run` installs them); none for npm packages. */
  commands: string[];
  /** A reader per format; a format the consumer cannot read names why instead. */
  formats: Record<FeedFormat, FeedReader | { cannot: string }>;
  /** Why the consumer keeps no categories, if it does not. */
  noCategories?: string;
  /**
   * Values the consumer itself changes, by its own documented behaviour or bug (named beside each
   * entry): per format and field, the value written → what the consumer shows. Everything else must
   * read back exactly.
   */
  misreads?: Partial<Record<FeedFormat, Partial<Record<MisreadField, Record<string, string>>>>>;
}

export type MisreadField = 'title' | 'category' | 'author';

const list = <T>(value: T | T[] | undefined | null): T[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const read = (file: string) => readFileSync(file, 'utf8');

// rss-parser: RSS `categories` and `creator` (dc:creator), Atom `author` (untyped); it keeps no Atom
// categories, so they come through its documented `customFields` (xml2js nodes: {$: {term}}).
const rssParser = new RssParser<Record<string, unknown>, { author?: string; category?: { $: { term: string } }[] }>({
  customFields: { item: [['category', 'category', { keepArray: true }]] },
});

async function readWithRssParser(file: string): Promise<ReadFeed> {
  const feed = await rssParser.parseString(read(file));
  return {
    title: feed.title,
    items: feed.items.map((item) => ({
      link: item.link ?? '',
      title: item.title ?? '',
      categories: item.categories ?? list(item.category).map((category) => category.$.term),
      authors: list(item.creator ?? item.author),
    })),
  };
}

// feed-extractor normalizes titles; categories and authors are not in its normalized entry, so
// they come raw from its XML parser through the documented `getExtraEntryFields` hook.
type ExtractorNode = string | { '#text'?: string; '@_term'?: string; name?: string };
const nodeText = (node: ExtractorNode): string => (typeof node === 'string' ? node : (node['#text'] ?? node['@_term'] ?? node.name ?? ''));

function extraEntryFields(entry: Record<string, unknown>): Record<string, unknown> {
  const categories = list((entry.category ?? entry.tags) as ExtractorNode | ExtractorNode[]).map(nodeText);
  const authors = list((entry['dc:creator'] ?? entry.author ?? entry.authors) as ExtractorNode | ExtractorNode[]).map(nodeText);
  return { categories, authors };
}

async function readWithFeedExtractor(file: string, format: FeedFormat): Promise<ReadFeed> {
  const options = { getExtraEntryFields: extraEntryFields, descriptionMaxLen: 0 };
  const feed = format === 'json' ? extractFromJson(read(file), options) : extractFromXml(read(file), options);
  return {
    title: feed.title,
    items: (feed.entries ?? []).map((entry) => {
      const extra = entry as unknown as { categories: string[]; authors: string[] };
      return { link: entry.link ?? '', title: entry.title ?? '', categories: extra.categories, authors: extra.authors };
    }),
  };
}

// feedsmith mirrors each format's structure; an Atom text construct comes back as {value, type} with
// the value as written, so a type="html" title shows its markup escaped, as a plain-text app would.
async function readWithFeedsmith(file: string, format: FeedFormat): Promise<ReadFeed> {
  if (format === 'rss') {
    const feed = parseRssFeed(read(file));
    return {
      title: feed.title,
      items: list(feed.items).map((item) => ({
        link: item.link ?? '',
        title: item.title ?? '',
        categories: list(item.categories).map((category) => category.name ?? ''),
        authors: [...list(item.dc?.creators), ...list(item.authors).map((author) => author.name ?? author.email ?? '')],
      })),
    };
  }
  if (format === 'atom') {
    const feed = parseAtomFeed(read(file));
    return {
      title: atomText(feed.title),
      items: list(feed.entries).map((entry) => ({
        link: list(entry.links).find((link) => !link.rel || link.rel === 'alternate')?.href ?? '',
        title: atomText(entry.title),
        categories: list(entry.categories).map((category) => category.term ?? ''),
        authors: list(entry.authors).map((author) => author.name ?? ''),
      })),
    };
  }
  const feed = parseJsonFeed(read(file));
  return {
    title: feed.title,
    items: list(feed.items).map((item) => ({
      link: item.url ?? '',
      title: item.title ?? '',
      categories: list(item.tags),
      authors: list(item.authors).map((author) => author.name ?? ''),
    })),
  };
}

function atomText(construct: unknown): string {
  if (typeof construct === 'string') return construct;
  return (construct as { value?: string } | undefined)?.value ?? '';
}

// node feedparser: the stream API, as its README shows.
function readWithFeedparser(file: string): Promise<ReadFeed> {
  return new Promise((resolve, reject) => {
    const parser = new FeedParser({});
    const items: ReadItem[] = [];
    parser.on('error', reject);
    parser.on('readable', () => {
      for (let item = parser.read(); item; item = parser.read()) {
        items.push({ link: item.link, title: item.title, categories: list(item.categories), authors: list(item.author) });
      }
    });
    parser.on('end', () => resolve({ title: parser.meta.title as string, items }));
    createReadStream(file).on('error', reject).pipe(parser);
  });
}

// sfeed(1) TSV: timestamp, title, link, content, content-type, id, author, enclosure, category.
// Only the content field is escaped (\t, \n, \\); title, id and author have white space collapsed,
// categories are joined with '|'. sfeed does not print the feed's own title.
async function readWithSfeed(file: string): Promise<ReadFeed> {
  const run = spawnSync('sfeed', [], { input: readFileSync(file), encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`sfeed exited ${run.status}: ${run.stderr}`);
  const items = run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [, title = '', link = '', , , , author = '', , category = ''] = line.split('\t');
      return { link, title, categories: category === '' ? [] : category.split('|'), authors: author === '' ? [] : [author] };
    });
  return { title: undefined, items };
}

// newsboat fetches the file:// URL into its sqlite cache, which is what it shows. One home per
// feed: newsboat keeps one item per guid across all feeds, and RSS and Atom share the ids.
async function readWithNewsboat(file: string): Promise<ReadFeed> {
  const home = tempDir('postfeed-newsboat-');
  mkdirSync(home, { recursive: true });
  const at = (name: string) => path.join(home, name);
  writeFileSync(at('urls'), `file://${file}\n`);
  writeFileSync(at('config'), '');
  const run = spawnSync('newsboat', ['-q', '-u', at('urls'), '-c', at('cache.db'), '-C', at('config'), '-x', 'reload', '-l', '4', '-d', at('log')], {
    env: { ...process.env, HOME: home },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.error) throw run.error;
  const log = readFileSync(at('log'), 'utf8');
  if (run.status !== 0 || /ERROR/.test(log)) throw new Error(`newsboat exited ${run.status}: ${run.stderr}\n${log}`);
  const query = (sql: string) => {
    const result = spawnSync('sqlite3', ['-json', '-readonly', at('cache.db'), sql], { encoding: 'utf8' });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`sqlite3: ${result.stderr}`);
    return JSON.parse(result.stdout.trim() || '[]') as Record<string, string>[];
  };
  const [feed] = query('select title from rss_feed');
  const items = query('select url, title, author from rss_item where deleted = 0 order by pubDate desc').map((row) => ({
    link: row.url ?? '',
    title: row.title ?? '',
    categories: [],
    authors: row.author ? [row.author] : [],
  }));
  return { title: feed?.title, items };
}

// node feedparser strips anything shaped like a known HTML tag from decoded titles, even plain text
// (README: "the title property of each article have any HTML stripped"; kept on purpose,
// danmactough/node-feedparser#243). <folder> and <render> are no HTML elements, so they stay.
const STRIPPED_BY_FEEDPARSER = { 'AT&T <b>': 'AT&T ', 'Why <script> tags': 'Why  tags' };

export const CONSUMERS: Consumer[] = [
  {
    name: 'rss-parser',
    commands: [],
    formats: { rss: readWithRssParser, atom: readWithRssParser, json: { cannot: 'rss-parser reads only XML feeds' } },
  },
  {
    name: '@extractus/feed-extractor',
    commands: [],
    formats: {
      rss: (file) => readWithFeedExtractor(file, 'rss'),
      atom: (file) => readWithFeedExtractor(file, 'atom'),
      json: (file) => readWithFeedExtractor(file, 'json'),
    },
    misreads: {
      // Its XML parser, fast-xml-parser >= 5.7 with default options, leaves numeric character
      // references undecoded (NaturalIntelligence/fast-xml-parser#829; `numericAllowed` follows
      // `htmlEntities`, off by default). feed-extractor HTML-unescapes titles afterwards, which
      // repairs them, but categories are not in its normalized entry and come raw. (dc:creator is
      // written with &amp;, which it decodes.)
      rss: {
        category: { 'R&D': 'R&#x26;D', '<html>': '&#x3C;html>' },
      },
    },
  },
  {
    name: 'feedsmith',
    commands: [],
    formats: {
      rss: (file) => readWithFeedsmith(file, 'rss'),
      atom: (file) => readWithFeedsmith(file, 'atom'),
      json: (file) => readWithFeedsmith(file, 'json'),
    },
  },
  {
    name: 'feedparser (npm)',
    commands: [],
    formats: { rss: readWithFeedparser, atom: readWithFeedparser, json: { cannot: 'node feedparser reads only XML feeds' } },
    misreads: { rss: { title: STRIPPED_BY_FEEDPARSER }, atom: { title: STRIPPED_BY_FEEDPARSER } },
  },
  {
    name: 'sfeed',
    commands: ['sfeed'],
    formats: { rss: readWithSfeed, atom: readWithSfeed, json: { cannot: 'sfeed reads only RSS and Atom' } },
  },
  {
    name: 'newsboat',
    commands: ['newsboat', 'sqlite3'],
    formats: { rss: readWithNewsboat, atom: readWithNewsboat, json: { cannot: 'newsboat 2.21 (Debian 12) has no JSON Feed parser: "could not parse file"' } },
    noCategories: 'its cache (rss_item) has no column for categories',
  },
];
