// Front matter → a typed ParsedPost, or diagnostics naming the file, the line and the field.
// The convention (and the site's `fields` map) says which key holds which field
// (conventions/keys.ts); every field has its parser in fields.ts; keys nobody reads are a warning.
// Identity (slug, permalink, id) is the next stage's job: identity/.
import type { Config } from '../config/schema.js';
import type { Author, Diagnostic, ParsedPost } from '../model.js';
import { CONVENTIONS, type Convention, type PostField } from './conventions/index.js';
import { POST_FIELDS } from './conventions/convention.js';
import { postName, titleFromName, type PostName } from './conventions/file-name.js';
import { findField, findKey, unknownKeys, type FieldOverrides } from './conventions/keys.js';
import { parseDate } from './dates.js';
import {
  parseAuthors,
  parseDateField,
  parseSummary,
  parseDraft,
  parseId,
  parseImage,
  parseLang,
  parseSlug,
  parseTags,
  parseTitle,
  textField,
  type FieldContext,
} from './fields.js';
import { splitFrontMatter, type FrontMatter } from './front-matter.js';
import { lineNumberAt } from './lines.js';
import { PostReport } from './report.js';
import { stripForbiddenCharacters } from './text.js';

export interface SourceFile {
  /** Path relative to the working directory, as diagnostics print it. */
  file: string;
  text: string;
}

export type ParseResult = { post?: ParsedPost; diagnostics: Diagnostic[] };

/** Authors by the key posts name them with (config `authors`). */
export type AuthorIndex = ReadonlyMap<string, Author>;

const NO_AUTHORS: AuthorIndex = new Map();

export function parsePost(source: SourceFile, config: Config, authors: AuthorIndex = NO_AUTHORS): ParseResult {
  const convention = CONVENTIONS[config.conventions];
  // Lines are counted on LF alone, as the front-matter parser counts them (CRLF and CR read like LF).
  const text = source.text.replace(/\r\n?/g, '\n');
  const split = splitFrontMatter(text);
  if (!split.ok) {
    const report = new PostReport(source.file, text);
    for (const problem of split.problems) {
      report.add('error', problem.code ?? 'front-matter', problem.field ?? 'front matter', problem.message, problem.line, problem.column);
    }
    return { diagnostics: report.diagnostics };
  }
  const { body, bodyLine } = split;
  const fields = fieldView(split.frontMatter, convention, config.fields);
  const report = new PostReport(source.file, text, fields.frontMatter, fields.names);
  for (const warning of split.warnings) {
    report.add('warning', warning.code ?? 'front-matter', warning.field ?? 'front matter', warning.message, warning.line, warning.column);
  }
  for (const key of unknownKeys(split.frontMatter, convention, config.fields)) {
    const known = convention.strictValues ? ` (known: ${Object.values(convention.keys).flat().join(', ')})` : ` by postfeed or ${convention.name}`;
    report.add('warning', 'unknown-key', key, `unknown front matter key, ignored${known}`, split.frontMatter.lineOf([key]) ?? 1);
  }
  for (const keys of fields.conflicts.values()) {
    report.add('error', 'conflicting-fields', keys[1]!, `both ${keys.join(' and ')} are set; keep one`, split.frontMatter.lineOf(keys[1]!.split('.')) ?? 1);
  }

  const context: FieldContext = { report, frontMatter: fields.frontMatter, config, convention, authors };
  const data = fields.frontMatter.data;
  const name = postName(source.file, convention);
  const rules = publicationRules(context, split.frontMatter);
  if (isBlank(data.title) && convention.untitled !== 'error') data.title = untitledTitle(context, name, body);
  const title = parseTitle(context, data);
  const date = postDate(context, name.date ?? dateInPath(rules.permalinkPath?.value));
  const updated = parseDateField(context, data, 'updated')?.date;
  if (date && updated && updated < date.date) report.warn('updated-before-date', 'updated', 'is earlier than date');
  const description = parseSummary(context, data);
  const postAuthors = parseAuthors(context, data, authorUrl(split.frontMatter, convention));
  const tags = parseTags(context, findField(split.frontMatter, 'tags', convention, config.fields));
  const draft = parseDraft(context, data);
  const slug = parseSlug(context, data);
  const lang = parseLang(context, data);
  const image = parseImage(context, data);
  const id = parseId(context, data);
  const markdown = cleanBody(report, body, bodyLine);

  if (report.failed || !title || !date) return { diagnostics: report.diagnostics };
  return {
    diagnostics: report.diagnostics,
    post: {
      file: source.file,
      title,
      date: date.date,
      calendar: date.calendar,
      ...(updated ? { updated } : {}),
      ...(description ? { description } : {}),
      authors: postAuthors,
      tags,
      categories: categoriesOf(split.frontMatter, convention),
      draft,
      ...rules,
      ...(slug ? { slug } : {}),
      ...(id ? { id } : {}),
      ...(image ? { image } : {}),
      ...(lang ? { lang } : {}),
      markdown,
      bodyLine,
    },
  };
}

interface FieldView {
  /** The front matter seen by field: `data.date` is whatever key holds the date under the convention. */
  frontMatter: FrontMatter;
  /** Field → the key it was read from, as messages name it (`pubDate`, `taxonomies.tags`). */
  names: Map<string, string>;
  /** Fields set by two keys where the convention allows one: field → the keys. */
  conflicts: Map<PostField, string[]>;
}

/** The front matter keyed by field, reading each field from its first key present. */
function fieldView(frontMatter: FrontMatter, convention: Convention, overrides: FieldOverrides): FieldView {
  const data: Record<string, unknown> = Object.create(null);
  const paths = new Map<string, string[]>();
  const names = new Map<string, string>();
  const conflicts = new Map<PostField, string[]>();
  for (const field of POST_FIELDS) {
    if (field === 'tags') continue; // every tags key is read, not the first: parseTags
    const found = findField(frontMatter, field, convention, overrides);
    // An image list (Hugo `images`) gives its first; a mapping where a path is expected is passed over.
    const chosen = field === 'image' ? (found.find((hit) => typeof hit.value === 'string' || Array.isArray(hit.value)) ?? found[0]) : found[0];
    if (!chosen) continue;
    if (convention.oneKeyPerField && found.length > 1) conflicts.set(field, found.map((hit) => hit.path.join('.')));
    data[field] = chosen.value;
    paths.set(field, chosen.path);
    names.set(field, chosen.path.join('.'));
  }
  return {
    names,
    conflicts,
    frontMatter: {
      data,
      // A field's path leads to the key it was read from; any other path is the front matter's own.
      lineOf: (where) => {
        const path = typeof where[0] === 'string' ? paths.get(where[0]) : undefined;
        return frontMatter.lineOf(path ? [...path, ...where.slice(1)] : where);
      },
      isPlainScalar: (key) => {
        const path = paths.get(key);
        return path?.length === 1 ? frontMatter.isPlainScalar(path[0]!) : false;
      },
    },
  };
}

const isBlank = (value: unknown) => value === undefined || value === null || value === '';

/**
 * The date: the front matter's; else the one in the file name (`2024-01-31-slug.md`) or in the
 * post's own permalink (`/2024/01/31/slug/`), read in the site's time zone. A front-matter date
 * postfeed cannot read falls back to the name's, with a warning, as generators keep such posts.
 */
function postDate(context: FieldContext, fromName: string | undefined): ReturnType<typeof parseDateField> {
  const { report, config, frontMatter } = context;
  const data = frontMatter.data;
  if (!context.convention.dateInName || fromName === undefined) return parseDateField(context, data, 'date');
  const named = parseDate(fromName, config.timeZone);
  if (isBlank(data.date)) {
    if (named.ok) return named;
    report.add('error', 'date-invalid', 'date', `the file name's date ${named.message}`, 1);
    return undefined;
  }
  const written = typeof data.date === 'string' ? parseDate(data.date, config.timeZone) : undefined;
  if (written?.ok || !named.ok) return parseDateField(context, data, 'date');
  report.warn('date-from-name', 'date', `${JSON.stringify(String(data.date)).slice(0, 80)} is not a date postfeed reads; the file name's date ${fromName} is used`);
  return named;
}

/** `/2024/01/31/slug/` → `2024-01-31`. */
function dateInPath(path: string | undefined): string | undefined {
  const match = path ? /^\/?(\d{4})\/(\d{2})\/(\d{2})\//.exec(path) : null;
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}

/** A title for a post without one, as its generator makes it: from the file name, or the first heading. */
function untitledTitle(context: FieldContext, name: PostName, body: string): string {
  const { convention, report } = context;
  const heading = convention.untitled === 'name' ? undefined : firstHeading(body);
  const title = heading ?? titleFromName(name);
  if (convention.untitled === 'heading-with-warning') {
    report.add('warning', 'title-missing', 'title', `is missing; the ${heading ? 'first heading' : 'file name'} gives "${title}"`, 1);
  }
  return title;
}

/** The text of the first `# Heading` outside fenced code. */
function firstHeading(body: string): string | undefined {
  let fence: string | undefined;
  for (const line of body.split('\n', 500)) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (!fence || (marker[0] === fence[0] && marker.length >= fence.length))) fence = fence ? undefined : marker;
    else if (!fence) {
      const heading = /^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
      if (heading) return heading[1]!.replace(/[*_`]/g, '');
    }
  }
  return undefined;
}

/** A single author's URL written next to the name (Docusaurus `author_url`). */
function authorUrl(frontMatter: FrontMatter, convention: Convention): { key: string; value: unknown } | undefined {
  for (const key of convention.authorUrlKeys) {
    const found = findKey(frontMatter.data, key, convention.caseInsensitiveKeys);
    if (found) return { key: found.path.join('.'), value: found.value };
  }
  return undefined;
}

/** Jekyll categories, for the `:categories` permalink token. */
function categoriesOf(frontMatter: FrontMatter, convention: Convention): string[] {
  const found = findKey(frontMatter.data, 'categories', convention.caseInsensitiveKeys) ?? findKey(frontMatter.data, 'category', convention.caseInsensitiveKeys);
  const value = found?.value;
  const list = typeof value === 'string' ? value.split(/\s+/) : Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  return list.map((item) => item.trim()).filter(Boolean);
}

type PublicationRules = Pick<ParsedPost, 'hiddenBy' | 'publishAt' | 'expiresAt' | 'permalinkPath'>;

/** What leaves a post out or holds it back, and a permalink the post sets itself. */
function publicationRules(context: FieldContext, frontMatter: FrontMatter): PublicationRules {
  const { report, convention, config } = context;
  const rules: PublicationRules = {};
  const find = (key: string) => findKey(frontMatter.data, key, convention.caseInsensitiveKeys);
  for (const rule of convention.hiddenWhen) {
    const found = find(rule.key);
    if (typeof found?.value === 'string' && found.value.toLowerCase() === rule.value) {
      rules.hiddenBy = `${found.path.join('.')}: ${found.value}`;
      break;
    }
  }
  const instant = (keys: readonly string[]): Date | undefined => {
    for (const key of keys) {
      const found = find(key);
      if (typeof found?.value !== 'string' || found.value.trim() === '') continue;
      const parsed = parseDate(found.value.trim(), config.timeZone);
      const field = found.path.join('.');
      if (parsed.ok) return parsed.date;
      report.add('error', 'date-invalid', field, parsed.message, frontMatter.lineOf(found.path) ?? 1);
    }
    return undefined;
  };
  const publishAt = instant(convention.publishKeys);
  if (publishAt) rules.publishAt = publishAt;
  const expiresAt = instant(convention.expiryKeys);
  if (expiresAt) rules.expiresAt = expiresAt;
  for (const key of convention.permalinkKeys) {
    const found = find(key);
    if (!found || rules.hiddenBy) continue;
    const field = found.path.join('.');
    const line = frontMatter.lineOf(found.path) ?? 1;
    const value = textField(context, field, found.value, []);
    if (value === undefined || value === '') continue;
    const problem = permalinkProblem(value);
    if (problem) report.add('warning', 'permalink-ignored', field, `"${value}" ${problem}; the permalink pattern is used instead`, line);
    else rules.permalinkPath = { value: value.startsWith('/') ? value : `/${value}`, line };
  }
  return rules;
}

/** Why a front-matter permalink cannot be used as written, if it cannot. */
function permalinkProblem(value: string): string | undefined {
  if (/\{\{|\{%/.test(value)) return 'is a template, which postfeed does not run';
  if (/(^|\/):[a-z_]+/.test(value)) return 'has placeholders, which postfeed does not expand here';
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('//')) return 'is not a path below the site';
  if (value.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) return 'has "." or ".." segments';
  if (/[\s<>"\\^`{|}]/.test(value)) return 'has characters a URL path cannot carry';
  return undefined;
}

/** The body without characters no feed may carry; the warning points at the line of the first one. */
function cleanBody(report: PostReport, body: string, bodyLine: number): string {
  const clean = stripForbiddenCharacters(body);
  if (clean.count > 0) {
    const line = bodyLine + lineNumberAt(body, clean.firstIndex) - 1;
    report.add('warning', 'forbidden-characters', 'body', `removed ${clean.count} character(s) no feed may carry (${clean.removed.join(', ')})`, line);
  }
  return clean.text;
}
