// Building generated posts, reading the feeds back with parsers that are not postfeed's, and
// checking XML the strict way: fast-xml-parser's validator, saxes, a character scan, and xmllint
// over every document in batches (well-formedness for RSS, RELAX NG for Atom).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator, type X2jOptions } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { build, type BuildResult } from '../../src/index.js';
import { BASE_CONFIG, decodeHtmlText, SHARED, tempDir } from '../helpers.js';
import { postFile, type PostInput } from './arbitraries.js';
import { BASE_URL } from './model.js';

export const ATOM_SCHEMA = path.join(SHARED, 'schemas', 'atom.rng');
/** Far enough ahead that no generated post is "in the future". */
const NOW = new Date(8.64e15);

/** One temporary project, reused run after run: its posts folder is rewritten for every case. */
export class FuzzProject {
  readonly dir = tempDir('postfeed-fuzz-');
  private readonly postsDir = path.join(this.dir, 'posts');

  async build(posts: readonly PostInput[]): Promise<BuildResult> {
    rmSync(this.postsDir, { recursive: true, force: true });
    mkdirSync(this.postsDir);
    posts.forEach((post, index) => writeFileSync(path.join(this.postsDir, `p${index}.md`), postFile(post)));
    return build({ cwd: this.dir, config: { ...BASE_CONFIG, baseUrl: BASE_URL, limit: 0 }, now: NOW });
  }
}

export function contentsOf(result: BuildResult, format: 'rss' | 'atom' | 'json'): string {
  const file = result.files.find((candidate) => candidate.format === format);
  if (!file) throw new Error(`build returned no ${format} file`);
  return file.contents;
}

// ---------------------------------------------------------------- XML checks

const describeCodePoint = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
const isXmlChar = (code: number) =>
  code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);

/** Characters (raw or as references) XML 1.0 forbids in `xml`, first few. */
function illegalCharacters(xml: string): string[] {
  const problems: string[] = [];
  for (let index = 0; index < xml.length && problems.length < 5; index++) {
    const code = xml.codePointAt(index)!;
    if (code > 0xffff) index++;
    else if (!isXmlChar(code)) problems.push(`raw ${describeCodePoint(code)} at offset ${index}: …${JSON.stringify(xml.slice(Math.max(0, index - 30), index + 30))}…`);
  }
  for (const match of xml.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const digits = match[1]!;
    const code = digits.startsWith('x') ? parseInt(digits.slice(1), 16) : Number(digits);
    if (!isXmlChar(code)) problems.push(`reference ${match[0]} to a character XML forbids at offset ${match.index}`);
    if (problems.length >= 5) break;
  }
  return problems;
}

/** Why `xml` is not a well-formed, namespace-correct XML 1.0 document; empty when it is. */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    problems.push(`fast-xml-parser XMLValidator: ${validation.err.code} ${validation.err.msg} (line ${validation.err.line}, column ${validation.err.col})`);
  }
  const parser = new SaxesParser({ xmlns: true, position: true });
  parser.on('error', (error) => {
    if (problems.length < 10) problems.push(`saxes: ${error.message}`);
  });
  parser.write(xml).close();
  problems.push(...illegalCharacters(xml));
  return problems;
}

/** Code units the README says are stripped from every field and the body, found in `value`. */
export function forbiddenCharacters(value: string): string[] {
  const found = new Set<string>();
  for (let index = 0; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff && (value.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      index++;
      continue;
    }
    const isControl = (unit < 0x20 && unit !== 0x9 && unit !== 0xa && unit !== 0xd) || (unit >= 0x7f && unit <= 0x9f);
    if (isControl || unit === 0xfffe || unit === 0xffff || (unit >= 0xd800 && unit <= 0xdfff)) found.add(describeCodePoint(unit));
  }
  return [...found];
}

// ---------------------------------------------------------------- reading feeds back

/**
 * fast-xml-parser, configured to decode numeric character references too (the shared helper's
 * parser leaves `&#x26;` as it is); the strict checks above are what reject undefined entities.
 */
export const FEED_PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: { enabled: true, maxExpandedLength: 1e9, maxEntitySize: 1e9, maxEntityCount: 1e6 },
  htmlEntities: true,
  isArray: (name: string) => ['item', 'entry', 'category', 'link', 'author', 'dc:creator'].includes(name),
} satisfies X2jOptions;
const xmlParser = new XMLParser(FEED_PARSER_OPTIONS);

export interface ReadAuthor {
  name: string;
  email?: string;
}

/** One item as a reader sees it: plain text where the format carries HTML-escaped text. */
export interface ReadItem {
  link: string;
  id: string;
  title: string;
  summary: string;
  /** Dates exactly as written in the feed. */
  published: string;
  updated?: string;
  authors: ReadAuthor[];
  tags: string[];
  content?: string;
  /** RSS only: the guid's isPermaLink attribute as written. */
  isPermaLink?: string;
}

type Node = Record<string, unknown> | string | undefined;

/** Text of a parsed element, whether it came as a string or as {#text, @attr}. */
function textOf(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node;
  if (typeof node === 'object' && '#text' in node) return String((node as Record<string, unknown>)['#text']);
  return '';
}
const attributeOf = (node: unknown, name: string): string | undefined =>
  node && typeof node === 'object' && `@${name}` in node ? String((node as Record<string, unknown>)[`@${name}`]) : undefined;
const list = (node: unknown): Node[] => (Array.isArray(node) ? (node as Node[]) : node === undefined ? [] : [node as Node]);

/** Atom text constructs: type="html" is HTML-escaped text, text (the default) is plain. */
function atomText(node: unknown): string {
  const type = attributeOf(node, 'type') ?? 'text';
  if (type === 'html') return decodeHtmlText(textOf(node));
  if (type === 'text') return textOf(node);
  throw new Error(`unexpected Atom text type "${type}"`);
}

export function readRss(xml: string): ReadItem[] {
  const channel = (xmlParser.parse(xml) as { rss: { channel: Record<string, unknown> } }).rss.channel;
  return list(channel.item).map((node) => {
    const item = node as Record<string, unknown>;
    const isPermaLink = attributeOf(item.guid, 'isPermaLink');
    return {
      link: textOf(list(item.link)[0]),
      id: textOf(item.guid),
      ...(isPermaLink !== undefined ? { isPermaLink } : {}),
      // RSS titles are plain text; `&` and `<` arrive as character references the parser decodes.
      title: textOf(item.title),
      summary: decodeHtmlText(textOf(item.description)),
      published: textOf(item.pubDate),
      authors: list(item['dc:creator']).map((creator) => ({ name: textOf(creator) })),
      tags: list(item.category).map(textOf),
      ...(item['content:encoded'] !== undefined ? { content: textOf(item['content:encoded']) } : {}),
    };
  });
}

export function readAtom(xml: string): ReadItem[] {
  const feed = (xmlParser.parse(xml) as { feed: Record<string, unknown> }).feed;
  return list(feed.entry).map((node) => {
    const entry = node as Record<string, unknown>;
    const alternate = list(entry.link).find((link) => (attributeOf(link, 'rel') ?? 'alternate') === 'alternate');
    if (entry.content !== undefined && attributeOf(entry.content, 'type') !== 'html') {
      throw new Error(`Atom content type is ${attributeOf(entry.content, 'type')}, expected html`);
    }
    return {
      link: attributeOf(alternate, 'href') ?? '',
      id: textOf(entry.id),
      title: atomText(entry.title),
      summary: entry.summary === undefined ? '' : atomText(entry.summary),
      published: textOf(entry.published),
      updated: textOf(entry.updated),
      authors: list(entry.author).map((author) => {
        const fields = author as Record<string, unknown>;
        return { name: textOf(fields.name), ...(fields.email !== undefined ? { email: textOf(fields.email) } : {}) };
      }),
      tags: list(entry.category).map((category) => attributeOf(category, 'term') ?? ''),
      ...(entry.content !== undefined ? { content: textOf(entry.content) } : {}),
    };
  });
}

interface JsonItem {
  id: string;
  url: string;
  title: string;
  summary?: string;
  content_html?: string;
  date_published: string;
  date_modified?: string;
  authors?: Array<{ name: string; url?: string }>;
  tags?: string[];
}

export function readJson(text: string): ReadItem[] {
  return (JSON.parse(text) as { items: JsonItem[] }).items.map((item) => ({
    link: item.url,
    id: item.id,
    title: item.title,
    summary: item.summary ?? '',
    published: item.date_published,
    ...(item.date_modified !== undefined ? { updated: item.date_modified } : {}),
    authors: (item.authors ?? []).map((author) => ({
      name: author.name,
      ...(author.url?.startsWith('mailto:') ? { email: author.url.slice('mailto:'.length) } : {}),
    })),
    tags: item.tags ?? [],
    ...(item.content_html !== undefined ? { content: item.content_html } : {}),
  }));
}

// ---------------------------------------------------------------- dates as written

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const RFC822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (GMT|UT|Z|[+-]\d{4})$/;

/** Why the RFC 3339 timestamp `written` does not denote `millis` exactly; undefined when it does. */
export function rfc3339Problem(written: string, millis: number): string | undefined {
  if (!RFC3339.test(written)) return `"${written}" is not an RFC 3339 date-time (expected the instant ${millis})`;
  const read = Date.parse(written);
  return read === millis ? undefined : `"${written}" is ${new Date(read).toISOString()}, expected ${new Date(millis).toISOString()}`;
}

/** Why the RFC 822 date `written` does not denote `millis` to the second; undefined when it does. */
export function rfc822Problem(written: string, millis: number): string | undefined {
  const match = RFC822.exec(written);
  if (!match) return `"${written}" is not an RFC 822 date with a four-digit year (expected the instant ${millis})`;
  const [, weekday, day, month, year, hour, minute, second, zone] = match;
  const offset = zone === 'GMT' || zone === 'UT' || zone === 'Z' ? 0 : (zone!.startsWith('-') ? -1 : 1) * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(3)));
  const read = Date.UTC(Number(year), MONTHS.indexOf(month!), Number(day), Number(hour), Number(minute), Number(second)) - offset * 60_000;
  const expected = Math.floor(millis / 1000) * 1000;
  if (read !== expected) return `"${written}" is ${read}, expected ${new Date(expected).toUTCString()}`;
  const local = new Date(read + offset * 60_000);
  if (DAYS[local.getUTCDay()] !== weekday) return `"${written}": ${weekday} is the wrong day of the week`;
  return undefined;
}

// ---------------------------------------------------------------- xmllint, once for all documents

export interface ArchivedDocument {
  file: string;
  format: 'rss' | 'atom';
  property: string;
  /** fast-check's run index: replay with { seed, path: String(run) }. */
  run: number;
}

export interface ArchiveFailure {
  document: ArchivedDocument;
  messages: string[];
}

export function hasXmllint(): boolean {
  return spawnSync('xmllint', ['--version']).status === 0;
}

/** xmllint's complaints about each file; a file with none (and "validates" under RELAX NG) passed. */
export function xmllint(files: readonly string[], relaxng: boolean): Map<string, string[]> {
  const problems = new Map<string, string[]>();
  for (let start = 0; start < files.length; start += 500) {
    const chunk = files.slice(start, start + 500);
    const run = spawnSync('xmllint', ['--noout', ...(relaxng ? ['--relaxng', ATOM_SCHEMA] : []), ...chunk], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const validated = new Set<string>();
    let current: string | undefined;
    for (const line of `${run.stderr}\n${run.stdout}`.split('\n')) {
      if (line.trim() === '') continue;
      const file = chunk.find((candidate) => line.startsWith(candidate));
      if (file) current = file;
      if (file && line === `${file} validates`) {
        validated.add(file);
        continue;
      }
      const owner = current ?? '(xmllint)';
      problems.set(owner, [...(problems.get(owner) ?? []), line]);
    }
    if (relaxng) {
      for (const file of chunk) if (!validated.has(file) && !problems.has(file)) problems.set(file, ['xmllint did not say "validates"']);
    } else if (run.status !== 0 && problems.size === 0) {
      problems.set('(xmllint)', [`exit status ${run.status}`]);
    }
  }
  return problems;
}

/**
 * Every RSS and Atom document the properties produce, checked by xmllint in batches of
 * BATCH files (one process per batch, not per case); passing files are deleted as they go, so
 * long runs do not fill the disk. Failures are kept, with the run that produced them.
 */
export class XmlArchive {
  static readonly BATCH = 1000;
  /** Without xmllint (CI installs it) nothing is archived and the xmllint test is skipped. */
  readonly enabled = hasXmllint();
  readonly dir = tempDir('postfeed-fuzz-xml-');
  readonly failures: ArchiveFailure[] = [];
  /** Documents checked so far, and the time xmllint took. */
  checked = 0;
  seconds = 0;
  private pending: ArchivedDocument[] = [];

  add(property: string, run: number, format: 'rss' | 'atom', xml: string): void {
    if (!this.enabled) return;
    const file = path.join(this.dir, `${property}-${run}.${format}.xml`);
    writeFileSync(file, xml);
    this.pending.push({ file, format, property, run });
    if (this.pending.length >= XmlArchive.BATCH) this.flush();
  }

  /** Runs xmllint over everything not yet checked; returns every failure so far. */
  flush(): ArchiveFailure[] {
    const started = performance.now();
    for (const format of ['rss', 'atom'] as const) {
      const documents = this.pending.filter((document) => document.format === format);
      if (documents.length === 0) continue;
      const problems = xmllint(
        documents.map((document) => document.file),
        format === 'atom',
      );
      for (const [file, messages] of problems) {
        const document = documents.find((candidate) => candidate.file === file) ?? { file, format, property: '(unknown)', run: -1 };
        this.failures.push({ document, messages });
      }
      for (const document of documents) if (!problems.has(document.file)) rmSync(document.file, { force: true });
      this.checked += documents.length;
    }
    this.pending = [];
    this.seconds += (performance.now() - started) / 1000;
    return this.failures;
  }
}
