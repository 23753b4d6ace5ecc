// TOML front matter (`+++` … `+++`, Zola's only format and Hugo's default) read into the same
// FrontMatter the YAML reader gives: every number, boolean and date stays the text the author
// wrote (`weight = 1_000` is "1_000", `date = 1979-05-27 07:32:00-08:00` keeps its space and its
// offset), tables become records, arrays stay arrays.
//
// smol-toml validates and builds the data. It keeps no positions, so one forward scan over the
// source finds the line of every key and list item and the text of every scalar; the scan runs
// first and stops at the first limit, so hostile front matter never reaches the parser.
import { createRequire } from 'node:module';
import type * as SmolToml from 'smol-toml';
import type { TomlError } from 'smol-toml';
import type { FrontMatter, FrontMatterLimits, FrontMatterProblem, ParsedFrontMatter } from './front-matter.js';
import { lineNumberAt } from './lines.js';

// smol-toml loads the first time a post has TOML front matter (CommonJS build: synchronously).
const require = createRequire(import.meta.url);
let tomlModule: typeof SmolToml | undefined;

function tomlLibrary(): typeof SmolToml {
  return (tomlModule ??= require('smol-toml') as typeof SmolToml);
}

/**
 * Parses the TOML between the delimiters. The text starts with the newline that ends the opening
 * `+++` line, so TOML line N is file line N.
 */
export function parseTomlFrontMatter(toml: string, limits: FrontMatterLimits): ParsedFrontMatter {
  const layout = layoutOf(toml, limits);
  const overLimit = limitProblem(toml, layout, limits);
  if (overLimit) return { problems: [overLimit] };
  let data: Record<string, unknown>;
  try {
    // Integers past 2^53 are valid TOML; they are kept as written, so the library need not refuse them.
    data = tomlLibrary().parse(toml, { maxDepth: limits.maxDepth, integersAsBigInt: 'asNeeded' });
  } catch (error) {
    if (!(error instanceof tomlLibrary().TomlError)) throw error;
    return { problems: [syntaxProblem(toml, error, limits)] };
  }
  return { problems: [], frontMatter: frontMatterOf(data, layout) };
}

function frontMatterOf(data: Record<string, unknown>, layout: Layout): FrontMatter {
  return {
    data: plainData(data, '', layout.written) as Record<string, unknown>,
    lineOf(path) {
      // A path below a plain value (a field parser looking into a list that is a string) gets the
      // line of the nearest key above it, as in YAML.
      for (let length = path.length; length > 0; length -= 1) {
        const line = layout.lines.get(keyOf(path.slice(0, length)));
        if (line !== undefined) return line;
      }
      return undefined;
    },
    isPlainScalar(key) {
      return layout.written.has(keyOf([key]));
    },
  };
}

/**
 * The library's values in the YAML reader's shape: null-prototype records (a `__proto__` key is
 * only data), scalars as written. The scan read the same TOML, so `written` has every scalar.
 */
function plainData(value: unknown, key: string, written: Map<string, string>): unknown {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((item: unknown, index) => plainData(item, childKey(key, index), written));
  if (value instanceof tomlLibrary().TomlDate) return written.get(key) ?? value.toISOString();
  if (value && typeof value === 'object') {
    const record: Record<string, unknown> = Object.create(null);
    for (const [name, item] of Object.entries(value)) record[name] = plainData(item, childKey(key, name), written);
    return record;
  }
  return written.get(key) ?? String(value);
}

/** One string per path, built a segment at a time (a key may contain any character, "." included). */
function keyOf(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((key, segment) => childKey(key, segment), '');
}

function childKey(parent: string, segment: string | number): string {
  return `${parent}/${JSON.stringify(segment)}`;
}

// ---------------------------------------------------------------------------------------------
// Errors, one line each, at the file line and column

function syntaxProblem(toml: string, error: TomlError, limits: FrontMatterLimits): FrontMatterProblem {
  const position = { line: error.line, column: error.column };
  const offset = offsetOf(toml, error.line, error.column);
  const message = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
  if (/^trying to redefine/.test(message)) {
    const repeated = layoutOf(toml, limits, offset).repeated;
    const first = repeated?.firstLine === undefined ? '' : ` (first set on line ${repeated.firstLine})`;
    const key = repeated ? `the key "${repeated.key}"` : 'a key';
    return { ...position, field: 'front matter', code: 'toml-duplicate-key', message: `TOML: ${key} is repeated${first}; each key may appear once` };
  }
  if (/excessively nested/.test(message)) {
    return { ...position, field: 'front matter', code: 'toml-too-deep', message: `TOML: nested too deeply to read (more than ${limits.maxDepth} levels of [ and {)` };
  }
  // A basic string runs into the end of its line: the library calls the line feed a control character.
  const unclosed = /control characters/.test(message) && toml[offset] === '\n';
  return { ...position, field: 'front matter', code: 'toml-syntax', message: `TOML: ${unclosed ? 'a quoted string is not closed on its line' : message}` };
}

/** The offset of the library's 1-based line and column. */
function offsetOf(toml: string, line: number, column: number): number {
  let start = 0;
  for (let current = 1; current < line; current += 1) start = toml.indexOf('\n', start) + 1;
  return start + column - 1;
}

function limitProblem(toml: string, layout: Layout, limits: FrontMatterLimits): FrontMatterProblem | undefined {
  const at = (offset: number) => ({ line: lineNumberAt(toml, offset), column: offset - toml.lastIndexOf('\n', offset - 1) });
  if (layout.tooDeep !== undefined) {
    const what = layout.tooDeep.brackets ? '[ and {' : 'tables and keys';
    return { ...at(layout.tooDeep.offset), field: 'front matter', code: 'toml-too-deep', message: `TOML: nested too deeply to read (more than ${limits.maxDepth} levels of ${what})` };
  }
  if (layout.overKeys !== undefined) return { ...at(layout.overKeys), field: 'front matter', code: 'front-matter-too-many-keys', message: limits.tooManyKeys(layout.keys, true) };
  if (layout.overNodes !== undefined) return { ...at(layout.overNodes), field: 'front matter', code: 'front-matter-too-many-nodes', message: limits.tooManyValues() };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The scan: where each key and list item is written, the text of each scalar, and the counts

interface Layout {
  /** File line of every key path and list item, where it is first written. */
  lines: Map<string, number>;
  /** Source text of every number, boolean and date (the values written without quotes). */
  written: Map<string, string>;
  keys: number;
  nodes: number;
  /** Offsets of the first key over the limit, the first value over the limit, the first key or bracket too deep. */
  overKeys?: number;
  overNodes?: number;
  tooDeep?: { offset: number; brackets: boolean };
  /** The key written at the offset the scan was asked to stop at, and the line where it was first set. */
  repeated?: { key: string; firstLine?: number };
}

const BARE_KEY = /[A-Za-z0-9_-]/;
const SCALAR_END = /[ \t\n,\]}#]/;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * One forward pass over the TOML, which ends at the first limit it passes (or at `stopAt`, the
 * place of a repeated key). It reads valid TOML exactly; on anything else it still ends, without
 * recursing deeper than the limit, and the library then reports the error.
 */
function layoutOf(toml: string, limits: FrontMatterLimits, stopAt?: number): Layout {
  const layout: Layout = { lines: new Map(), written: new Map(), keys: 0, nodes: 0 };
  /** Elements so far of every array of tables (`[[name]]`), by path. */
  const tableArrays = new Map<string, number>();
  let position = 0;
  let stopped = false;
  // Offsets are met in increasing order, so lines are counted once, from the last offset on.
  let countedTo = 0;
  let line = 1;
  const lineAt = (offset: number) => {
    line += lineNumberAt(toml.slice(countedTo, offset), offset - countedTo) - 1;
    countedTo = offset;
    return line;
  };

  const skipSpaces = () => {
    while (toml[position] === ' ' || toml[position] === '\t') position += 1;
  };
  const skipTrivia = () => {
    for (;;) {
      skipSpaces();
      if (toml[position] === '\n') position += 1;
      else if (toml[position] === '#') position = endOfLine(toml, position);
      else return;
    }
  };

  const skipString = () => {
    const quote = toml[position]!;
    const escapes = quote === '"';
    if (toml.startsWith(quote.repeat(3), position)) {
      position += 3;
      while (position < toml.length && !toml.startsWith(quote.repeat(3), position)) position += escapes && toml[position] === '\\' ? 2 : 1;
      // Up to two more quotes before the closing three belong to the string.
      position += 3;
      for (let extra = 0; extra < 2 && toml[position] === quote; extra += 1) position += 1;
      return;
    }
    position += 1;
    while (position < toml.length && toml[position] !== quote && toml[position] !== '\n') position += escapes && toml[position] === '\\' ? 2 : 1;
    position += 1;
  };

  /** A key as segments (`a."b.c".d` → a, b.c, d), quoted ones decoded by the library itself. */
  const readKey = (): string[] => {
    const segments: string[] = [];
    for (;;) {
      skipSpaces();
      const start = position;
      if (toml[position] === '"' || toml[position] === "'") {
        skipString();
        segments.push(quotedKey(toml.slice(start, position)));
      } else {
        while (position < toml.length && BARE_KEY.test(toml[position]!)) position += 1;
        segments.push(toml.slice(start, position));
      }
      skipSpaces();
      if (toml[position] !== '.') return segments;
      position += 1;
    }
  };

  /** Notes the line where a key or list item is first written, and counts it. */
  const place = (key: string, isKey: boolean, offset: number): void => {
    if (!layout.lines.has(key)) {
      layout.lines.set(key, lineAt(offset));
      if (isKey && ++layout.keys > limits.maxKeys) layout.overKeys = offset;
    }
    if (++layout.nodes > limits.maxNodes) layout.overNodes = offset;
    if (layout.overKeys !== undefined || layout.overNodes !== undefined) stopped = true;
  };

  /**
   * Places the key `segments` below `parent` and returns its path, or nothing once the scan ends:
   * at a path too deep, or at the stop offset (then naming the key and where it was first set).
   */
  const placeKey = (parent: Place, segments: string[], offset: number): Place | undefined => {
    if (stopAt !== undefined && offset > stopAt) stopped = true;
    if (parent.depth + segments.length > limits.maxDepth) {
      layout.tooDeep = { offset, brackets: false };
      stopped = true;
    }
    if (stopped) return undefined;
    const prefixes: string[] = [];
    let { key, depth } = parent;
    for (const [index, segment] of segments.entries()) {
      key = childKey(key, segment);
      prefixes.push(key);
      depth += 1;
      // A header's path runs through the last element of every array of tables it names.
      const elements = tableArrays.get(key);
      if (elements !== undefined && index < segments.length - 1) {
        key = childKey(key, elements - 1);
        depth += 1;
      }
    }
    if (offset === stopAt) {
      const first = prefixes.findLast((prefix) => layout.lines.has(prefix));
      layout.repeated = { key: segments.join('.'), ...(first ? { firstLine: layout.lines.get(first)! } : {}) };
      stopped = true;
      return undefined;
    }
    for (const prefix of prefixes) place(prefix, true, offset);
    return stopped ? undefined : { key, depth };
  };

  /** A value at `at`, inside `brackets` levels of [ and {. */
  const scanValue = (at: Place, brackets: number): void => {
    const character = toml[position];
    if (character === '"' || character === "'") return skipString();
    if (character === '[' || character === '{') {
      if (brackets === limits.maxDepth) {
        layout.tooDeep = { offset: position, brackets: true };
        stopped = true;
        return;
      }
      return character === '[' ? scanArray(at, brackets + 1) : scanInlineTable(at, brackets + 1);
    }
    const start = position;
    while (position < toml.length && !SCALAR_END.test(toml[position]!)) position += 1;
    // A date and a time may be separated by a space (RFC 3339 allows it, TOML too).
    if (LOCAL_DATE.test(toml.slice(start, position)) && /^ \d{2}:/.test(toml.slice(position, position + 4))) {
      position += 1;
      while (position < toml.length && !SCALAR_END.test(toml[position]!)) position += 1;
    }
    layout.written.set(at.key, toml.slice(start, position));
  };

  /** Items separated by commas up to the closing bracket (or whatever stands there in invalid TOML). */
  const scanItems = (close: ']' | '}', scanItem: (index: number) => void): void => {
    position += 1;
    for (let index = 0; ; index += 1) {
      skipTrivia();
      if (stopped || position >= toml.length || toml[position] === close) break;
      scanItem(index);
      skipTrivia();
      if (stopped || toml[position] !== ',') break;
      position += 1;
    }
    position += 1;
  };

  const scanArray = (at: Place, brackets: number): void =>
    scanItems(']', (index) => {
      const item = { key: childKey(at.key, index), depth: at.depth };
      place(item.key, false, position);
      if (!stopped) scanValue(item, brackets);
    });

  const scanInlineTable = (at: Place, brackets: number): void =>
    scanItems('}', () => {
      const keyStart = position;
      const placed = placeKey(at, readKey(), keyStart);
      if (!placed) return;
      position += 1; // the "="
      skipTrivia();
      scanValue(placed, brackets);
    });

  let table: Place = { key: '', depth: 0 };
  while (!stopped) {
    skipTrivia();
    if (position >= toml.length) break;
    const statement = position;
    if (toml[position] === '[') {
      const isArray = toml[position + 1] === '[';
      position += isArray ? 2 : 1;
      const keyStart = position;
      const placed = placeKey({ key: '', depth: 0 }, readKey(), keyStart);
      if (!placed) break;
      position += isArray ? 2 : 1;
      table = placed;
      if (isArray) {
        const elements = (tableArrays.get(placed.key) ?? 0) + 1;
        tableArrays.set(placed.key, elements);
        table = { key: childKey(placed.key, elements - 1), depth: placed.depth };
        place(table.key, false, keyStart);
      }
    } else {
      const placed = placeKey(table, readKey(), statement);
      if (!placed) break;
      position += 1; // the "="
      skipTrivia();
      scanValue(placed, 0);
    }
    if (position === statement) position += 1;
  }
  return layout;
}

/** A path in the scan: its key (see keyOf) and how many keys deep it is (list items not counted). */
interface Place {
  key: string;
  depth: number;
}

/** A quoted key decoded by the library's own string rules. */
function quotedKey(written: string): string {
  try {
    return String(tomlLibrary().parse(`key = ${written}`).key);
  } catch (error) {
    // Not a valid string: the library reports it when it parses the whole front matter.
    if (error instanceof tomlLibrary().TomlError) return written;
    throw error;
  }
}

function endOfLine(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}
