// Splits a post into front matter and Markdown body, and parses the front matter as YAML (between
// `---` lines), TOML (between `+++` lines, in toml-front-matter.ts) or JavaScript literals (`---js`,
// or an MDX `export const meta = {…}`, in js-front-matter.ts, never run) without type guessing:
// every scalar stays the string the author wrote (`slug: 007` is "007", `title: 2024` is "2024");
// the post validator decides what each field means.
//
// Front matter is plain data: no tags, no code, and bounded work. Every limit is checked in one
// linear walk over the parsed document, before anything else looks at the data (TOML: in the scan
// that comes before its parser; JavaScript: while it is read).
import { createRequire } from 'node:module';
import type GrayMatter from 'gray-matter';
import type * as Yaml from 'yaml';
import type { Document, Node, Pair, YAMLError } from 'yaml';
import { count, LIMITS, MAX_FLOW_DEPTH, MAX_KEYS, MAX_NODES, tooManyKeys, tooManyValues } from './front-matter-limits.js';
import { readFlatYaml } from './flat-yaml.js';
import { readJsFrontMatter, readMdxExportFrontMatter } from './js-front-matter.js';
import { lineNumberAt } from './lines.js';
import { parseTomlFrontMatter } from './toml-front-matter.js';

// The YAML library and gray-matter load the first time a post's front matter needs them: most
// posts' is flat (flat-yaml.ts), and an edit of one such post then loads neither (over a hundred
// modules between them). Both are CommonJS, so they load synchronously, where the parse is.
const require = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;
let grayMatterModule: typeof GrayMatter | undefined;

function yaml(): typeof Yaml {
  return (yamlModule ??= require('yaml') as typeof Yaml);
}

function grayMatter(): typeof GrayMatter {
  return (grayMatterModule ??= require('gray-matter') as typeof GrayMatter);
}

/** Past this many alias expansions the YAML is treated as a "billion laughs" bomb. */
const MAX_ALIAS_COUNT = 100;
/** Aliases may expand the front matter data to this many times its written length… */
const MAX_EXPANSION_FACTOR = 10;
/** …or to this many characters, whichever is larger. */
const MIN_EXPANDED_CHARACTERS = 1_000_000;

export interface FrontMatterProblem {
  line?: number;
  column?: number;
  field?: string;
  message: string;
  /** Stable kebab-case identifier of the kind of problem (`yaml-tag`, `front-matter-delimiter`, …). */
  code?: string;
}

export interface FrontMatter {
  /** Top-level keys and their values as plain data (strings, arrays, objects). Null-prototype. */
  data: Record<string, unknown>;
  /** 1-based file line of a top-level key, or of a value below it (path like ['tags', 2]). */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
  /** True when the scalar at `key` was written without quotes (so `true` is a boolean word, not text). */
  isPlainScalar(key: string): boolean;
}

/** What every front matter language is held to, and how going over a limit is worded. */
export interface FrontMatterLimits {
  maxKeys: number;
  maxNodes: number;
  /** Levels of [ and { (and, in TOML, separately, of tables and dotted keys). */
  maxDepth: number;
  tooManyKeys(keys: number, atLeast: boolean): string;
  tooManyValues(): string;
}

export interface ParsedFrontMatter {
  /** Errors when `frontMatter` is missing, warnings when it is there. */
  problems: FrontMatterProblem[];
  frontMatter?: FrontMatter;
}

export type SplitResult =
  | { ok: true; frontMatter: FrontMatter; body: string; bodyLine: number; warnings: FrontMatterProblem[] }
  | { ok: false; problems: FrontMatterProblem[] };

const DELIMITER = /^---[ \t]*$/;
const TOML_DELIMITER = /^\+\+\+[ \t]*$/;
/** Eleventy's `---js` (gray-matter's `---javascript`): read as literal data, never evaluated. */
const JS_DELIMITER = /^---[ \t]*(?:js|javascript)[ \t]*$/i;

/** CRLF and lone CR (classic Mac) become LF, so no stray CR ends up in a value or a delimiter. */
function normalizeLineEndings(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/**
 * `flat: false` turns off the fast reader of flat front matter (flat-yaml.ts), so tests can compare
 * it with the full YAML parser.
 */
export function splitFrontMatter(original: string, { flat = true }: { flat?: boolean } = {}): SplitResult {
  const text = normalizeLineEndings(original);
  const firstNewline = text.indexOf('\n');
  const firstLine = firstNewline < 0 ? text : text.slice(0, firstNewline);

  if (TOML_DELIMITER.test(firstLine)) return splitToml(text, firstNewline);
  if (JS_DELIMITER.test(firstLine)) return splitJs(text, firstNewline);
  if (!DELIMITER.test(firstLine)) return splitMdxExport(text) ?? openingProblem(text, firstLine);

  const closing = closingLine(text, firstNewline, '---');
  if ('ok' in closing) return closing;

  // Most posts: `key: value` lines, read without gray-matter and the YAML library. The body starts
  // after the closing line, as gray-matter starts it below.
  const flatYaml = flat && firstNewline === 3 ? readFlatYaml(text.slice(3, closing.index - 1)) : undefined;
  if (flatYaml) {
    const body = text.slice(closing.index + 3).replace(/^[ \t]*\n?/, '');
    return { ok: true, frontMatter: flatYaml, body, bodyLine: lineNumberAt(text, text.length - body.length), warnings: [] };
  }

  // gray-matter does the split (the delimiters are checked above, so it splits where they say),
  // always with an options object: without one it caches results and shares `data` between calls.
  // Its YAML engine is replaced by the failsafe parser below; every other engine refuses, since its
  // js/javascript engines would call eval (`---js` is read above, by js-front-matter.ts). The YAML
  // starts right after the opening `---`, so YAML line N is file line N.
  let yaml: ParsedFrontMatter | undefined;
  const { content } = grayMatter()(text, {
    language: 'yaml',
    engines: {
      ...REFUSED_ENGINES,
      yaml: {
        parse: (source: string) => {
          yaml = parseYaml(source);
          return {};
        },
      },
    },
  });
  yaml ??= parseYaml('');
  if (!yaml.frontMatter) return { ok: false, problems: yaml.problems };
  // gray-matter starts the body right after the closing "---": white space after it belongs to that line.
  const body = closing.line === '---' ? content : content.replace(/^[ \t]*\n?/, '');
  const bodyLine = lineNumberAt(text, text.length - body.length);
  return { ok: true, frontMatter: yaml.frontMatter, body, bodyLine, warnings: yaml.problems };
}

function splitToml(text: string, firstNewline: number): SplitResult {
  const closing = closingLine(text, firstNewline, '+++');
  if ('ok' in closing) return closing;
  // The TOML starts with the newline that ends the opening line, so TOML line N is file line N.
  const toml = parseTomlFrontMatter(text.slice(firstNewline, closing.index), LIMITS);
  if (!toml.frontMatter) return { ok: false, problems: toml.problems };
  const closingEnd = text.indexOf('\n', closing.index);
  const body = closingEnd < 0 ? '' : text.slice(closingEnd + 1);
  return { ok: true, frontMatter: toml.frontMatter, body, bodyLine: lineNumberAt(text, text.length - body.length), warnings: toml.problems };
}

function splitJs(text: string, firstNewline: number): SplitResult {
  const closing = closingLine(text, firstNewline, '---');
  if ('ok' in closing) return closing;
  // The JavaScript starts on the line after `---js`: file line 2.
  const js = readJsFrontMatter(text.slice(firstNewline + 1, closing.index), 2);
  if (!js.ok) return js;
  const closingEnd = text.indexOf('\n', closing.index);
  const body = closingEnd < 0 ? '' : text.slice(closingEnd + 1);
  return { ok: true, frontMatter: js.frontMatter, body, bodyLine: lineNumberAt(text, text.length - body.length), warnings: js.warnings };
}

/**
 * An MDX post without `---` whose first statement (after imports) is `export const meta = {…}`:
 * the body starts after it, without the imports before it.
 */
function splitMdxExport(text: string): SplitResult | undefined {
  const mdx = readMdxExportFrontMatter(text);
  if (!mdx) return undefined;
  if (!mdx.result.ok) return mdx.result;
  const body = text.slice(mdx.endOffset).replace(/^[ \t]*\n/, '');
  return { ok: true, frontMatter: mdx.result.frontMatter, body, bodyLine: mdx.bodyLine, warnings: mdx.result.warnings };
}

/** Every engine gray-matter knows besides YAML is refused (never reached: the opening line is checked first). */
const REFUSED_ENGINES = Object.fromEntries(
  ['js', 'javascript', 'coffee', 'coffeescript', 'cson', 'json', 'toml'].map((name) => [
    name,
    {
      parse: () => {
        throw new Error(refusedMessage(name));
      },
    },
  ]),
);

/**
 * The first line after the opening one that starts with the delimiter closes the front matter (and
 * must then be exactly the delimiter); without one, the problem. Lines end at LF only: a regular
 * expression's `^` with the m flag would also start a line after U+2028, which YAML reads as text.
 */
function closingLine(text: string, firstNewline: number, delimiter: '---' | '+++'): { index: number; line: string } | SplitResult {
  const newline = firstNewline < 0 ? -1 : text.indexOf(`\n${delimiter}`, firstNewline);
  if (newline < 0) return fail(1, 'front-matter-delimiter', `the front matter opened on line 1 is never closed with a "${delimiter}" line`);
  const end = text.indexOf('\n', newline + 1);
  const line = text.slice(newline + 1, end < 0 ? undefined : end);
  if (!(delimiter === '---' ? DELIMITER : TOML_DELIMITER).test(line)) {
    return fail(lineNumberAt(text, newline + 1), 'front-matter-delimiter', `the closing line must be exactly "${delimiter}", found "${line}"`);
  }
  return { index: newline + 1, line };
}

function openingProblem(text: string, firstLine: string): SplitResult {
  if (firstLine.startsWith('+++')) return fail(1, 'front-matter-delimiter', `the opening line must be exactly "+++", found "${firstLine}"`);
  if (firstLine.startsWith('---')) {
    const language = firstLine.slice(3).trim();
    if (/^[a-z]+$/i.test(language) && language.toLowerCase() !== 'yaml') return fail(1, 'front-matter-language', refusedMessage(language));
    return fail(1, 'front-matter-delimiter', `the opening line must be exactly "---", found "${firstLine}"`);
  }
  const lines = text.split('\n');
  const opener = lines.findIndex((line) => DELIMITER.test(line) || TOML_DELIMITER.test(line));
  const onlyBlankBefore = opener > 0 && lines.slice(0, opener).every((line) => line.trim() === '');
  if (onlyBlankBefore) {
    return fail(opener + 1, 'front-matter-delimiter', `front matter must start on line 1; remove the ${opener} blank line(s) before "${lines[opener]!.trim()}"`);
  }
  return fail(1, 'front-matter-missing', 'no front matter: a post starts with a "---" line, then title: and date:, then "---"');
}


function refusedMessage(language: string): string {
  return `front matter language "${language}" is refused: postfeed never evaluates code from posts`;
}

function fail(line: number, code: string, message: string): SplitResult {
  return { ok: false, problems: [{ line, field: 'front matter', message, code }] };
}

/** Parses the raw front matter block (starting with the rest of the opening line). */
export function parseYaml(source: string): ParsedFrontMatter {
  const lineCounter = new (yaml().LineCounter)();
  let document: Document.Parsed;
  try {
    const counted = tokenLimits(source);
    if (counted) return { problems: [counted] };
    document = yaml().parseDocument(source, {
      schema: 'failsafe',
      lineCounter,
      prettyErrors: false,
      // The library's own check compares every key with every other (20,000 keys: 15 s); the
      // walk below finds duplicates through a Set.
      uniqueKeys: false,
      strict: true,
    });
  } catch (error) {
    const message = (error as Error).message;
    const tooDeep = /call stack/i.test(message);
    return { problems: [{ line: 1, field: 'front matter', code: tooDeep ? 'yaml-too-deep' : 'yaml-syntax', message: tooDeep ? 'YAML: nested too deeply to read' : `cannot be parsed: ${message}` }] };
  }
  const at = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const syntax = [...syntaxProblems(source, document, at), ...tagProblems(source, document, at)];
  if (syntax.length > 0) return { problems: syntax.sort((a, b) => a.line! - b.line! || a.column! - b.column!) };

  const contents = document.contents;
  if (contents !== null && !yaml().isMap(contents)) {
    const kind = yaml().isScalar(contents) ? 'a single value' : 'a list';
    const line = contents.range ? at(contents.range[0]).line : 1;
    return { problems: [{ line, field: 'front matter', code: 'front-matter-not-mapping', message: `must be a mapping of keys (title: ..., date: ...), not ${kind}` }] };
  }

  const walked = walkDocument(source, contents, at);
  if (walked.errors.length > 0) return { problems: walked.errors };

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT, mapAsMap: false });
  } catch (error) {
    const message = (error as Error).message;
    const bomb = /excessive alias count/i.test(message);
    const tooDeep = /call stack/i.test(message);
    return {
      problems: [
        {
          line: 1,
          field: 'front matter',
          code: bomb ? 'yaml-alias-bomb' : tooDeep ? 'yaml-too-deep' : 'yaml-syntax',
          message: bomb
            ? `too many YAML aliases (more than ${MAX_ALIAS_COUNT} expansions): refused as a resource-exhaustion attack`
            : tooDeep
              ? 'YAML: nested too deeply to read'
              : `cannot be read: ${firstLine(message)}`,
        },
      ],
    };
  }
  if (walked.tooLarge) return { problems: [walked.tooLarge] };

  const record: Record<string, unknown> = Object.create(null);
  if (data && typeof data === 'object') {
    for (const [key, value] of Object.entries(data)) record[key] = value;
  }
  return { problems: walked.warnings, frontMatter: frontMatterOf(document, record, at) };
}

function frontMatterOf(document: Document.Parsed, data: Record<string, unknown>, at: (offset: number) => { line: number }): FrontMatter {
  // One index of the top-level pairs: post.ts asks for the line of every key.
  const pairs = new Map<string, Pair>();
  if (yaml().isMap(document.contents)) {
    for (const item of document.contents.items) {
      if (yaml().isScalar(item.key) && !pairs.has(String(item.key.value))) pairs.set(String(item.key.value), item as Pair);
    }
  }
  const nodeAt = (path: ReadonlyArray<string | number>): { key?: Node; value?: Node } => {
    const [head, ...rest] = path;
    const pair = pairs.get(String(head));
    if (!pair) return {};
    if (rest.length === 0) return { key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined };
    return { key: pair.key as Node, value: document.getIn([head, ...rest], true) as Node | undefined };
  };
  return {
    data,
    lineOf(path) {
      const { key, value } = nodeAt(path);
      const node = path.length > 1 ? (value ?? key) : (key ?? value);
      return node?.range ? at(node.range[0]).line : undefined;
    },
    isPlainScalar(key) {
      const { value } = nodeAt([key]);
      return yaml().isScalar(value) && value.type === 'PLAIN';
    },
  };
}

/**
 * Counts keys and values on the token stream, which costs a fraction of a full parse: 10,000 keys
 * are refused before the parser builds them. A `:` token is a key (so this undercounts keys
 * written without one, like `{a, b}`; the walk catches those).
 */
/** Tokens the lexer adds to mark modes; they are not part of the source (yaml's CST.DOCUMENT, FLOW_END, SCALAR). */
let lexerMarkers: ReadonlySet<string> | undefined;

function isLexerMarker(token: string): boolean {
  lexerMarkers ??= new Set([yaml().CST.DOCUMENT, yaml().CST.FLOW_END, yaml().CST.SCALAR]);
  return lexerMarkers.has(token);
}

function tokenLimits(source: string): FrontMatterProblem | undefined {
  let offset = 0;
  let keys = 0;
  let values = 0;
  let overKeys: number | undefined;
  let overValues: number | undefined;
  let lastScalar = 0;
  let depth = 0;
  for (const token of new (yaml().Lexer)().lex(source)) {
    const type = yaml().CST.tokenType(token);
    if (type?.endsWith('scalar')) lastScalar = offset;
    if (type === 'flow-map-start' || type === 'flow-seq-start') depth += 1;
    if (type === 'flow-map-end' || type === 'flow-seq-end') depth -= 1;
    if (depth > MAX_FLOW_DEPTH) {
      return { ...sourcePosition(source, offset), field: 'front matter', code: 'yaml-too-deep', message: `YAML: nested too deeply to read (more than ${MAX_FLOW_DEPTH} levels of [ and {)` };
    }
    if (type === 'map-value-ind' && ++keys === MAX_KEYS + 1) overKeys = lastScalar;
    if ((type === 'scalar' || type === 'alias' || type === 'flow-map-start' || type === 'flow-seq-start') && ++values === MAX_NODES + 1) overValues = offset;
    if (!isLexerMarker(token)) offset += token.length;
  }
  if (overKeys !== undefined) return { ...sourcePosition(source, overKeys), field: 'front matter', code: 'front-matter-too-many-keys', message: tooManyKeys(keys) };
  if (overValues !== undefined) return { ...sourcePosition(source, overValues), field: 'front matter', code: 'front-matter-too-many-nodes', message: tooManyValues() };
  return undefined;
}

/** Line and column of an offset, without a LineCounter (one linear count, done once). */
function sourcePosition(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  return { line: lineNumberAt(before, before.length), column: offset - before.lastIndexOf('\n') };
}

// ---------------------------------------------------------------------------------------------
// Syntax errors, placed where the author has to look

type Locate = (offset: number) => { line: number; column: number };

function syntaxProblems(source: string, document: Document.Parsed, at: Locate): FrontMatterProblem[] {
  const problems: FrontMatterProblem[] = [];
  const seen = new Set<string>();
  const add = (problem: FrontMatterProblem) => {
    const key = `${problem.line}:${problem.column}:${problem.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push(problem);
  };
  const multiline = new Set(document.errors.filter((error) => error.code === 'MULTILINE_IMPLICIT_KEY').map((error) => error.pos[0]));
  for (const error of document.errors) {
    // A tag that does not fit its value: the tag itself is refused below.
    if (error.code === 'TAG_RESOLVE_FAILED') continue;
    const unclosed = unclosedOpening(source, document, error);
    if (unclosed) {
      add({ ...at(unclosed.offset), field: 'front matter', code: 'yaml-unclosed', message: `YAML: ${unclosed.message}` });
      continue;
    }
    if (error.code === 'MULTILINE_IMPLICIT_KEY') continue;
    const message =
      error.code === 'BLOCK_AS_IMPLICIT_KEY' && multiline.has(error.pos[0])
        ? 'the value runs on into an indented line that contains ": "; if that line is a key, remove its indentation to line it up with the other keys; if it is text, put the value in quotes'
        : yamlMessage(error.code, error.message);
    add({ ...at(error.pos[0]), field: 'front matter', code: 'yaml-syntax', message: `YAML: ${message}` });
  }
  for (const warning of document.warnings) {
    // Tags are refused with their own message; other warnings are errors here.
    if (warning.code === 'TAG_RESOLVE_FAILED') continue;
    add({ ...at(warning.pos[0]), field: 'front matter', code: 'yaml-syntax', message: `YAML: ${firstLine(warning.message)}` });
  }
  return problems;
}

/**
 * The YAML library reports an unclosed quote or bracket where it gave up (often the end of the
 * front matter); the author needs the place where it was opened.
 */
function unclosedOpening(source: string, document: Document.Parsed, error: YAMLError): { offset: number; message: string } | undefined {
  const quote = /Missing closing (["'])quote/.exec(error.message);
  const flow = /Flow (sequence|map) .*end with an? ([\]}])|Expected flow (sequence|map) to end with ([\]}])/.exec(error.message);
  if (!quote && !flow) return undefined;
  const position = error.pos[0];
  let best: Node | undefined;
  forEachNode(document.contents, (node) => {
    if (!node.range || node.range[0] >= position) return;
    const matches = quote
      ? yaml().isScalar(node) && node.type === (quote[1] === '"' ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE')
      : yaml().isCollection(node) && node.flow === true && ((flow![1] ?? flow![3]) === 'map' ? yaml().isMap(node) : yaml().isSeq(node)) && source[node.range[0]] === ((flow![2] ?? flow![4]) === ']' ? '[' : '{');
    // The unclosed one runs furthest; among equals, the outermost.
    if (matches && (!best || node.range[1] > best.range![1])) best = node;
  });
  if (!best) return undefined;
  const opened = source[best.range![0]]!;
  return quote
    ? { offset: best.range![0], message: `the quote (${opened}) opened here is never closed` }
    : { offset: best.range![0], message: `the ${opened} opened here is never closed with ${opened === '[' ? ']' : '}'}` };
}

/** Every explicit tag written in the source (the failsafe schema adds no implicit ones to nodes). */
function tagProblems(source: string, document: Document.Parsed, at: Locate): FrontMatterProblem[] {
  const problems: FrontMatterProblem[] = [];
  forEachNode(document.contents, (node) => {
    if (!node.tag) return;
    const tag = writtenTag(source, node);
    problems.push({
      ...at(tag.offset),
      field: 'front matter',
      code: 'yaml-tag',
      message: `YAML tag ${tag.text} is not allowed: front matter is plain data; remove the tag (quote the value if it must stay text)`,
    });
  });
  return problems;
}

/** Calls `visit` on every node in document order, keys included, without recursion. */
function forEachNode(root: unknown, visit: (node: Node) => void): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const item = stack.pop();
    if (yaml().isPair(item)) {
      stack.push(item.value, item.key);
      continue;
    }
    if (!item || typeof item !== 'object' || !('range' in item)) continue;
    visit(item as Node);
    if (yaml().isCollection(item)) for (let index = item.items.length - 1; index >= 0; index -= 1) stack.push(item.items[index]);
  }
}

// ---------------------------------------------------------------------------------------------
// The walk: limits, duplicate keys, tags, aliases and comments that swallow part of a value

interface Walked {
  errors: FrontMatterProblem[];
  warnings: FrontMatterProblem[];
  /** Reported only after the alias-count check, which names a bomb more precisely. */
  tooLarge?: FrontMatterProblem;
}

type Step = { node: unknown; field: string; role: 'key' | 'value'; exit?: false } | { node: Node; exit: true };

function walkDocument(source: string, root: unknown, at: Locate): Walked {
  const walked: Walked = { errors: [], warnings: [] };
  const error = (offset: number, code: string, message: string) => walked.errors.push({ ...at(offset), field: 'front matter', code, message });
  const limit = Math.max(MIN_EXPANDED_CHARACTERS, MAX_EXPANSION_FACTOR * source.length);
  const anchors = new Map<string, Node>();
  /** Expanded size of every finished node, in characters; a node still open is missing. */
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  let expanded = 0;
  let nodes = 0;
  let keys = 0;

  const stack: Step[] = [{ node: root, field: '', role: 'value' }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    if (step.exit) {
      open.delete(step.node);
      let size = 1;
      if (yaml().isCollection(step.node)) {
        for (const item of step.node.items) {
          size += yaml().isPair(item) ? sizeOf(sizes, item.key) + sizeOf(sizes, item.value) : sizeOf(sizes, item);
        }
      }
      sizes.set(step.node, size);
      continue;
    }
    const { node, field, role } = step;
    if (!node || typeof node !== 'object' || !('range' in node) || !(node as Node).range) continue;
    const current = node as Node;
    const start = current.range![0];
    if (++nodes > MAX_NODES) {
      error(start, 'front-matter-too-many-nodes', tooManyValues());
      break;
    }
    if (current.anchor) anchors.set(current.anchor, current);
    if (yaml().isAlias(current)) {
      const target = anchors.get(current.source);
      if (!target) {
        error(start, 'yaml-alias-undefined', `YAML: alias *${current.source} refers to no anchor (define &${current.source} on an earlier value)`);
        continue;
      }
      if (open.has(target)) {
        error(start, 'yaml-alias-cycle', `YAML: alias *${current.source} refers to a value that contains it`);
        continue;
      }
      sizes.set(current, sizes.get(target) ?? 1);
      expanded += sizes.get(current)!;
      if (expanded > limit && !walked.tooLarge) {
        walked.tooLarge = {
          ...at(start),
          field: 'front matter',
          code: 'front-matter-too-large',
          message: `YAML alias *${current.source} expands the front matter to more than ${count(limit)} characters; refused as a resource-exhaustion attack`,
        };
      }
      continue;
    }
    if (yaml().isScalar(current)) {
      const length = current.value === null || current.value === undefined ? 0 : String(current.value).length;
      sizes.set(current, 1 + length);
      expanded += 1 + length;
      if (role === 'value' && current.type === 'PLAIN') {
        const comment = commentAfter(source, current.range![1]);
        if (comment !== undefined) {
          walked.warnings.push({
            ...at(current.range![1]),
            field: field || 'front matter',
            code: 'yaml-comment-in-value',
            message: `"${comment}" is a YAML comment and is left out of the value "${current.value}"; put the whole value in quotes to keep it`,
          });
        }
      }
      continue;
    }
    if (!yaml().isCollection(current)) continue;
    expanded += 1;
    if (current.anchor) open.add(current);
    stack.push({ node: current, exit: true });
    const items = current.items;
    if (yaml().isMap(current)) {
      keys += items.length;
      if (keys > MAX_KEYS) {
        const first = items[Math.max(0, MAX_KEYS - (keys - items.length))];
        const offset = (yaml().isPair(first) && (first.key as Node | null)?.range?.[0]) || start;
        error(offset, 'front-matter-too-many-keys', tooManyKeys(keys, true));
        break;
      }
      const firstOffsets = new Map<string, number>();
      for (const pair of items as Pair[]) {
        if (!yaml().isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        const first = firstOffsets.get(name);
        if (first === undefined) firstOffsets.set(name, pair.key.range![0]);
        else error(pair.key.range![0], 'yaml-duplicate-key', `YAML: the key "${name}" is repeated (first set on line ${at(first).line}); each key may appear once`);
      }
    }
    for (let index = items.length - 1; index >= 0; index -= 1) {
      const item = items[index];
      if (yaml().isPair(item)) {
        const name = yaml().isScalar(item.key) ? String(item.key.value) : '?';
        const path = field ? `${field}.${name}` : name;
        stack.push({ node: item.value, field: path, role: 'value' }, { node: item.key, field: path, role: 'key' });
      } else {
        stack.push({ node: item, field: `${field}[${index}]`, role: 'value' });
      }
    }
  }
  return walked;
}

function sizeOf(sizes: Map<Node, number>, node: unknown): number {
  return node ? (sizes.get(node as Node) ?? 0) : 0;
}

/** The comment right after a plain value on its line (`title: Episode #1` → "#1"), if any. */
function commentAfter(source: string, end: number): string | undefined {
  const lineEnd = source.indexOf('\n', end);
  const rest = source.slice(end, lineEnd < 0 ? source.length : lineEnd);
  const match = /^[ \t]+(#.*)$/.exec(rest);
  return match ? match[1]!.trimEnd() : undefined;
}

/** A tag as the author wrote it (`!custom`, `!!timestamp`, `!<tag:x>`) and where. */
function writtenTag(source: string, node: Node): { text: string; offset: number } {
  const start = node.range![0];
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  const written = [...source.slice(lineStart, start).matchAll(/!(?:<[^>]*>|[^\s,[\]{}]*)/g)].at(-1);
  if (written) return { text: written[0], offset: lineStart + written.index! };
  const tag = node.tag!;
  const text = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag.startsWith('!') ? tag : `!<${tag}>`;
  return { text, offset: start };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'a value contains ": " (like "Re: hello"); put the value in quotes';
    case 'TAB_AS_INDENT':
      return 'tabs are used for indentation; use spaces';
    default:
      return /call stack/i.test(message) ? 'nested too deeply to read' : firstLine(message);
  }
}
