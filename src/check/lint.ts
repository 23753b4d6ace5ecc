// What readers and the W3C Feed Validation Service require of a written feed, one rule per
// code: the size budget, XML-legal characters, well-formed XML or JSON, required elements,
// dates in the format's own syntax, absolute URLs (content HTML included), self links, unique
// ids, the same ids in every format, and valid enclosures. Pure: texts in, diagnostics out.
import { Parser } from 'htmlparser2';
import { isXmlCharacter, xmlProblem } from '../formats/well-formed.js';
import type { Diagnostic, FeedFormat } from '../model.js';
import { lineNumberAt } from '../parse/lines.js';
import { srcsetUrls, URL_ATTRIBUTES } from '../render/urls.js';
import { readAsWritten, type FeedAsWritten, type ItemAsWritten, type PartAsWritten } from './read-feed.js';

/** A written feed: its format, the file as diagnostics name it, and its text. */
export interface FeedText {
  format: FeedFormat;
  file: string;
  text: string;
  bytes: number;
}

export interface LintExpectations {
  /** Where each format's feed is published: its self link must say so. */
  selfUrls: Record<FeedFormat, string>;
  /** The config's `check.maxFeedBytes`. */
  maxFeedBytes: number;
}

/** Elements each format requires of the feed and of every item (RSS items and Atom authors have rules of their own below). */
const REQUIRED: Record<FeedFormat, { feed: string[]; item: string[] }> = {
  rss: { feed: ['title', 'link', 'description'], item: [] },
  atom: { feed: ['id', 'title', 'updated'], item: ['id', 'title', 'updated'] },
  json: { feed: ['version', 'title', 'items'], item: ['id'] },
};

const FEED_ELEMENT: Record<FeedFormat, string> = { rss: 'channel', atom: 'feed', json: '(feed)' };

/** More findings of one rule in one feed than this are counted in one last diagnostic. */
const MAX_FINDINGS_PER_RULE = 20;

export function lintFeeds(feeds: readonly FeedText[], expected: LintExpectations): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const read: FeedAsWritten[] = [];
  for (const feed of feeds) {
    const findings = new Findings(feed.file);
    const parsed = lintFeed(feed, expected, findings);
    if (parsed) read.push(parsed);
    diagnostics.push(...findings.diagnostics());
  }
  diagnostics.push(...idsAcrossFormats(read, feeds));
  return diagnostics;
}

/** Collects one feed's findings, at most MAX_FINDINGS_PER_RULE per rule. */
class Findings {
  private readonly list: Diagnostic[] = [];
  private readonly counts = new Map<string, number>();
  constructor(readonly file: string) {}

  add(code: string, field: string, message: string, position: { line?: number; column?: number } = {}): void {
    const count = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, count);
    if (count <= MAX_FINDINGS_PER_RULE) this.list.push({ severity: 'error', code, file: this.file, ...position, field, message });
  }

  diagnostics(): Diagnostic[] {
    const more = [...this.counts].filter(([, count]) => count > MAX_FINDINGS_PER_RULE);
    return [
      ...this.list,
      ...more.map(([code, count]): Diagnostic => ({
        severity: 'error',
        code,
        file: this.file,
        message: `${count - MAX_FINDINGS_PER_RULE} more ${code} findings not shown`,
      })),
    ];
  }
}

/** Every rule on one feed; returns what was read, for the rule across formats. */
function lintFeed(feed: FeedText, expected: LintExpectations, findings: Findings): FeedAsWritten | undefined {
  if (feed.bytes > expected.maxFeedBytes) {
    findings.add(
      'feed-too-large',
      FEED_ELEMENT[feed.format],
      `is ${feed.bytes} bytes, more than check.maxFeedBytes (${expected.maxFeedBytes}); the W3C validator refuses feeds over 5 MB and readers may too — lower "limit" or use "content": "summary"`,
    );
  }
  if (!wellFormed(feed, findings)) return undefined;
  const result = readAsWritten(feed.text, feed.format);
  if ('wrongRoot' in result) {
    const root = { rss: '<rss>', atom: 'Atom <feed>', json: 'a JSON object' }[feed.format];
    findings.add('missing-element', FEED_ELEMENT[feed.format], `the document is ${result.wrongRoot}, not ${root}`);
    return undefined;
  }
  const read = result.feed;
  requiredElements(read, findings);
  const field = FEED_ELEMENT[feed.format];
  partRules(feed.format, read, field, findings);
  selfLink(read, expected.selfUrls[feed.format], findings);
  read.items.forEach((item, index) => partRules(feed.format, item, itemField(item, index), findings));
  duplicateIds(read, findings);
  return read;
}

const itemField = (item: ItemAsWritten, index: number) => item.id ?? `item ${index + 1}`;

/** The rules every part (feed or item) shares: dates, URLs, content URLs, enclosures. */
function partRules(format: FeedFormat, part: PartAsWritten, field: string, findings: Findings): void {
  for (const { element, value } of part.dates) {
    const problem = format === 'rss' ? rfc822Problem(value) : rfc3339Problem(value);
    if (problem) findings.add('date-format', field, `${element}: "${value}" ${problem}`);
  }
  for (const { element, value } of part.urls) {
    if (!isAbsoluteUrl(value)) findings.add('relative-url', field, `${element}: "${value}" is not an absolute URL; readers resolve it against their own page, not the site`);
  }
  for (const { element, value } of part.html) {
    for (const { tag, attribute, url } of htmlUrls(value)) {
      if (!isAbsoluteUrl(url)) {
        findings.add('relative-url', field, `${element}: <${tag} ${attribute}="${url}">: not an absolute URL; readers show content away from the site, so it leads nowhere`);
      }
    }
  }
  for (const enclosure of part.enclosures) {
    const problems = enclosureProblems(format, enclosure);
    if (problems.length > 0) findings.add('enclosure-invalid', field, `${enclosure.element}: ${problems.join('; ')}`);
  }
}

function requiredElements(feed: FeedAsWritten, findings: Findings): void {
  const { format } = feed;
  const missing = (part: PartAsWritten, names: readonly string[]) => names.filter((name) => !part.elements.has(name));
  const say = (field: string, names: string[], where: string) =>
    findings.add('missing-element', field, `${where} has no ${names.map((name) => (format === 'json' ? `"${name}"` : `<${name}>`)).join(', ')}; ${specName(format)} requires ${names.length === 1 ? 'it' : 'them'}`);
  const feedMissing = missing(feed, REQUIRED[format].feed);
  if (feedMissing.length > 0) say(FEED_ELEMENT[format], feedMissing, format === 'json' ? 'the feed object' : `<${FEED_ELEMENT[format]}>`);
  const feedHasAuthor = feed.elements.has('author');
  feed.items.forEach((item, index) => {
    const field = itemField(item, index);
    const itemMissing = missing(item, REQUIRED[format].item);
    if (format === 'rss' && !item.elements.has('guid') && !(item.elements.has('link') && item.elements.has('title'))) {
      findings.add('missing-element', field, '<item> has neither a <guid> nor both <link> and <title>; readers cannot tell it from the others');
      return;
    }
    // An Atom entry needs an author of its own unless the feed has one (RFC 4287 §4.1.1).
    if (format === 'atom' && !feedHasAuthor && !item.elements.has('author')) itemMissing.push('author');
    if (itemMissing.length > 0) say(field, itemMissing, format === 'json' ? 'the item' : `<${format === 'rss' ? 'item' : 'entry'}>`);
  });
}

const specName = (format: FeedFormat) => ({ rss: 'RSS 2.0', atom: 'Atom (RFC 4287)', json: 'JSON Feed 1.1' })[format];

function selfLink(feed: FeedAsWritten, expected: string, findings: Findings): void {
  const element = { rss: 'atom:link rel="self"', atom: 'link rel="self"', json: 'feed_url' }[feed.format];
  if (feed.selfLinks.length === 0) {
    findings.add('self-link', element, `the feed has no self link; it is published at ${expected}`);
  } else if (!feed.selfLinks.includes(expected)) {
    findings.add('self-link', element, `"${feed.selfLinks[0]}" is not where the feed is published (${expected}, from baseUrl and output); readers subscribe to the wrong address`);
  }
}

function duplicateIds(feed: FeedAsWritten, findings: Findings): void {
  const seen = new Map<string, number>();
  feed.items.forEach((item, index) => {
    if (item.id === undefined) return;
    const first = seen.get(item.id);
    if (first === undefined) seen.set(item.id, index);
    else findings.add('duplicate-id', item.id, `items ${first + 1} and ${index + 1} have the same id; readers show only one of them`);
  });
}

/** One diagnostic per id that some formats carry and others do not. */
function idsAcrossFormats(read: readonly FeedAsWritten[], feeds: readonly FeedText[]): Diagnostic[] {
  if (read.length < 2) return [];
  const fileOf = (format: FeedFormat) => feeds.find((feed) => feed.format === format)!.file;
  const idSets = read.map((feed) => ({ format: feed.format, ids: new Set(feed.items.flatMap((item) => (item.id === undefined ? [] : [item.id]))) }));
  const diagnostics: Diagnostic[] = [];
  const every = new Set(idSets.flatMap(({ ids }) => [...ids]));
  for (const id of every) {
    const having = idSets.filter(({ ids }) => ids.has(id)).map(({ format }) => fileOf(format));
    for (const { format, ids } of idSets) {
      if (ids.has(id)) continue;
      diagnostics.push({
        severity: 'error',
        code: 'ids-differ-across-formats',
        file: fileOf(format),
        field: id,
        message: `this id is in ${having.join(' and ')} but not here; a reader subscribed to two formats shows the post twice`,
      });
    }
  }
  return diagnostics;
}

// —— characters and well-formedness ——

const NOT_XML_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const CHARACTER_REFERENCE = /&#(?:x([0-9A-Fa-f]{1,8})|([0-9]{1,10}));/g;
/** Where `&#1;` is text and not a reference: CDATA sections and comments, and how each ends. */
const LITERAL_START = /<!\[CDATA\[|<!--/g;

/** `text` with every CDATA section and comment blanked out, offsets kept; one pass, whatever is unterminated. */
function blankLiteralSections(text: string): string {
  const parts: string[] = [];
  let position = 0;
  LITERAL_START.lastIndex = 0;
  for (let start = LITERAL_START.exec(text); start !== null; start = LITERAL_START.exec(text)) {
    const terminator = start[0] === '<!--' ? '-->' : ']]>';
    const found = text.indexOf(terminator, start.index + start[0].length);
    const end = found < 0 ? text.length : found + terminator.length;
    parts.push(text.slice(position, start.index), ' '.repeat(end - start.index));
    position = LITERAL_START.lastIndex = end;
  }
  parts.push(text.slice(position));
  return parts.join('');
}

const describeCodePoint = (codePoint: number) => `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Illegal characters, raw or as references, one finding each; then the first well-formedness
 * error among the rest (so one bad character is not reported twice). True when the document
 * can be read.
 */
function wellFormed(feed: FeedText, findings: Findings): boolean {
  if (feed.format === 'json') return wellFormedJson(feed, findings);
  const illegal: Array<{ offset: number; length: number; what: string }> = [];
  for (const match of feed.text.matchAll(NOT_XML_CHARACTER)) {
    illegal.push({ offset: match.index, length: match[0].length, what: describeCodePoint(match[0].charCodeAt(0)) });
  }
  for (const match of blankLiteralSections(feed.text).matchAll(CHARACTER_REFERENCE)) {
    const codePoint = match[1] !== undefined ? parseInt(match[1], 16) : Number(match[2]);
    if (!isXmlCharacter(codePoint)) illegal.push({ offset: match.index, length: match[0].length, what: `${match[0]} (${describeCodePoint(codePoint)})` });
  }
  illegal.sort((a, b) => a.offset - b.offset);
  const parts: string[] = [];
  let position = 0;
  illegal.forEach(({ offset, length, what }, index) => {
    // Lines are counted only for the findings shown.
    const place = index < MAX_FINDINGS_PER_RULE ? { line: lineNumberAt(feed.text, offset), column: offset - feed.text.lastIndexOf('\n', offset - 1) } : {};
    findings.add('illegal-character', 'xml', `${what} may not appear in XML; a strict reader refuses the whole feed`, place);
    parts.push(feed.text.slice(position, offset), ' '.repeat(length));
    position = offset + length;
  });
  parts.push(feed.text.slice(position));
  const rest = parts.join('');
  const problem = xmlProblem(rest);
  if (problem) findings.add('not-well-formed', 'xml', `not well-formed XML: ${problem.message.replace(/\.$/, '')}; no reader can read the feed`, { line: problem.line, column: problem.column });
  return problem === undefined;
}

function wellFormedJson(feed: FeedText, findings: Findings): boolean {
  let data: unknown;
  try {
    data = JSON.parse(feed.text);
  } catch (error) {
    findings.add('not-well-formed', 'json', `not valid JSON: ${(error as Error).message}`);
    return false;
  }
  // JSON can carry any character escaped; content with one of these breaks readers that turn it into XML.
  const visit = (value: unknown, where: string): void => {
    if (typeof value === 'string') {
      const match = value.match(NOT_XML_CHARACTER);
      if (match) findings.add('illegal-character', where, `contains ${describeCodePoint(match[0].charCodeAt(0))}, which no feed may carry`);
    } else if (Array.isArray(value)) {
      value.forEach((entry, index) => visit(entry, `${where}[${index}]`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, entry] of Object.entries(value)) visit(entry, where === '' ? key : `${where}.${key}`);
    }
  };
  visit(data, '');
  return true;
}

// —— values ——

/** An absolute URL or IRI: a scheme, then whatever the URL parser accepts (`tag:`, `urn:`, `mailto:` too). */
function isAbsoluteUrl(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && URL.canParse(value);
}

/** The URLs in an HTML fragment: each URL-valued attribute, and every candidate of a srcset. */
function htmlUrls(html: string): Array<{ tag: string; attribute: string; url: string }> {
  const found: Array<{ tag: string; attribute: string; url: string }> = [];
  const parser = new Parser(
    {
      onopentag(tag, attributes) {
        for (const [attribute, value] of Object.entries(attributes)) {
          if (URL_ATTRIBUTES.includes(attribute)) found.push({ tag, attribute, url: value.trim() });
          else if (attribute === 'srcset') for (const url of srcsetUrls(value)) found.push({ tag, attribute, url });
        }
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return found;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const RFC_822 =
  /^(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}|\d{2}) (\d{2}):(\d{2})(?::(\d{2}))? (UT|GMT|[ECMP][SD]T|[A-IK-Z]|[+-]\d{4})$/;
const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** Whether the calendar day and time exist (no 30 February, no hour 24). */
function realDateTime(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour <= 23 && minute <= 59 && second <= 59;
}

/** Why `text` is not an RFC 822 date as RSS 2.0 requires, or undefined. */
function rfc822Problem(text: string): string | undefined {
  const match = RFC_822.exec(text);
  if (!match) return 'is not an RFC 822 date, like "Sat, 01 Jul 2023 00:00:00 GMT"';
  const [, weekday, day, month, yearText, hour, minute, second] = match;
  const year = yearText!.length === 2 ? 1900 + Number(yearText) : Number(yearText);
  const monthNumber = MONTHS.indexOf(month!) + 1;
  if (!realDateTime(year, monthNumber, Number(day), Number(hour), Number(minute), Number(second ?? 0))) return 'is not a date that exists';
  const actual = WEEKDAYS[new Date(Date.UTC(year, monthNumber - 1, Number(day))).getUTCDay()];
  if (weekday !== undefined && weekday !== actual) return `names the wrong day of the week (${month} ${day} ${yearText} is a ${actual})`;
  return undefined;
}

/** Why `text` is not an RFC 3339 date-time as Atom and JSON Feed require, or undefined. */
function rfc3339Problem(text: string): string | undefined {
  const match = RFC_3339.exec(text);
  if (!match) return 'is not an RFC 3339 date-time, like "2023-07-01T00:00:00Z"';
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.map(Number);
  if (!realDateTime(year!, month!, day!, hour!, minute!, second!)) return 'is not a date that exists';
  if (offsetHours !== undefined && !Number.isNaN(offsetHours) && (offsetHours > 23 || offsetMinutes! > 59)) return 'has an offset that does not exist';
  return undefined;
}

/** RFC 6838 type/subtype, optionally with parameters. */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:\s*;.*)?$/;
const NON_NEGATIVE_INTEGER = /^\d+$/;

/** RSS requires url, length and type; Atom and JSON Feed make the length optional (JSON Feed requires mime_type). */
function enclosureProblems(format: FeedFormat, enclosure: { url?: string; type?: string; length?: string }): string[] {
  const problems: string[] = [];
  const lengthName = format === 'json' ? 'size_in_bytes' : 'length';
  const typeName = format === 'json' ? 'mime_type' : 'type';
  if (enclosure.url === undefined || enclosure.url === '') problems.push('no URL');
  if (enclosure.length === undefined) {
    if (format === 'rss') problems.push('no length (write 0 when the size is unknown)');
  } else if (!NON_NEGATIVE_INTEGER.test(enclosure.length)) {
    problems.push(`${lengthName} ${enclosure.length} is not a whole number of bytes`);
  }
  if (enclosure.type === undefined) {
    if (format !== 'atom') problems.push(`no ${typeName}`);
  } else if (!MEDIA_TYPE.test(enclosure.type)) {
    problems.push(`${typeName} "${enclosure.type}" is not a media type like "image/jpeg"`);
  }
  return problems;
}
