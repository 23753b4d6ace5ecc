// Front matter → typed Post, or diagnostics naming the file, the line and the field.
// Every front-matter key postfeed understands is in FIELDS; anything else is a warning.
import path from 'node:path';
import type { Config } from '../config.js';
import type { Author, Diagnostic, Post } from '../model.js';
import { parseDate, type CalendarDate } from './dates.js';
import { splitFrontMatter, type FrontMatter } from './front-matter.js';
import { collapseWhitespace, stripForbiddenCharacters } from './text.js';

export interface SourceFile {
  /** Path relative to the working directory, as diagnostics print it. */
  file: string;
  text: string;
}

export type ParseResult = { post?: Post; diagnostics: Diagnostic[] };

/** Slugs and ids end up in URLs: only unreserved characters (letters and digits of any script). */
const SLUG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}._~-]*$/u;
const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}-/;
const ID_SCHEMES = new Set(['http:', 'https:', 'tag:', 'urn:']);
const EMAIL_PATTERN = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;

export const KNOWN_FIELDS = [
  'title',
  'date',
  'updated',
  'description',
  'summary',
  'author',
  'authors',
  'tags',
  'id',
  'slug',
  'draft',
  'image',
  'lang',
] as const;
const KNOWN = new Set<string>(KNOWN_FIELDS);

/** Collects problems for one file so every field is checked, not just the first bad one. */
class PostReport {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly frontMatter?: FrontMatter,
  ) {}

  add(severity: Diagnostic['severity'], field: string, message: string, line?: number, column?: number): void {
    const excerpt = line !== undefined ? lineOf(this.text, line) : undefined;
    this.diagnostics.push({
      severity,
      file: this.file,
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      field,
      message,
      ...(excerpt !== undefined ? { excerpt: excerpt.length > 200 ? `${excerpt.slice(0, 200)}…` : excerpt } : {}),
    });
  }
  error(field: string, message: string, pathInData: ReadonlyArray<string | number> = [field]): void {
    this.add('error', field, message, this.frontMatter?.lineOf(pathInData) ?? 1);
  }
  warn(field: string, message: string, pathInData: ReadonlyArray<string | number> = [field]): void {
    this.add('warning', field, message, this.frontMatter?.lineOf(pathInData) ?? 1);
  }
  get failed(): boolean {
    return this.diagnostics.some((diagnostic) => diagnostic.severity === 'error');
  }
}

export function parsePost(source: SourceFile, config: Config): ParseResult {
  const split = splitFrontMatter(source.text);
  if (!split.ok) {
    const report = new PostReport(source.file, source.text);
    for (const problem of split.problems) {
      report.add('error', problem.field ?? 'front matter', problem.message, problem.line, problem.column);
    }
    return { diagnostics: report.diagnostics };
  }
  const { frontMatter, body, bodyLine } = split;
  const report = new PostReport(source.file, source.text, frontMatter);
  const data = frontMatter.data;

  for (const key of Object.keys(data)) {
    if (!KNOWN.has(key)) report.warn(key, `unknown front matter key, ignored (known: ${KNOWN_FIELDS.join(', ')})`);
  }

  /** A single-line text field: stripped of forbidden characters (with a warning), white space collapsed. */
  const text = (field: string, value: unknown, where: ReadonlyArray<string | number> = [field]): string | undefined => {
    if (typeof value !== 'string') {
      report.error(field, `must be text, found ${describe(value)}`, where);
      return undefined;
    }
    return collapseWhitespace(stripped(field, value, where));
  };
  const stripped = (field: string, value: string, where: ReadonlyArray<string | number> = [field]): string => {
    const result = stripForbiddenCharacters(value);
    if (result.count > 0) {
      report.warn(field, `removed ${result.count} character(s) no feed may carry (${result.removed.join(', ')})`, where);
    }
    return result.text;
  };

  // title
  let title: string | undefined;
  if (!('title' in data) || data.title === '') {
    report.error('title', 'is required', 'title' in data ? ['title'] : []);
  } else {
    title = text('title', data.title);
    if (title !== undefined && title === '') report.error('title', 'is empty once control characters and white space are removed');
    if (title !== undefined && title.length > config.limits.maxTitleLength) {
      report.error('title', `is ${title.length} characters long; the limit is ${config.limits.maxTitleLength} (limits.maxTitleLength)`);
      title = undefined;
    }
  }

  // date, updated
  const dateField = (field: 'date' | 'updated'): { date: Date; calendar: CalendarDate } | undefined => {
    const value = data[field];
    if (typeof value !== 'string' || value.trim() === '') {
      report.error(field, value === undefined || value === '' ? 'is required' : `must be a date like 2023-07-01, found ${describe(value)}`);
      return undefined;
    }
    const parsed = parseDate(value, config.timeZone);
    if (!parsed.ok) {
      report.error(field, parsed.message);
      return undefined;
    }
    return parsed;
  };
  const written = 'date' in data ? dateField('date') : (report.error('date', 'is required', []), undefined);
  const date = written?.date;
  const updated = 'updated' in data ? dateField('updated')?.date : undefined;
  if (date && updated && updated < date) report.warn('updated', 'is earlier than date');

  // description / summary
  if ('description' in data && 'summary' in data) {
    report.error('summary', 'both description and summary are set; keep one');
  }
  const descriptionKey = 'description' in data ? 'description' : 'summary' in data ? 'summary' : undefined;
  const description = descriptionKey ? text(descriptionKey, data[descriptionKey]) || undefined : undefined;

  // author / authors
  if ('author' in data && 'authors' in data) report.error('authors', 'both author and authors are set; keep one');
  const authors: Author[] = [];
  const authorAt = (field: string, value: unknown, where: Array<string | number>): void => {
    if (typeof value === 'string') {
      const name = text(field, value, where);
      if (name) authors.push({ name });
      else if (name === '') report.error(field, 'is empty', where);
      return;
    }
    if (!isRecord(value)) {
      report.error(field, `must be a name or {name, email, url}, found ${describe(value)}`, where);
      return;
    }
    for (const key of Object.keys(value)) {
      if (!['name', 'email', 'url'].includes(key)) report.warn(`${field}.${key}`, 'unknown author key, ignored', [...where, key]);
    }
    const name = text(`${field}.name`, value.name ?? '', [...where, 'name']);
    if (!name) {
      report.error(`${field}.name`, 'is required', where);
      return;
    }
    const author: Author = { name };
    if (value.email !== undefined) {
      const email = text(`${field}.email`, value.email, [...where, 'email']);
      if (email !== undefined && !EMAIL_PATTERN.test(email)) report.error(`${field}.email`, `"${email}" is not an email address`, [...where, 'email']);
      else if (email) author.email = email;
    }
    if (value.url !== undefined) {
      const url = text(`${field}.url`, value.url, [...where, 'url']);
      if (url !== undefined && !isHttpUrl(url)) report.error(`${field}.url`, `"${url}" is not an absolute http(s) URL`, [...where, 'url']);
      else if (url) author.url = new URL(url).href;
    }
    authors.push(author);
  };
  if ('author' in data) authorAt('author', data.author, ['author']);
  if ('authors' in data && !('author' in data)) {
    if (!Array.isArray(data.authors)) report.error('authors', `must be a list, found ${describe(data.authors)}`);
    else data.authors.forEach((value, index) => authorAt(`authors[${index}]`, value, ['authors', index]));
  }

  // tags
  const tags: string[] = [];
  if ('tags' in data) {
    const value = data.tags;
    if (!Array.isArray(value)) {
      report.error('tags', `must be a list like [Mali, Russia], found ${describe(value)}`);
    } else if (value.length > config.limits.maxTags) {
      report.error('tags', `has ${value.length} tags; the limit is ${config.limits.maxTags} (limits.maxTags)`);
    } else {
      const seen = new Set<string>();
      value.forEach((item, index) => {
        const tag = text(`tags[${index}]`, item, ['tags', index]);
        if (tag === undefined) return;
        if (tag === '') return report.error(`tags[${index}]`, 'is empty', ['tags', index]);
        if (!seen.has(tag)) tags.push(tag);
        seen.add(tag);
      });
    }
  }

  // draft: a YAML boolean word, not a string that happens to look like one.
  let draft = false;
  if ('draft' in data) {
    const value = data.draft;
    if (value === 'true' || value === 'false') {
      if (frontMatter.isPlainScalar('draft')) draft = value === 'true';
      else report.error('draft', `must be true or false without quotes, found the text "${value}"`);
    } else {
      report.error('draft', `must be true or false, found ${describe(value)}`);
    }
  }

  // slug: explicit, or from the file name without its YYYY-MM-DD- prefix
  let slug: string | undefined;
  if ('slug' in data) {
    const value = text('slug', data.slug);
    if (value !== undefined && !SLUG_PATTERN.test(value)) {
      report.error('slug', `"${value}" is not URL-safe: use letters, digits, ".", "_", "~" and "-", starting with a letter or digit`);
    } else slug = value;
  } else {
    const derived = path.basename(source.file).replace(/\.(md|markdown)$/i, '').replace(DATE_PREFIX, '');
    if (SLUG_PATTERN.test(derived)) slug = derived;
    else report.error('slug', `the file name gives the slug "${derived}", which is not URL-safe; rename the file or set slug:`, []);
  }

  // lang
  let lang: string | undefined;
  if ('lang' in data) {
    const value = text('lang', data.lang);
    if (value !== undefined) {
      try {
        lang = Intl.getCanonicalLocales(value)[0];
      } catch {
        report.error('lang', `"${value}" is not a BCP 47 language tag (like en, ru, pt-BR)`);
      }
    }
  }

  // image
  let image: Post['image'];
  if ('image' in data) {
    const value = text('image', data.image);
    if (value) image = { ref: value, line: frontMatter.lineOf(['image']) };
    else if (value === '') report.error('image', 'is empty');
  }

  const permalink = slug && written ? buildPermalink(config, slug, written.calendar) : undefined;

  // id: explicit (absolute URL, tag: or urn:), else the permalink
  let id = permalink;
  if ('id' in data) {
    const value = text('id', data.id);
    if (value !== undefined) {
      const normalized = normalizeId(value);
      if (!normalized) report.error('id', `"${value}" is not an absolute URL, tag: URI or urn: (ids never change once published)`);
      id = normalized;
    }
  }

  // The body's warning points at the line of the first character removed.
  const normalizedBody = body.replace(/\r\n?/g, '\n');
  const cleanBody = stripForbiddenCharacters(normalizedBody);
  if (cleanBody.count > 0) {
    const line = bodyLine + (normalizedBody.slice(0, cleanBody.firstIndex).match(/\n/g)?.length ?? 0);
    report.add('warning', 'body', `removed ${cleanBody.count} character(s) no feed may carry (${cleanBody.removed.join(', ')})`, line);
  }
  const markdown = cleanBody.text;

  if (report.failed || !title || !date || !slug || !permalink || !id) return { diagnostics: report.diagnostics };
  return {
    diagnostics: report.diagnostics,
    post: {
      file: source.file,
      slug,
      id,
      permalink,
      title,
      date,
      ...(updated ? { updated } : {}),
      ...(description ? { description } : {}),
      authors,
      tags,
      draft,
      ...(image ? { image } : {}),
      ...(lang ? { lang } : {}),
      markdown,
      bodyLine,
    },
  };
}

/** Line `line` (1-based) of `text`, found without splitting the whole file. */
function lineOf(text: string, line: number): string | undefined {
  let start = 0;
  for (let current = 1; current < line; current++) {
    start = text.indexOf('\n', start) + 1;
    if (start === 0) return undefined;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
}

/**
 * Expands the permalink pattern (`/:year/:month/:day/:slug/`) against the base URL. The date parts
 * are the date as written (as in a Jekyll file name), not converted to another zone: a post
 * written at 01:00 +03:00 on 1 July stays under /07/01/.
 */
export function buildPermalink(config: Config, slug: string, date: CalendarDate): string {
  const pathPart = config.permalink
    .replace(/:year/g, date.year)
    .replace(/:month/g, date.month)
    .replace(/:day/g, date.day)
    .replace(/:slug/g, encodeURIComponent(slug));
  return new URL(pathPart.replace(/^\//, ''), withTrailingSlash(config.baseUrl)).href;
}

export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** The canonical form of an id, or undefined when it is not one postfeed accepts. */
export function normalizeId(value: string): string | undefined {
  if (/\s/.test(value)) return undefined;
  try {
    const url = new URL(value);
    if (!ID_SCHEMES.has(url.protocol)) return undefined;
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname) return undefined;
    if ((url.protocol === 'tag:' || url.protocol === 'urn:') && url.pathname.length < 3) return undefined;
    return url.href;
  } catch {
    return undefined;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `"${String(value)}"`;
}
