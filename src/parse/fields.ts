// One parser per front-matter key. Each reads the raw YAML value, reports problems with the
// key's line, and returns the typed value (or undefined when it is unusable).
import type { Config } from '../config/schema.js';
import type { Author, Located } from '../model.js';
import { parseDate, type CalendarDate } from './dates.js';
import type { FrontMatter } from './front-matter.js';
import { describe, isRecord, type DataPath, type PostReport } from './report.js';
import { collapseWhitespace, stripForbiddenCharacters } from './text.js';
import { canonicalLanguageTag, httpUrl, isEmailAddress, normalizeId } from './values.js';

export interface FieldContext {
  report: PostReport;
  frontMatter: FrontMatter;
  config: Config;
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

/** `description` or `summary`: the author's plain-text summary. */
export function parseDescription(context: FieldContext, data: Record<string, unknown>): string | undefined {
  if ('description' in data && 'summary' in data) {
    context.report.error('conflicting-fields', 'summary', 'both description and summary are set; keep one');
  }
  const key = 'description' in data ? 'description' : 'summary' in data ? 'summary' : undefined;
  return key ? textField(context, key, data[key]) || undefined : undefined;
}

/** `author` (one) or `authors` (a list): each a name or `{name, email, url}`. */
export function parseAuthors(context: FieldContext, data: Record<string, unknown>): Author[] {
  const { report } = context;
  if ('author' in data && 'authors' in data) report.error('conflicting-fields', 'authors', 'both author and authors are set; keep one');
  const authors: Author[] = [];
  const add = (author: Author | undefined) => author && authors.push(author);
  if ('author' in data) add(parseAuthor(context, 'author', data.author, ['author']));
  else if ('authors' in data) {
    if (!Array.isArray(data.authors)) report.error('wrong-type', 'authors', `must be a list, found ${describe(data.authors)}`);
    else data.authors.forEach((value, index) => add(parseAuthor(context, `authors[${index}]`, value, ['authors', index])));
  }
  return authors;
}

function parseAuthor(context: FieldContext, field: string, value: unknown, where: Array<string | number>): Author | undefined {
  const { report } = context;
  if (typeof value === 'string') {
    const name = textField(context, field, value, where);
    if (name === '') report.error('empty-field', field, 'is empty', where);
    return name ? { name } : undefined;
  }
  if (!isRecord(value)) {
    report.error('wrong-type', field, `must be a name or {name, email, url}, found ${describe(value)}`, where);
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!['name', 'email', 'url'].includes(key)) report.warn('unknown-key', `${field}.${key}`, 'unknown author key, ignored', [...where, key]);
  }
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
  if (value.url !== undefined) {
    const url = textField(context, `${field}.url`, value.url, [...where, 'url']);
    if (url !== undefined) {
      const result = httpUrl(url);
      if ('problem' in result) report.error('url-invalid', `${field}.url`, `"${url}" ${result.problem}`, [...where, 'url']);
      else author.url = result.url;
    }
  }
  return author;
}

export function parseTags(context: FieldContext, data: Record<string, unknown>): string[] {
  const { report, config } = context;
  const tags: string[] = [];
  if (!('tags' in data)) return tags;
  const value = data.tags;
  if (!Array.isArray(value)) {
    report.error('wrong-type', 'tags', `must be a list like [Mali, Russia], found ${describe(value)}`);
    return tags;
  }
  if (value.length > config.limits.maxTags) {
    report.error('too-many', 'tags', `has ${value.length} tags; the limit is ${config.limits.maxTags} (limits.maxTags)`);
    return tags;
  }
  const seen = new Set<string>();
  value.forEach((item, index) => {
    const tag = textField(context, `tags[${index}]`, item, ['tags', index]);
    if (tag === undefined) return;
    if (tag === '') return report.error('empty-field', `tags[${index}]`, 'is empty', ['tags', index]);
    if (!seen.has(tag)) tags.push(tag);
    seen.add(tag);
  });
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
  const value = textField(context, 'slug', data.slug);
  if (value === undefined) return undefined;
  if (!SLUG_PATTERN.test(value)) {
    context.report.error('slug-invalid', 'slug', `"${value}" is not URL-safe: use letters, digits, ".", "_", "~" and "-", starting with a letter or digit`);
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

export function parseImage(context: FieldContext, data: Record<string, unknown>): Located<string> | undefined {
  if (!('image' in data)) return undefined;
  const value = textField(context, 'image', data.image);
  if (value === '') context.report.error('empty-field', 'image', 'is empty');
  return value ? { value, line: context.report.lineOf(['image']) } : undefined;
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
