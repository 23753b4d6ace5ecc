// One parser per front-matter key. Each reads the raw YAML value, reports problems with the
// key's line, and returns the typed value (or undefined when it is unusable).
import type { Config } from '../config/schema.js';
import type { Author, Located } from '../model.js';
import type { Convention } from './conventions/convention.js';
import { styleSlug } from './conventions/file-name.js';
import type { FoundKey } from './conventions/keys.js';
import { parseDate, type CalendarDate } from './dates.js';
import type { FrontMatter } from './front-matter.js';
import { describe, isRecord, type DataPath, type PostReport } from './report.js';
import { collapseWhitespace, stripForbiddenCharacters } from './text.js';
import { canonicalLanguageTag, httpUrl, isEmailAddress, normalizeId } from './values.js';

export interface FieldContext {
  report: PostReport;
  /** Keyed by field (`data.date`), whichever key the convention read it from. */
  frontMatter: FrontMatter;
  config: Config;
  convention: Convention;
  /** Authors by key (config `authors`). */
  authors: ReadonlyMap<string, Author>;
}

/** Slugs end up in URLs: only unreserved characters (letters and digits of any script). */
export const SLUG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}._~-]*$/u;

/** A single-line text value: stripped of forbidden characters (with a warning), white space collapsed. */
export function textField({ report }: FieldContext, field: string, value: unknown, where: DataPath = [field]): string | undefined {
  if (typeof value !== 'string') {
    report.error('wrong-type', field, `must be text, found ${describe(value)}`, where);
    return undefined;
  }
  return collapseWhitespace(strippedField(report, field, value, where));
}

export function strippedField(report: PostReport, field: string, value: string, where: DataPath = [field]): string {
  const result = stripForbiddenCharacters(value);
  if (result.count > 0) {
    report.warn('forbidden-characters', field, `removed ${result.count} character(s) no feed may carry (${result.removed.join(', ')})`, where);
  }
  return result.text;
}

export function parseTitle(context: FieldContext, data: Record<string, unknown>): string | undefined {
  const { report, config } = context;
  if (!('title' in data) || data.title === '') {
    report.error('missing-field', 'title', 'is required', 'title' in data ? ['title'] : []);
    return undefined;
  }
  const title = textField(context, 'title', data.title);
  if (title === '') {
    report.error('empty-field', 'title', 'is empty once control characters and white space are removed');
    return undefined;
  }
  if (title !== undefined && title.length > config.limits.maxTitleLength) {
    report.error('too-long', 'title', `is ${title.length} characters long; the limit is ${config.limits.maxTitleLength} (limits.maxTitleLength)`);
    return undefined;
  }
  return title;
}

export function parseDateField(
  { report, config }: FieldContext,
  data: Record<string, unknown>,
  field: 'date' | 'updated',
): { date: Date; calendar: CalendarDate } | undefined {
  if (!(field in data)) {
    if (field === 'date') report.error('missing-field', 'date', 'is required', []);
    return undefined;
  }
  const value = data[field];
  if (typeof value !== 'string' || value.trim() === '') {
    const missing = value === undefined || value === '';
    report.error(missing ? 'missing-field' : 'wrong-type', field, missing ? 'is required' : `must be a date like 2023-07-01, found ${describe(value)}`);
    return undefined;
  }
  const parsed = parseDate(value, config.timeZone);
  if (!parsed.ok) {
    report.error('date-invalid', field, parsed.message);
    return undefined;
  }
  return parsed;
}

/** The author's plain-text summary (`description`, `summary`, `excerpt`: whichever the convention reads). */
export function parseSummary(context: FieldContext, data: Record<string, unknown>): string | undefined {
  return 'summary' in data ? textField(context, 'summary', data.summary) || undefined : undefined;
}

/**
 * The post's authors: a name, a key into the config's `authors`, `{name, email, url}`, or a list
 * of these — under `author` or `authors` alike. `url` is a single author's URL written beside it.
 */
export function parseAuthors(context: FieldContext, data: Record<string, unknown>, url?: { key: string; value: unknown }): Author[] {
  if (!('authors' in data) || data.authors === null || (data.authors === '' && !context.convention.strictValues)) return [];
  const value = data.authors;
  const authors: Author[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      const author = parseAuthor(context, `authors[${index}]`, item, ['authors', index]);
      if (author) authors.push(author);
    });
  } else {
    const author = parseAuthor(context, 'authors', value, ['authors']);
    if (author) authors.push(author);
  }
  if (url && authors.length === 1 && !authors[0]!.url) {
    const text = textField(context, url.key, url.value, []);
    const result = text ? httpUrl(text) : undefined;
    if (result && 'problem' in result) context.report.warn('url-invalid', url.key, `"${text}" ${result.problem}; left out`, []);
    else if (result) authors[0] = { ...authors[0]!, url: result.url };
  }
  return authors;
}

/** Keys an author mapping may carry that feeds have no place for (Docusaurus `image_url`, `title`). */
const IGNORED_AUTHOR_KEYS = new Set(['title', 'image_url', 'imageURL', 'image', 'picture', 'avatar', 'socials', 'twitter', 'github', 'bio', 'page', 'key', 'uri', 'link', 'website', 'web']);

function parseAuthor(context: FieldContext, field: string, value: unknown, where: Array<string | number>): Author | undefined {
  const { report, authors, convention } = context;
  if (typeof value === 'string') {
    const name = textField(context, field, value, where);
    if (name === '') report.error('empty-field', field, 'is empty', where);
    if (!name) return undefined;
    const known = authors.get(name);
    if (known) return known;
    // With an authors map, a single word is a key more often than a name: say it was not found.
    if (authors.size > 0 && !/\s/.test(name)) report.warn('unknown-author', field, `"${name}" is not a key of the config's authors; used as the name`, where);
    return { name };
  }
  if (!isRecord(value)) {
    report.error('wrong-type', field, `must be a name or {name, email, url}, found ${describe(value)}`, where);
    return undefined;
  }
  if (typeof value.key === 'string' && authors.has(value.key)) return authors.get(value.key);
  for (const key of Object.keys(value)) {
    if (['name', 'email', 'url'].includes(key)) continue;
    if (convention.strictValues || !IGNORED_AUTHOR_KEYS.has(key)) report.warn('unknown-key', `${field}.${key}`, 'unknown author key, ignored', [...where, key]);
  }
  // `uri`, `link` or `website` stand for the URL when `url` is absent (Jekyll data files, Atom habits).
  const urlValue = value.url ?? value.uri ?? value.link ?? value.website;
  const name = textField(context, `${field}.name`, value.name ?? '', [...where, 'name']);
  if (!name) {
    report.error('missing-field', `${field}.name`, 'is required', where);
    return undefined;
  }
  const author: Author = { name };
  if (value.email !== undefined) {
    const email = textField(context, `${field}.email`, value.email, [...where, 'email']);
    if (email !== undefined && !isEmailAddress(email)) report.error('email-invalid', `${field}.email`, `"${email}" is not an e-mail address`, [...where, 'email']);
    else if (email) author.email = email;
  }
  if (urlValue !== undefined) {
    const url = textField(context, `${field}.url`, urlValue, [...where, 'url']);
    if (url !== undefined) {
      const result = httpUrl(url);
      if ('problem' in result) report.error('url-invalid', `${field}.url`, `"${url}" ${result.problem}`, [...where, 'url']);
      else author.url = result.url;
    }
  }
  return author;
}

/**
 * Tags from every key the convention reads for them (`tags` and `categories`), merged: a list, a
 * string (one tag; space-separated words under Jekyll), or nothing.
 */
export function parseTags(context: FieldContext, found: readonly FoundKey[]): string[] {
  const { report, config, convention } = context;
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const { value, path } of found) {
    const field = path.join('.');
    if (value === null || value === undefined || value === '') continue;
    const items: Array<{ value: unknown; where: Array<string | number>; field: string }> = [];
    if (typeof value === 'string') {
      const words = convention.tagsSeparatedBySpaces ? value.split(/\s+/).filter(Boolean) : [value];
      if (!convention.tagsSeparatedBySpaces && value.includes(',')) {
        report.warn('tags-comma', field, `"${value}" is one tag; write a list like [${value.split(',').map((word) => word.trim()).join(', ')}] for several`, path);
      }
      items.push(...words.map((word) => ({ value: word, where: path, field })));
    } else if (Array.isArray(value)) {
      items.push(...value.map((item, index) => ({ value: item, where: [...path, index], field: `${field}[${index}]` })));
    } else {
      report.error('wrong-type', field, `must be a list like [Mali, Russia] or one tag, found ${describe(value)}`, path);
      continue;
    }
    for (const item of items) {
      const tag = textField(context, item.field, item.value, item.where);
      if (tag === undefined) continue;
      if (tag === '') {
        report.error('empty-field', item.field, 'is empty', item.where);
        continue;
      }
      if (!seen.has(tag)) tags.push(tag);
      seen.add(tag);
    }
  }
  if (tags.length > config.limits.maxTags) {
    report.error('too-many', found[0]!.path.join('.'), `has ${tags.length} tags; the limit is ${config.limits.maxTags} (limits.maxTags)`, found[0]!.path);
    return [];
  }
  return tags;
}

/** `draft`: a YAML boolean word, not a string that happens to look like one. */
export function parseDraft({ report, frontMatter }: FieldContext, data: Record<string, unknown>): boolean {
  if (!('draft' in data)) return false;
  const value = data.draft;
  if (value === 'true' || value === 'false') {
    if (frontMatter.isPlainScalar('draft')) return value === 'true';
    report.error('wrong-type', 'draft', `must be true or false without quotes, found the text "${value}"`);
  } else {
    report.error('wrong-type', 'draft', `must be true or false, found ${describe(value)}`);
  }
  return false;
}

export function parseSlug(context: FieldContext, data: Record<string, unknown>): Located<string> | undefined {
  if (!('slug' in data)) return undefined;
  const written = textField(context, 'slug', data.slug);
  if (written === undefined) return undefined;
  // A generator makes a URL segment of any slug (Jekyll slugifies it); postfeed's own rule is to refuse.
  const { convention } = context;
  const value = convention.strictValues ? written : styleSlug(written, convention.slugStyle === 'as-written' ? 'jekyll' : convention.slugStyle);
  if (!SLUG_PATTERN.test(value)) {
    context.report.error('slug-invalid', 'slug', `"${written}" is not URL-safe: use letters, digits, ".", "_", "~" and "-", starting with a letter or digit`);
    return undefined;
  }
  return { value, line: context.report.lineOf(['slug']) };
}

export function parseLang(context: FieldContext, data: Record<string, unknown>): string | undefined {
  if (!('lang' in data)) return undefined;
  const value = textField(context, 'lang', data.lang);
  if (value === undefined) return undefined;
  const result = canonicalLanguageTag(value);
  if ('problem' in result) context.report.error('lang-invalid', 'lang', `"${value}" ${result.problem}`);
  return 'tag' in result ? result.tag : undefined;
}

/** `image`: a path or URL; a list (Hugo `images`) gives its first. */
export function parseImage(context: FieldContext, data: Record<string, unknown>): Located<string> | undefined {
  if (!('image' in data)) return undefined;
  const generator = !context.convention.strictValues;
  let value: unknown = data.image;
  let where: Array<string | number> = ['image'];
  if (Array.isArray(value)) [value, where] = [value[0], ['image', 0]];
  // Astro's image() and theme objects: `{src, alt}`, `{url}`, `{path}`.
  if (generator && isRecord(value)) {
    const key = ['src', 'url', 'path'].find((candidate) => typeof (value as Record<string, unknown>)[candidate] === 'string');
    if (key) [value, where] = [value[key], [...where, key]];
  }
  // A generator treats an empty image as none; postfeed's own rule calls it a mistake.
  if (value === undefined || value === null || (generator && value === '')) return undefined;
  const text = textField(context, where.length > 1 ? `image.${where.slice(1).join('.')}` : 'image', value, where);
  if (text === '') context.report.error('empty-field', 'image', 'is empty');
  return text ? { value: text, line: context.report.lineOf(where) } : undefined;
}

/** `id`: an absolute http(s) URL, a `tag:` URI (RFC 4151) or a `urn:` (RFC 8141), normalized once. */
export function parseId(context: FieldContext, data: Record<string, unknown>): Located<string> | undefined {
  if (!('id' in data)) return undefined;
  const value = textField(context, 'id', data.id);
  if (value === undefined) return undefined;
  const result = normalizeId(value);
  if ('problem' in result) {
    context.report.error('id-invalid', 'id', `"${value}" ${result.problem} (ids never change once published)`);
    return undefined;
  }
  return { value: result.id, line: context.report.lineOf(['id']) };
}
