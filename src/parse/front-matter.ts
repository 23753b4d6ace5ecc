// Splits a post into front matter and Markdown body, and parses the front matter as YAML
// without type guessing: every scalar stays the string the author wrote (`slug: 007` is "007",
// `title: 2024` is "2024"); the post validator decides what each field means.
import matter from 'gray-matter';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** Past this many alias expansions the YAML is treated as a "billion laughs" bomb. */
const MAX_ALIAS_COUNT = 100;

export interface FrontMatterProblem {
  code?: string;
  line?: number;
  column?: number;
  field?: string;
  message: string;
}

export interface FrontMatter {
  /** Top-level keys and their values as plain data (strings, arrays, objects). Null-prototype. */
  data: Record<string, unknown>;
  /** 1-based file line of a top-level key, or of a value below it (path like ['tags', 2]). */
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
  /** True when the scalar at `key` was written without quotes (so `true` is a boolean word, not text). */
  isPlainScalar(key: string): boolean;
}

export type SplitResult =
  | { ok: true; frontMatter: FrontMatter; body: string; bodyLine: number }
  | { ok: false; problems: FrontMatterProblem[] };

const DELIMITER = /^---[ \t]*$/;
/** A later line that is exactly `---` (searched in the text after the opening line). */
const CLOSING_DELIMITER = /\n---[ \t]*\r?(?:\n|$)/;

function refuse(language: string): never {
  throw new Error(refusedMessage(language));
}

/** Every engine gray-matter knows besides YAML is refused: its js/javascript engines call eval. */
const REFUSED_ENGINES = Object.fromEntries(
  ['js', 'javascript', 'coffee', 'coffeescript', 'cson', 'json', 'toml'].map((name) => [name, { parse: () => refuse(name) }]),
);

export function splitFrontMatter(text: string): SplitResult {
  const firstNewline = text.indexOf('\n');
  const firstLine = (firstNewline < 0 ? text : text.slice(0, firstNewline)).replace(/\r$/, '');

  if (!DELIMITER.test(firstLine)) {
    if (firstLine.startsWith('+++')) {
      return fail(1, 'TOML front matter (+++) is not supported; write YAML between --- lines');
    }
    if (firstLine.startsWith('---')) {
      const language = firstLine.slice(3).trim();
      if (/^[a-z]+$/i.test(language) && language.toLowerCase() !== 'yaml') return fail(1, refusedMessage(language));
      return fail(1, `the opening line must be exactly "---", found "${firstLine}"`);
    }
    const lines = text.split('\n');
    const opener = lines.findIndex((line) => DELIMITER.test(line.replace(/\r$/, '')));
    const onlyBlankBefore = opener > 0 && lines.slice(0, opener).every((line) => line.trim() === '');
    if (onlyBlankBefore) {
      return fail(opener + 1, `front matter must start on line 1; remove the ${opener} blank line(s) before "---"`);
    }
    return fail(1, 'no front matter: a post starts with a "---" line, then title: and date:, then "---"');
  }

  if (!CLOSING_DELIMITER.test(text.slice(firstNewline))) {
    return fail(1, 'the front matter opened on line 1 is never closed with a "---" line');
  }

  // gray-matter does the split (always with an options object: without one it caches results
  // and shares `data` between calls). Its YAML engine is replaced by a failsafe parser.
  let parsed: ParsedYaml | undefined;
  let body: string;
  try {
    body = matter(text, {
      language: 'yaml',
      engines: {
        ...REFUSED_ENGINES,
        yaml: {
          parse: (source: string) => {
            parsed = parseYaml(source);
            return {};
          },
        },
      },
    }).content;
  } catch (error) {
    return fail(1, (error as Error).message);
  }
  const yaml = parsed ?? parseYaml('');
  if (!yaml.frontMatter) return { ok: false, problems: yaml.problems };
  const bodyLine = countLines(text.slice(0, text.length - body.length));
  return { ok: true, frontMatter: yaml.frontMatter, body, bodyLine };
}

/** 1-based number of the line on which the text after `prefix` starts. */
function countLines(prefix: string): number {
  let count = 1;
  for (let index = prefix.indexOf('\n'); index >= 0; index = prefix.indexOf('\n', index + 1)) count += 1;
  return count;
}

function refusedMessage(language: string): string {
  return `front matter language "${language}" is refused: postfeed never evaluates code from posts`;
}

function fail(line: number, message: string): SplitResult {
  return { ok: false, problems: [{ line, field: 'front matter', message }] };
}

interface ParsedYaml {
  problems: FrontMatterProblem[];
  frontMatter?: FrontMatter;
}

/**
 * Parses the raw front matter block. gray-matter hands over the text from the end of the
 * opening `---` on, so YAML line N is file line N.
 */
function parseYaml(source: string): ParsedYaml {
  const lineCounter = new LineCounter();
  let document: Document.Parsed;
  try {
    document = parseDocument(source, {
      schema: 'failsafe',
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      strict: true,
    });
  } catch (error) {
    const message = (error as Error).message;
    return { problems: [{ line: 1, field: 'front matter', message: /call stack/i.test(message) ? 'YAML: nested too deeply to read' : `cannot be parsed: ${message}` }] };
  }

  const problems: FrontMatterProblem[] = [];
  const position = (offset: number | undefined) => (offset === undefined ? {} : lineCounter.linePos(offset));
  for (const error of document.errors) {
    const { line, col } = position(error.pos[0]) as { line?: number; col?: number };
    problems.push({ line, column: col, field: 'front matter', message: `YAML: ${yamlMessage(error.code, error.message)}` });
  }
  for (const warning of document.warnings) {
    const { line, col } = position(warning.pos[0]) as { line?: number; col?: number };
    const message =
      warning.code === 'TAG_RESOLVE_FAILED'
        ? `YAML tag ${tagName(warning.message)} is not allowed: front matter is plain data`
        : `YAML: ${firstLine(warning.message)}`;
    problems.push({ line, column: col, field: 'front matter', message });
  }
  if (problems.length > 0) return { problems };

  const contents = document.contents;
  if (contents !== null && !isMap(contents)) {
    const kind = isScalar(contents) ? 'a single value' : 'a list';
    const line = contents.range ? lineCounter.linePos(contents.range[0]).line : 1;
    return { problems: [{ line, field: 'front matter', message: `must be a mapping of keys (title: ..., date: ...), not ${kind}` }] };
  }

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT, mapAsMap: false });
  } catch (error) {
    const message = (error as Error).message;
    return {
      problems: [
        {
          line: 1,
          field: 'front matter',
          message: /alias/i.test(message)
            ? `too many YAML aliases (more than ${MAX_ALIAS_COUNT} expansions): refused as a resource-exhaustion attack`
            : `cannot be read: ${firstLine(message)}`,
        },
      ],
    };
  }

  const record: Record<string, unknown> = Object.create(null);
  if (data && typeof data === 'object') {
    for (const [key, value] of Object.entries(data)) record[key] = value;
  }

  const nodeAt = (path: ReadonlyArray<string | number>): { key?: Node; value?: Node } => {
    if (!isMap(contents)) return {};
    const [head, ...rest] = path;
    const pair = contents.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === head);
    if (!pair) return {};
    if (rest.length === 0) return { key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined };
    const inner = document.getIn([head, ...rest], true) as Node | undefined;
    return { key: pair.key as Node, value: inner };
  };

  const frontMatter: FrontMatter = {
    data: record,
    lineOf(path) {
      const { key, value } = nodeAt(path);
      const node = path.length > 1 ? (value ?? key) : (key ?? value);
      return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    },
    isPlainScalar(key) {
      const { value } = nodeAt([key]);
      return isScalar(value) && value.type === 'PLAIN';
    },
  };
  return { problems: [], frontMatter };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function tagName(message: string): string {
  const match = /tag:yaml\.org,2002:(\S+)/.exec(message) ?? /Unresolved tag: (\S+)/.exec(message);
  return match ? `!!${match[1]}` : 'tag';
}

function yamlMessage(code: string, message: string): string {
  switch (code) {
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'a value contains ": " (like "Re: hello"); put the value in quotes';
    case 'DUPLICATE_KEY':
      return 'a key is repeated; each key may appear once';
    case 'TAB_AS_INDENT':
      return 'tabs are used for indentation; use spaces';
    default:
      return /call stack/i.test(message) ? 'nested too deeply to read' : firstLine(message);
  }
}
