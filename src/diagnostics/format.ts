// Diagnostics as text: `posts/file.md:LINE:COL: field: message`, a one-line code frame, notes, and a summary.
//
// Every part of a diagnostic can come from input (file names, YAML keys, values, source lines), and
// the text goes to a terminal or a CI log. So control characters are shown as visible escapes and
// no line can pass for a CI workflow command (`::error …`, `##vso[…]`) or for postfeed's own
// summary line (`postfeed: …`): every line but the first is indented, and the first starts with a
// path that cannot look like either (`./` is put in front when needed) or, without a file, a space.
import type { Diagnostic, DiagnosticNote } from '../model.js';

/** Identical problems shared by more files than this are shown this many times, then counted. */
const GROUP_AFTER = 3;

/**
 * Characters that move the cursor, end a line, change the terminal or reorder text: C0 controls
 * and DEL, C1 controls, line and paragraph separators, bidi marks, embeddings, overrides and
 * isolates, and lone surrogates (which a terminal would show as U+FFFD).
 */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** UNSAFE without its look-around: most text has none of these, and the test is cheap. */
const MAYBE_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/;

const SHORT_ESCAPES: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\v': '\\v', '\f': '\\f', '\r': '\\r' };

/** `text` with every unsafe character as a visible escape (`\n`, `\x1b`, `\u202e`); the rest unchanged. */
export function escapeControls(text: string): string {
  if (!MAYBE_UNSAFE.test(text)) return text;
  return text.replace(UNSAFE, (character) => {
    const short = SHORT_ESCAPES[character];
    if (short) return short;
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Starts of a line that a CI system or a reader of the log would take for something else. */
const MISLEADING_START = /^(?:::|##|postfeed:)/;

/**
 * A path as printed: escaped, and with `./` in front of a relative path whose first segment
 * contains a colon or that starts with anything but a letter, digit, `_` or `.` (so neither
 * `::error file=x::y.md` nor `postfeed: 0 posts.md` can start a line of output as themselves).
 */
export function shownPath(file: string): string {
  const escaped = escapeControls(file);
  if (/^(?:\/|[A-Za-z]:[\\/])/.test(escaped)) return escaped;
  const firstSegment = escaped.split('/', 1)[0] ?? '';
  return /^[\p{L}\p{N}_.]/u.test(escaped) && !firstSegment.includes(':') ? escaped : `./${escaped}`;
}

/** `file:line:column`, or undefined without a file (a line without its file means nothing to a reader). */
function location(place: { file?: string; line?: number; column?: number }): string | undefined {
  if (place.file === undefined) return undefined;
  let text = shownPath(place.file);
  if (place.line !== undefined) {
    text += `:${place.line}`;
    if (place.column !== undefined) text += `:${place.column}`;
  }
  return text;
}

/** The source line under a diagnostic, with a caret where the column lands in the escaped text. */
function codeFrame(excerpt: string, line: number, column: number | undefined, indent: string): string {
  const gutter = String(line);
  let text = `\n${indent}${gutter} | ${escapeControls(excerpt)}`;
  // A caret only where it lands inside the (possibly shortened) excerpt.
  if (column !== undefined && column >= 1 && column <= excerpt.length + 1) {
    const offset = escapeControls(excerpt.slice(0, column - 1)).length;
    text += `\n${indent}${' '.repeat(gutter.length)} | ${' '.repeat(offset)}^`;
  }
  return text;
}

function formatNote(note: DiagnosticNote): string {
  const where = location(note);
  let text = `  note: ${where !== undefined ? `${where}: ` : ''}${escapeControls(note.message)}`;
  if (note.excerpt !== undefined && note.line !== undefined && note.file !== undefined) {
    text += codeFrame(note.excerpt, note.line, note.column, '    ');
  }
  return text;
}

/**
 * One diagnostic as text: `file:line:column: [warning: ]field: message`, or `field: message`
 * without a file; then its code frame and notes, indented. Errors carry no label, as in a compiler.
 */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const where = location(diagnostic);
  const severity = diagnostic.severity === 'warning' ? 'warning: ' : '';
  const field = diagnostic.field ? `${escapeControls(diagnostic.field)}: ` : '';
  let text = `${where !== undefined ? `${where}: ` : ''}${severity}${field}${escapeControls(diagnostic.message)}`;
  if (MISLEADING_START.test(text)) text = ` ${text}`;
  if (diagnostic.excerpt !== undefined && diagnostic.line !== undefined && where !== undefined) {
    text += codeFrame(diagnostic.excerpt, diagnostic.line, diagnostic.column, '  ');
  }
  for (const note of diagnostic.notes ?? []) text += `\n${formatNote(note)}`;
  return text;
}

/** One kind of problem: how many, how many beyond the first GROUP_AFTER and in how many files. */
interface Group {
  size: number;
  rest: number;
  restFiles: Set<string | undefined>;
  /** Members printed so far. */
  shown: number;
}

const groupKey = (diagnostic: Diagnostic) =>
  [diagnostic.severity, diagnostic.code ?? '', diagnostic.field ?? '', diagnostic.message].join('\u0000');

/**
 * Every diagnostic, errors first, each in the order found. Identical problems (same severity,
 * code, field and message) from more than GROUP_AFTER + 1 files are shown for the first
 * GROUP_AFTER, then counted in one line. Two passes over a map: linear in the number of diagnostics.
 */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string[] {
  const keys = diagnostics.map(groupKey);
  const groups = new Map<string, Group>();
  keys.forEach((key, index) => {
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { size: 0, rest: 0, restFiles: new Set(), shown: 0 }));
    if (++group.size > GROUP_AFTER) {
      group.rest++;
      group.restFiles.add(diagnostics[index]!.file);
    }
  });
  const lines: string[] = [];
  for (const severity of ['error', 'warning'] as const) {
    diagnostics.forEach((diagnostic, index) => {
      if (diagnostic.severity !== severity) return;
      const group = groups.get(keys[index]!)!;
      const folded = group.size > GROUP_AFTER + 1;
      if (folded && group.shown === GROUP_AFTER) return;
      lines.push(formatDiagnostic(diagnostic));
      if (folded && ++group.shown === GROUP_AFTER) lines.push(foldedLine(group, severity));
    });
  }
  return lines;
}

/** `  … and 751 more files with this error`, or the count of problems when files repeat. */
function foldedLine(group: Group, severity: Diagnostic['severity']): string {
  const files = group.restFiles.size;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return files === group.rest
    ? `  … and ${plural(files, 'more file')} with this ${severity}`
    : `  … and ${group.rest} more of this ${severity} in ${plural(files, 'file')}`;
}

/** `2 errors, 1 warning in 3 files`: files counted once, flags and environment variables not at all. */
export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  let errors = 0;
  const files = new Set<string>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity === 'error') errors++;
    if (diagnostic.file !== undefined) files.add(diagnostic.file);
  }
  const warnings = diagnostics.length - errors;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${plural(files.size, 'file')}`;
}
