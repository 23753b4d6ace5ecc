// The front matter nearly every post has — one `key: value` per line, values plain or quoted on
// one line, lists as `[a, b]` or `- item` lines — read without the YAML library, which costs ten
// times as much per post. It answers only for text it is sure of and returns undefined for
// anything else (comments, escapes, nesting, anchors, tags, empty values, odd spacing), which the
// full parser in front-matter.ts then reads. What it does answer is exactly what the full parser
// would: the same data, lines and plain-ness, and no problems (test/flat-yaml.test.ts compares
// the two on generated near-miss input).
import type { FrontMatter } from './front-matter.js';

/** More lines or list items than a post's metadata: left to the full parser and its limits. */
const MAX_LINES = 200;
const MAX_ITEMS = 1_000;

const KEY_LINE = /^([A-Za-z][\w-]*):(?: (.*))?$/;
const SEQUENCE_ITEM = /^( *)- (.*)$/;
/**
 * One line's plain value: starts with a letter, digit or one of `/ . ( $ +`, holds no `#`, tab,
 * quote, flow-collection bracket or `:` followed by a space, and does not end in a space or `:`.
 * Only characters YAML prints as they are: no C0/C1 controls, U+2028/2029, BOM or noncharacters.
 */
const PLAIN =
  /^(?:[A-Za-z0-9/.($+\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF])(?:[ !$-9;-Z\\^-z|~\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF]|:(?=[^ ]))*(?<! )$/;
/** A flow item's plain value: as above, and no `,` `[` `]` `{` `}` either; `:` never. */
const FLOW_PLAIN =
  /^(?:[A-Za-z0-9/.($+\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF])(?:[ !$-+\--9;-Z\\^-z|~\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF])*(?<! )$/;
/** A double-quoted value whose only escapes are `\"` and `\\`. */
const DOUBLE_QUOTED = /^"((?:[ !#-[\]-~\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF]|\\["\\])*)"$/;
/** A single-quoted value (`''` is a quote). */
const SINGLE_QUOTED = /^'((?:[ -&(-~\u00A0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD]|[\uD800-\uDBFF][\uDC00-\uDFFF]|'')*)'$/;

interface Scalar {
  value: string;
  plain: boolean;
}

/**
 * Reads `source` (the YAML between the `---` lines, starting with the line break that ends the
 * opening one, so its line N is the file's line N) when it is flat front matter; otherwise undefined.
 */
export function readFlatYaml(source: string): FrontMatter | undefined {
  if (!source.startsWith('\n')) return undefined;
  const lines = source.slice(1).split('\n');
  if (lines.length > MAX_LINES) return undefined;
  const data: Record<string, unknown> = Object.create(null);
  const keyLines = new Map<string, number>();
  const itemLines = new Map<string, number[]>();
  const entryLines = new Map<string, Map<string, number>>();
  const plain = new Set<string>();
  let index = 0;
  while (index < lines.length) {
    const line = 2 + index;
    if (lines[index] === '') {
      index += 1;
      continue;
    }
    const match = KEY_LINE.exec(lines[index]!);
    if (!match) return undefined;
    const key = match[1]!;
    if (keyLines.has(key)) return undefined;
    keyLines.set(key, line);
    const written = match[2];
    index += 1;
    if (written === undefined) {
      // `key:` alone: a block list (`- item` lines) or a mapping of one level (`  name: value`
      // lines) below it, at one indentation.
      const block = readBlock(lines, index);
      if (!block) return undefined;
      index = block.next;
      data[key] = block.value;
      if (Array.isArray(block.value)) itemLines.set(key, block.lines);
      else entryLines.set(key, new Map(Object.keys(block.value).map((name, position) => [name, block.lines[position]!])));
    } else if (written.startsWith('[')) {
      const items = readFlowSequence(written);
      if (!items || items.length > MAX_ITEMS) return undefined;
      data[key] = items;
      itemLines.set(key, items.map(() => line));
    } else {
      const scalar = readScalar(written, PLAIN);
      if (!scalar) return undefined;
      data[key] = scalar.value;
      if (scalar.plain) plain.add(key);
    }
  }
  if (keyLines.size === 0) return undefined;
  return {
    data,
    lineOf(path) {
      const [head, ...rest] = path;
      const keyLine = keyLines.get(String(head));
      if (keyLine === undefined || rest.length !== 1) return keyLine;
      // As the YAML library's getIn: a list index is a number or a string of digits; a mapping's key
      // is the string itself.
      const entries = entryLines.get(String(head));
      if (entries) return (typeof rest[0] === 'string' ? entries.get(rest[0]) : undefined) ?? keyLine;
      const position = itemIndex(rest[0]!);
      return (position !== undefined ? itemLines.get(String(head))?.[position] : undefined) ?? keyLine;
    },
    isPlainScalar(key) {
      return plain.has(key);
    },
  };
}

const NESTED_KEY_LINE = /^( +)([A-Za-z][\w-]*): (.*)$/;

/** The lines below a `key:` line: `- item` lines, or `name: value` lines indented alike. */
function readBlock(lines: readonly string[], start: number): { value: string[] | Record<string, string>; lines: number[]; next: number } | undefined {
  const first = lines[start];
  if (first === undefined) return undefined;
  const lineNumbers: number[] = [];
  let index = start;
  const sequence = SEQUENCE_ITEM.exec(first);
  if (sequence) {
    const indent = sequence[1]!;
    const items: string[] = [];
    for (let item: RegExpExecArray | null = sequence; item && item[1] === indent; item = SEQUENCE_ITEM.exec(lines[index] ?? '')) {
      const scalar = readScalar(item[2]!, PLAIN);
      if (!scalar) return undefined;
      items.push(scalar.value);
      lineNumbers.push(2 + index);
      index += 1;
    }
    return { value: items, lines: lineNumbers, next: index };
  }
  const entry = NESTED_KEY_LINE.exec(first);
  if (!entry) return undefined;
  const indent = entry[1]!;
  const mapping: Record<string, string> = {};
  for (let pair: RegExpExecArray | null = entry; pair && pair[1] === indent; pair = NESTED_KEY_LINE.exec(lines[index] ?? '')) {
    const name = pair[2]!;
    const scalar = readScalar(pair[3]!, PLAIN);
    if (!scalar || Object.hasOwn(mapping, name)) return undefined;
    mapping[name] = scalar.value;
    lineNumbers.push(2 + index);
    index += 1;
  }
  return { value: mapping, lines: lineNumbers, next: index };
}

function readScalar(written: string, plainPattern: RegExp): Scalar | undefined {
  if (plainPattern.test(written)) return { value: written, plain: true };
  const double = DOUBLE_QUOTED.exec(written);
  if (double) return { value: double[1]!.replace(/\\(["\\])/g, '$1'), plain: false };
  const single = SINGLE_QUOTED.exec(written);
  if (single) return { value: single[1]!.replaceAll("''", "'"), plain: false };
  return undefined;
}

/** `[a, b, "c"]`: items separated by a comma and at most one space, none empty, nothing after `]`. */
function readFlowSequence(written: string): string[] | undefined {
  if (!written.endsWith(']')) return undefined;
  const inner = written.slice(1, -1);
  if (inner === '') return [];
  const items: string[] = [];
  // Quoted items may hold commas, so the text is cut at each comma outside quotes.
  let start = 0;
  let quote: string | undefined;
  for (let position = 0; position <= inner.length; position += 1) {
    const character = inner[position];
    if (quote) {
      if (character === quote) quote = undefined;
      else if (character === '\\' && quote === '"') position += 1;
      continue;
    }
    if (character === '"' || character === "'") {
      if (position !== start) return undefined;
      quote = character;
    } else if (character === ',' || position === inner.length) {
      const piece = inner.slice(start, position);
      const scalar = readScalar(piece, FLOW_PLAIN);
      if (!scalar) return undefined;
      items.push(scalar.value);
      start = position + 1;
      if (inner[start] === ' ') start += 1;
    }
  }
  return quote ? undefined : items;
}

/** The YAML library's list index: a non-negative integer, or a string that is one. */
function itemIndex(key: string | number): number | undefined {
  const number = typeof key === 'string' && key !== '' ? Number(key) : key;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : undefined;
}
