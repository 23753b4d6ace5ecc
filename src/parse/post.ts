// Front matter → a typed ParsedPost, or diagnostics naming the file, the line and the field.
// Every key postfeed understands has its parser in fields.ts; anything else is a warning.
// Identity (slug, permalink, id) is the next stage's job: identity/.
import type { Config } from '../config/schema.js';
import type { Diagnostic, ParsedPost } from '../model.js';
import {
  parseAuthors,
  parseDateField,
  parseDescription,
  parseDraft,
  parseId,
  parseImage,
  parseLang,
  parseSlug,
  parseTags,
  parseTitle,
  type FieldContext,
} from './fields.js';
import { splitFrontMatter } from './front-matter.js';
import { PostReport } from './report.js';
import { stripForbiddenCharacters } from './text.js';
import { lineNumberAt } from './lines.js';

export interface SourceFile {
  /** Path relative to the working directory, as diagnostics print it. */
  file: string;
  text: string;
}

export type ParseResult = { post?: ParsedPost; diagnostics: Diagnostic[] };

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

export function parsePost(source: SourceFile, config: Config): ParseResult {
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
  const { frontMatter, body, bodyLine } = split;
  const report = new PostReport(source.file, text, frontMatter);
  for (const warning of split.warnings) {
    report.add('warning', warning.code ?? 'front-matter', warning.field ?? 'front matter', warning.message, warning.line, warning.column);
  }
  const context: FieldContext = { report, frontMatter, config };
  const data = frontMatter.data;

  for (const key of Object.keys(data)) {
    if (!KNOWN.has(key)) report.warn('unknown-key', key, `unknown front matter key, ignored (known: ${KNOWN_FIELDS.join(', ')})`);
  }

  const title = parseTitle(context, data);
  const date = parseDateField(context, data, 'date');
  const updated = parseDateField(context, data, 'updated')?.date;
  if (date && updated && updated < date.date) report.warn('updated-before-date', 'updated', 'is earlier than date');
  const description = parseDescription(context, data);
  const authors = parseAuthors(context, data);
  const tags = parseTags(context, data);
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
      authors,
      tags,
      draft,
      ...(slug ? { slug } : {}),
      ...(id ? { id } : {}),
      ...(image ? { image } : {}),
      ...(lang ? { lang } : {}),
      markdown,
      bodyLine,
    },
  };
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
