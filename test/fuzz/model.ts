// The oracle: what the README says becomes of a post, computed without postfeed's own code.
import path from 'node:path';
import type { AuthorInput, PostInput } from './arbitraries.js';
import { BASE_CONFIG } from '../helpers.js';

const SITE_AUTHOR = BASE_CONFIG.author as { name: string };

export const BASE_URL = 'https://example.com/blog/';
export const MAX_TITLE_LENGTH = 1000;
export const MAX_YEAR = 9999;
export const SUMMARY_LENGTH = 300;

/**
 * "Characters no XML feed may carry (C0 controls other than tab and newline, U+FFFE, U+FFFF,
 * lone surrogates) and C1 controls are removed" (README, Text hygiene). DEL goes with the C1s;
 * CR is white space and is kept (then collapsed wherever white space is).
 */
export function stripForbidden(text: string): string {
  let out = '';
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text.slice(index, index + 2);
        index += 1;
      }
      continue;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) continue;
    if (unit < 0x20 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0d) continue;
    if ((unit >= 0x7f && unit <= 0x9f) || unit === 0xfffe || unit === 0xffff) continue;
    out += text[index];
  }
  return out;
}

/** A single-line field as documented: stripped, every run of white space one space, trimmed. */
export function singleLine(text: string): string {
  return stripForbidden(text).replace(/\s+/gu, ' ').trim();
}

/** What a Markdown body becomes once written to a UTF-8 file and stripped. */
export function bodyText(text: string): string {
  return stripForbidden(text.toWellFormed());
}

export const fileOf = (index: number) => path.join('posts', `p${index}.md`);
export const permalinkOf = (index: number) => `${BASE_URL}posts/p${index}/`;

export type SummaryExpectation =
  | { kind: 'exact'; text: string }
  /** The first paragraph, whole or cut at a word after 300 characters with an ellipsis. */
  | { kind: 'lead'; text: string }
  | { kind: 'unknown' };

export interface ExpectedAuthor {
  name: string;
  email?: string;
}

export interface ExpectedItem {
  file: string;
  link: string;
  id: string;
  title: string;
  date: number;
  updated?: number;
  summary: SummaryExpectation;
  authors: ExpectedAuthor[];
  tags: string[];
}

export interface Expectation {
  /** `file field` of every error the build must report (and no other). */
  errors: Set<string>;
  /** The items, in file order, when the build must succeed. */
  items: ExpectedItem[];
}

export const errorKey = (file: string | undefined, field: string | undefined) => `${file ?? '(none)'} ${field ?? '(none)'}`;

/**
 * A WHATWG href as RFC 3986 allows it: the characters it forbids (`|`, `^`, `[`, `]`, `{`, `}`, a
 * backtick, `<`, `>`, `"`) percent-encoded, escapes in upper case, escaped unreserved characters decoded.
 */
function rfc3986(href: string): string {
  return href
    .replace(/%[0-9a-f]{2}/gi, (escape) => {
      const character = String.fromCharCode(parseInt(escape.slice(1), 16));
      return /[A-Za-z0-9._~-]/.test(character) ? character : escape.toUpperCase();
    })
    .replace(/[|^[\]{}`<>"]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    // Only the first "#" starts the fragment; one inside it is data.
    .replace(/(?<=#.*)#/g, '%23');
}

/**
 * RFC 8141 as the W3C validator reads it: urn:NID:NSS with a 2–32 character NID; the NSS of
 * letters, digits, ()+,-.:=@;$_!*' and %XX (never "~"), other scripts percent-encoded as UTF-8.
 */
function urn(value: string): string | undefined {
  const match = /^urn:([a-z0-9][a-z0-9-]{0,30}[a-z0-9]):(.+)$/i.exec(value);
  if (!match) return undefined;
  let nss = '';
  for (const character of match[2]!) {
    if (/[A-Za-z0-9()+,\-.:=@;$_!*'%]/.test(character)) nss += character;
    else if (character.codePointAt(0)! > 0x7f) nss += encodeURIComponent(character);
    else return undefined;
  }
  if (/%(?![0-9a-f]{2})/i.test(nss)) return undefined;
  nss = nss.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
  if (/~|%7E/.test(nss)) return undefined;
  if (match[1]!.toLowerCase() === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(nss)) return undefined;
  return `urn:${match[1]}:${nss}`;
}

/** The id the README promises for `id:` (absolute URL, tag: or urn:), or undefined when it must be refused. */
export function expectedId(written: string): string | undefined {
  const value = singleLine(written);
  if (/\s/u.test(value)) return undefined;
  // A "%" must start a percent-escape, and a backslash means "/" to browsers only (RFC 3986).
  if (/%(?![0-9a-f]{2})/i.test(value) || value.includes('\\')) return undefined;
  // Percent-escapes must spell UTF-8 ("%A0" alone does not): ids are compared as text by readers.
  try {
    decodeURIComponent(value);
  } catch {
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return undefined;
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    // Written out as scheme://host with a dotted host name, no user name or password.
    if (!/^https?:\/\//i.test(value) || !parsed.hostname.includes('.') || parsed.username || parsed.password) return undefined;
    return rfc3986(parsed.href);
  }
  // RFC 4151: tag:authority,date:specific (the specific part may be empty).
  if (parsed.protocol === 'tag:') return /^tag:[^,:]+,\d{4}(-\d{2}){0,2}:/i.test(value) ? rfc3986(parsed.href) : undefined;
  // RFC 8141: urn:NID:NSS, a 2–32 character NID and a non-empty NSS.
  if (parsed.protocol === 'urn:') return urn(value);
  return undefined;
}

export function expectationFor(posts: readonly PostInput[]): Expectation {
  const errors = new Set<string>();
  const valid: ExpectedItem[] = [];
  posts.forEach((post, index) => {
    const file = fileOf(index);
    const problems: string[] = [];
    // "NUL bytes and binary files are errors that say so": the file is refused before it is read.
    if (`${post.lead ?? ''}${post.body}`.includes('\0')) {
      errors.add(errorKey(file, 'file'));
      return;
    }

    // "Years after 9999 are errors": also an instant an offset pushes into year 10000 in UTC.
    if (new Date(post.date.millis).getUTCFullYear() > MAX_YEAR) problems.push('date');
    if (post.updated && new Date(post.updated.millis).getUTCFullYear() > MAX_YEAR) problems.push('updated');

    const title = singleLine(post.title);
    if (title === '' || title.length > MAX_TITLE_LENGTH) problems.push('title');

    const authors: ExpectedAuthor[] = [];
    const author = (value: AuthorInput, field: string) => {
      if (typeof value === 'string') {
        const name = singleLine(value);
        if (name === '') problems.push(field);
        else authors.push({ name });
        return;
      }
      const name = singleLine(value.name);
      if (name === '') problems.push(`${field}.name`);
      else authors.push({ name, ...(value.email ? { email: value.email } : {}) });
    };
    if (post.author?.key === 'author') author(post.author.value, 'author');
    if (post.author?.key === 'authors') post.author.value.forEach((value, i) => author(value, `authors[${i}]`));

    const tags: string[] = [];
    post.tags?.forEach((written, i) => {
      const tag = singleLine(written);
      if (tag === '') problems.push(`tags[${i}]`);
      else if (!tags.includes(tag)) tags.push(tag);
    });

    let id = permalinkOf(index);
    if (post.id !== null) {
      const normalized = expectedId(post.id);
      if (normalized === undefined) problems.push('id');
      else id = normalized;
    }

    const description = post.description ? singleLine(post.description.text) : '';
    const summary: SummaryExpectation =
      description !== ''
        ? { kind: 'exact', text: description }
        : post.lead !== null
          ? { kind: 'lead', text: bodyText(post.lead).replace(/\s+/gu, ' ').trim() }
          : { kind: 'unknown' };

    for (const field of problems) errors.add(errorKey(file, field));
    if (problems.length > 0) return;
    valid.push({
      file,
      link: permalinkOf(index),
      id,
      title,
      date: post.date.millis,
      ...(post.updated ? { updated: post.updated.millis } : {}),
      summary,
      // Every item credits an author: the post's, else the site's.
      authors: authors.length > 0 ? authors : [{ name: SITE_AUTHOR.name }],
      tags,
    });
  });

  // One id per post: a second post with an id already taken is an error naming the id.
  const seen = new Set<string>();
  for (const item of valid) {
    if (seen.has(item.id)) errors.add(errorKey(item.file, 'id'));
    seen.add(item.id);
  }
  return { errors, items: errors.size === 0 ? valid : [] };
}

/** Whether `summary` is what the README promises for a first paragraph `text`. */
export function matchesLead(summary: string, text: string): boolean {
  const characters = Array.from(text);
  if (characters.length <= SUMMARY_LENGTH) return summary === text;
  if (!summary.endsWith('…')) return false;
  const kept = summary.slice(0, -1);
  return kept.length > 0 && text.startsWith(kept) && Array.from(kept).length <= SUMMARY_LENGTH;
}
