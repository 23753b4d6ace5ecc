// The id ledger (postfeed.lock.json): the id every published post keeps, whatever later changes
// its file name, slug, permalink pattern or base URL. Pure: text in, entries, changes and
// diagnostics out; source/ledger-file.ts reads it, output/ledger.ts writes it.
import { createHash } from 'node:crypto';
import type { Diagnostic, Post } from '../model.js';

export interface LedgerEntry {
  /** The post's file, relative to the working directory. */
  source: string;
  id: string;
  /** When the post was first recorded as published: its date then (RFC 3339, UTC). */
  published: string;
  /** `sha256:` of the body, to recognise a renamed file (see fingerprintOf). */
  fingerprint: string;
  /** Ids the post had before a change made with --update-ledger: `check` takes those changes as intended. */
  previous?: string[];
}

/** What a build did to the ledger, printed as one line each. */
export type LedgerChange =
  | { kind: 'added'; source: string; id: string }
  | { kind: 'moved'; from: string; to: string; id: string }
  | { kind: 'id-changed'; source: string; from: string; to: string }
  | { kind: 'dropped'; source: string; id: string };

const VERSION = 1;
const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;

/**
 * A hash of the Markdown body that survives a rename and a change of the front matter: line
 * endings, trailing blanks and surrounding blank lines do not count.
 */
export function fingerprintOf(markdown: string): string {
  return `sha256:${createHash('sha256').update(normalizedBody(markdown), 'utf8').digest('hex')}`;
}

function normalizedBody(markdown: string): string {
  // Nearly every body has neither: then no line changes, only the ends do — without a string per line.
  if (!hasCrOrSpaceAtLineEnd(markdown)) return markdown.trim();
  return markdown
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

/**
 * Whether the text has a CR, or white space (as trimEnd knows it) that ends a line or the text:
 * a look at the character before each LF, several times faster than a pattern tried at every position.
 */
function hasCrOrSpaceAtLineEnd(text: string): boolean {
  if (text.includes('\r')) return true;
  for (let lineEnd = text.indexOf('\n'); ; lineEnd = text.indexOf('\n', lineEnd + 1)) {
    const end = lineEnd === -1 ? text.length : lineEnd;
    if (end > 0 && isSpaceNotLf(text.charCodeAt(end - 1))) return true;
    if (lineEnd === -1) return false;
  }
}

const SPACE = /\s/;

/** `\s` (what trimEnd removes) but LF: tab, VT, FF, CR, space, and the non-ASCII ones `\s` knows. */
function isSpaceNotLf(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d && code !== 0x0a) || (code >= 0x80 && SPACE.test(String.fromCharCode(code)));
}

/** The ledger's text: sorted by source, one line per post, so a diff shows one line per change. */
export function serializeLedger(entries: readonly LedgerEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  const line = (entry: LedgerEntry) => {
    const fields: Array<[string, unknown]> = [
      ['source', entry.source],
      ['id', entry.id],
      ['published', entry.published],
      ['fingerprint', entry.fingerprint],
      ...(entry.previous?.length ? [['previous', entry.previous] as [string, unknown]] : []),
    ];
    return `    {${fields.map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`).join(', ')}}`;
  };
  const body = sorted.map(line).join(',\n');
  return `{\n  "version": ${VERSION},\n  "posts": [${sorted.length > 0 ? `\n${body}\n  ` : ''}]\n}\n`;
}

/** The entries of a ledger's text, or an error naming the file and the line. */
export function parseLedger(text: string, file: string): { entries: LedgerEntry[] } | { diagnostic: Diagnostic } {
  const problem = (message: string, line?: number): { diagnostic: Diagnostic } => ({
    diagnostic: { severity: 'error', code: 'ledger-invalid', file, ...(line ? { line } : {}), message: `${message}; fix or restore the file (it is under version control)` },
  });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    return problem(`not valid JSON (${message.replace(/\s*\(line \d+ column \d+\)$/, '')})`, jsonErrorLine(text, message));
  }
  if (!isObject(data) || data.version !== VERSION || !Array.isArray(data.posts)) {
    return problem(`must be {"version": ${VERSION}, "posts": […]}`, 1);
  }
  const entries: LedgerEntry[] = [];
  const sources = new Set<string>();
  for (const [index, raw] of data.posts.entries()) {
    // Found only for a problem: searching the text for every entry would be quadratic.
    const where = () => lineOfEntry(text, raw, index);
    const entry = ledgerEntry(raw);
    if (typeof entry === 'string') return problem(`posts[${index}]: ${entry}`, where());
    if (sources.has(entry.source)) return problem(`posts[${index}]: "${entry.source}" is listed twice`, where());
    sources.add(entry.source);
    entries.push(entry);
  }
  return { entries };
}

function ledgerEntry(raw: unknown): LedgerEntry | string {
  if (!isObject(raw)) return 'must be an object {"source", "id", "published", "fingerprint"}';
  const { source, id, published, fingerprint, previous, ...unknown } = raw;
  const extra = Object.keys(unknown);
  if (extra.length > 0) return `unknown key "${extra[0]}"`;
  if (typeof source !== 'string' || source === '') return '"source" must be the post\'s path';
  if (typeof id !== 'string' || id === '') return '"id" must be a non-empty string';
  if (typeof published !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(published) || Number.isNaN(Date.parse(published))) return '"published" must be an RFC 3339 date';
  if (typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint)) return '"fingerprint" must be "sha256:" and 64 hex digits';
  if (previous !== undefined && (!Array.isArray(previous) || !previous.every((value) => typeof value === 'string'))) return '"previous" must be a list of ids';
  return { source, id, published, fingerprint, ...(previous?.length ? { previous: previous as string[] } : {}) };
}

/** The line JSON.parse stopped at: Node ≥ 22 names it, Node 20 gives the position. */
function jsonErrorLine(text: string, message: string): number {
  const line = /\(line (\d+) column \d+\)/.exec(message);
  if (line) return Number(line[1]);
  const position = /at position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : text.length;
  return text.slice(0, offset).split('\n').length;
}

/** The line an entry is on: the ledger holds one per line, so the line naming its source, else counting entries. */
function lineOfEntry(text: string, raw: unknown, index: number): number {
  const lines = text.split('\n');
  const source = isObject(raw) && typeof raw.source === 'string' ? JSON.stringify(raw.source) : undefined;
  const named = source === undefined ? -1 : lines.findIndex((line) => line.includes(source));
  if (named >= 0) return named + 1;
  const first = lines.findIndex((line) => line.includes('"posts"'));
  return first >= 0 ? first + 2 + index : 1;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The entry a post keeps its id from, and the path it had when the entry was written there. */
export interface LedgerMatch {
  entry: LedgerEntry;
  movedFrom?: string;
}

/**
 * Each post's entry: by source path, else — for a renamed file — by fingerprint, when exactly one
 * unclaimed entry and exactly one unmatched post share it (two posts with one body stay apart).
 */
export function matchLedger(posts: ReadonlyArray<{ file: string; markdown: string; fingerprint?: string }>, entries: readonly LedgerEntry[]): Map<string, LedgerMatch> {
  const matches = new Map<string, LedgerMatch>();
  const bySource = new Map(entries.map((entry) => [entry.source, entry]));
  const unmatched: Array<{ file: string; fingerprint: string }> = [];
  for (const post of posts) {
    const entry = bySource.get(post.file);
    if (entry) matches.set(post.file, { entry });
    else unmatched.push({ file: post.file, fingerprint: post.fingerprint ?? fingerprintOf(post.markdown) });
  }
  const files = new Set(posts.map((post) => post.file));
  const unclaimed = entries.filter((entry) => !files.has(entry.source));
  const count = <T>(values: T[], key: (value: T) => string) => {
    const counts = new Map<string, number>();
    for (const value of values) counts.set(key(value), (counts.get(key(value)) ?? 0) + 1);
    return counts;
  };
  const entryCounts = count(unclaimed, (entry) => entry.fingerprint);
  const postCounts = count(unmatched, (post) => post.fingerprint);
  for (const post of unmatched) {
    if (entryCounts.get(post.fingerprint) !== 1 || postCounts.get(post.fingerprint) !== 1) continue;
    const entry = unclaimed.find((candidate) => candidate.fingerprint === post.fingerprint)!;
    matches.set(post.file, { entry, movedFrom: entry.source });
  }
  return matches;
}

export interface LedgerUpdate {
  entries: LedgerEntry[];
  changes: LedgerChange[];
  diagnostics: Diagnostic[];
}

export interface LedgerUpdateOptions {
  /** --update-ledger: record front-matter id changes and drop the entries of deleted posts. */
  update: boolean;
  /** Posts that are public (not drafts, not in the future): only these are recorded when new. */
  published: ReadonlySet<string>;
  /** The ledger file as diagnostics name it. */
  file: string;
}

/**
 * The ledger after this build: moves and fingerprints followed, public posts not in it added,
 * and the two changes that need a person's word — a front-matter id that differs from the
 * recorded one, an entry whose post is gone — refused (or done with `update`).
 */
export function updateLedger(entries: readonly LedgerEntry[], posts: readonly Post[], matches: ReadonlyMap<string, LedgerMatch>, options: LedgerUpdateOptions): LedgerUpdate {
  const result: LedgerUpdate = { entries: [], changes: [], diagnostics: [] };
  const claimed = new Set<LedgerEntry>();
  for (const post of posts) {
    const match = matches.get(post.file);
    const fingerprint = post.fingerprint ?? fingerprintOf(post.markdown);
    if (!match) {
      if (!options.published.has(post.file)) continue;
      result.entries.push({ source: post.file, id: post.id, published: rfc3339(post.date), fingerprint });
      result.changes.push({ kind: 'added', source: post.file, id: post.id });
      continue;
    }
    const { entry, movedFrom } = match;
    claimed.add(entry);
    if (movedFrom !== undefined) result.changes.push({ kind: 'moved', from: movedFrom, to: post.file, id: entry.id });
    // Only the front matter can give a post another id than its entry's.
    if (post.id !== entry.id && !options.update) {
      result.diagnostics.push({
        severity: 'error',
        code: 'ledger-id-changed',
        file: post.file,
        line: post.identityLines.id ?? 1,
        field: 'id',
        message:
          `the front matter sets id "${post.id}", but ${options.file} records "${entry.id}" for this post; readers would show it again as new. ` +
          `Remove the id from the front matter to keep the old one, or run postfeed build --update-ledger to make the change on purpose`,
      });
      result.entries.push(entry);
      continue;
    }
    const previous = post.id === entry.id ? entry.previous : [...(entry.previous ?? []).filter((id) => id !== entry.id), entry.id];
    if (post.id !== entry.id) result.changes.push({ kind: 'id-changed', source: post.file, from: entry.id, to: post.id });
    result.entries.push({ ...entry, source: post.file, id: post.id, fingerprint, ...(previous?.length ? { previous } : {}) });
  }
  for (const entry of entries) {
    if (claimed.has(entry)) continue;
    if (options.update) {
      result.changes.push({ kind: 'dropped', source: entry.source, id: entry.id });
      continue;
    }
    result.entries.push(entry);
    result.diagnostics.push({
      severity: 'warning',
      code: 'ledger-post-gone',
      file: options.file,
      message: `${entry.source} (id ${entry.id}) is recorded, but no post has that file or its content; kept. If it was deleted on purpose, run postfeed build --update-ledger to drop it`,
    });
  }
  return result;
}

/** `2023-07-01T00:00:00Z`: whole seconds are what any feed date carries. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, 'Z');
}

/** `check`'s `intended`: an id change --update-ledger recorded (the old id is in the entry's `previous`). */
export function recordedIdChange(entries: readonly LedgerEntry[], from: string, to: string): boolean {
  return entries.some((entry) => entry.id === to && (entry.previous ?? []).includes(from));
}

