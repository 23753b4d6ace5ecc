// JavaScript front matter, read as data and never run: Eleventy's `---js` blocks (`const title =
// "…";`, a bare object, `module.exports = {…}`, `export default {…}`) and the `export const meta =
// {…}` at the top of an MDX post. Only literal values are read: strings, template literals without
// `${}`, numbers (as written), true/false/null (as the words, like unquoted YAML), lists and objects.
// A name used as a value (`authors: [adamwathan]`) is left out with a warning; anything that would
// have to run (calls, operators, spread, `new`, functions) is refused at its line and column.
//
// The reader recurses once per [ or {, after checking the depth; every token is read once.
import type { FrontMatter, FrontMatterProblem } from './front-matter.js';
import { LIMITS } from './front-matter-limits.js';
import { JsReadError, Tokenizer, type Token } from './js-tokens.js';

export type JsFrontMatterResult = { ok: true; frontMatter: FrontMatter; warnings: FrontMatterProblem[] } | { ok: false; problems: FrontMatterProblem[] };

const NOT_LITERAL = 'not a literal value; postfeed reads JavaScript front matter without running it';
/** `export const <name> = {…}` holds the post's front matter (Next.js and MDX blogs). */
const META_NAMES = new Set(['meta', 'frontmatter', 'metadata']);
const DECLARATIONS = new Set(['const', 'let', 'var']);
const WORDS = new Set(['true', 'false', 'null']);
/** Tokens one import may have: a real one has a few dozen; past this it is prose that starts with "import". */
const MAX_IMPORT_TOKENS = 1_000;

type Path = ReadonlyArray<string | number>;

/** Where the value of a statement starts and the key it sets, for a statement that goes on. */
type StatementValue = { start: number; field?: string };

/** A value as read: data, or a name postfeed cannot look up (left out by its container). */
type Read = { data: unknown; plain: boolean } | { reference: string; offset: number } | { omitted: true };

/**
 * Reads JavaScript front matter (the text between `---js` and `---`). `firstLine` is the file line
 * the source starts on, so problems and `lineOf` give file lines.
 */
export function readJsFrontMatter(source: string, firstLine: number): JsFrontMatterResult {
  const reader = new Reader(source, firstLine);
  return reader.result(() => reader.readStatements());
}

/**
 * For MDX: if the text (after optional import lines and blank lines) starts with `export const
 * meta|frontmatter|metadata = {`, returns the end offset of that statement plus the parsed result,
 * else undefined.
 */
export function readMdxExportFrontMatter(text: string): { result: JsFrontMatterResult; endOffset: number; bodyLine: number } | undefined {
  const reader = new Reader(text, 1);
  if (!reader.atMetaExport()) return undefined;
  let endOffset = text.length;
  const result = reader.result(() => {
    endOffset = reader.readMetaExport();
  });
  // The body starts on the line after the statement, unless more is written on its last line.
  const lineEnd = text.indexOf('\n', endOffset);
  const restOfLine = text.slice(endOffset, lineEnd < 0 ? text.length : lineEnd);
  const bodyStart = restOfLine.trim() !== '' ? endOffset : lineEnd < 0 ? text.length : lineEnd + 1;
  return { result, endOffset, bodyLine: reader.lineAt(bodyStart) };
}

class Reader {
  private readonly tokens: Tokenizer;
  private readonly data: Record<string, unknown> = Object.create(null);
  /** Where every key and list item is written, by path (see keyOf). */
  private readonly offsets = new Map<string, number>();
  private readonly plainKeys = new Set<string>();
  /** Offsets of the top-level keys, for repeated ones across statements. */
  private readonly topKeys = new Map<string, number>();
  private readonly warnings: FrontMatterProblem[] = [];
  private lineStarts: number[] | undefined;
  private keys = 0;
  private values = 0;
  private depth = 0;
  /** The offset after the last token taken (where an MDX export ends). */
  private end = 0;

  constructor(
    private readonly source: string,
    private readonly firstLine: number,
  ) {
    this.tokens = new Tokenizer(source);
  }

  result(read: () => void): JsFrontMatterResult {
    try {
      read();
    } catch (error) {
      if (!(error instanceof JsReadError)) throw error;
      return { ok: false, problems: [this.problem(error.offset, error.code, error.message, error.field)] };
    }
    return { ok: true, frontMatter: this.frontMatter(), warnings: this.warnings };
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  readStatements(): void {
    while (this.tokens.peek().kind !== 'end') {
      const token = this.tokens.peek();
      if (token.kind === 'punctuator' && token.text === ';') this.tokens.take();
      else if (isName(token, 'import')) this.skipImport();
      else this.readStatement(token);
    }
  }

  private readStatement(token: Token): void {
    let last: StatementValue;
    if (isName(token, 'export')) {
      this.tokens.take();
      const next = this.tokens.peek();
      if (isName(next, 'default')) {
        this.tokens.take();
        last = this.readTopObject();
      } else if (next.kind === 'name' && DECLARATIONS.has(next.text)) {
        last = this.readDeclarations(true);
      } else {
        throw unsupported(next);
      }
    } else if (token.kind === 'name' && DECLARATIONS.has(token.text)) {
      last = this.readDeclarations(false);
    } else if (isName(token, 'module')) {
      this.tokens.take();
      this.expect('.');
      if (!isName(this.tokens.take(), 'exports')) throw unsupported(token);
      this.expect('=');
      last = this.readTopObject();
    } else if (isPunctuator(token, '{')) {
      last = this.readTopObject();
    } else {
      throw unsupported(token);
    }
    this.endStatement(last);
  }

  /** A statement ends with `;`, a line break or the end; anything else continues an expression. */
  private endStatement(last: StatementValue): void {
    const next = this.tokens.peek();
    if (isPunctuator(next, ';')) this.tokens.take();
    else if (next.kind !== 'end' && !next.newlineBefore) throw new JsReadError(last.start, 'js-not-literal', NOT_LITERAL, last.field);
  }

  /** `const a = 1, b = 2`; returns where the last value starts, for the statement's end. */
  private readDeclarations(exported: boolean): StatementValue {
    this.tokens.take();
    for (;;) {
      const name = this.tokens.take();
      if (name.kind !== 'name') throw unsupported(name);
      this.expect('=');
      const start = this.tokens.peek();
      const merged = exported && META_NAMES.has(name.text) && isPunctuator(start, '{');
      if (merged) this.readObject([], this.topKeys);
      else this.readTopValue(name);
      if (!isPunctuator(this.tokens.peek(), ',')) return { start: start.start, field: merged ? undefined : name.text };
      this.tokens.take();
    }
  }

  /** `export default`, `module.exports =` and a bare `{`: an object whose keys are the front matter. */
  private readTopObject(): StatementValue {
    const start = this.tokens.peek();
    if (!isPunctuator(start, '{')) {
      throw new JsReadError(start.start, 'js-not-literal', 'must be an object literal ({ title: "…", … }); postfeed reads JavaScript front matter without running it');
    }
    this.readObject([], this.topKeys);
    return { start: start.start };
  }

  private readTopValue(name: Token): void {
    this.addKey(name, this.topKeys, name.text);
    this.store(this.data, name.text, [name.text], name, this.readValue([name.text]));
  }

  /** `import x from '…'`, `import { a, b } from "…"` (over several lines), `import '…'`. */
  private skipImport(): void {
    const start = this.tokens.take();
    if (this.tokens.peek().kind === 'string') {
      this.tokens.take();
      return;
    }
    for (let token = this.tokens.take(), count = 1; token.kind !== 'end' && count <= MAX_IMPORT_TOKENS; token = this.tokens.take(), count += 1) {
      if (isName(token, 'from') && this.tokens.peek().kind === 'string') {
        this.tokens.take();
        return;
      }
    }
    throw new JsReadError(start.start, 'js-syntax', `the import here never ends with from '…'`);
  }

  // -------------------------------------------------------------------------------------------
  // MDX: imports, then `export const meta = {`

  atMetaExport(): boolean {
    try {
      while (isName(this.tokens.peek(), 'import')) this.skipImport();
      if (!isName(this.tokens.take(), 'export')) return false;
      const declaration = this.tokens.take();
      if (declaration.kind !== 'name' || !DECLARATIONS.has(declaration.text)) return false;
      const name = this.tokens.take();
      return name.kind === 'name' && META_NAMES.has(name.text) && isPunctuator(this.tokens.take(), '=') && isPunctuator(this.tokens.peek(), '{');
    } catch (error) {
      // Markdown that is not JavaScript (an apostrophe opens a "string" that never closes).
      if (error instanceof JsReadError) return false;
      throw error;
    }
  }

  /** The object after `export const meta =`; returns the offset after it (and after a `;` on its line). */
  readMetaExport(): number {
    this.readObject([], this.topKeys);
    // Not a token: what follows is Markdown, which need not tokenize as JavaScript.
    const semicolon = /[ \t]*;/y;
    semicolon.lastIndex = this.end;
    return semicolon.test(this.source) ? semicolon.lastIndex : this.end;
  }

  // -------------------------------------------------------------------------------------------
  // Values

  private readValue(path: Path): Read {
    const token = this.tokens.take();
    this.end = token.end;
    if (++this.values > LIMITS.maxNodes) throw new JsReadError(token.start, 'front-matter-too-many-nodes', LIMITS.tooManyValues());
    switch (token.kind) {
      case 'string':
      case 'template':
        return { data: token.text, plain: false };
      case 'number':
        return { data: token.text, plain: true };
      case 'name':
        return this.readName(token, path);
      case 'punctuator':
        if (token.text === '[' || token.text === '{') return this.readCollection(token, path);
        if (token.text === '-' && this.tokens.peek().kind === 'number') {
          const number = this.tokens.take();
          this.end = number.end;
          return { data: `-${number.text}`, plain: true };
        }
        if ([',', '}', ']', ';'].includes(token.text)) throw new JsReadError(token.start, 'js-syntax', 'a value is missing here', fieldOf(path));
        throw new JsReadError(token.start, 'js-not-literal', NOT_LITERAL, fieldOf(path));
      default:
        throw new JsReadError(token.start, 'js-syntax', 'a value is missing here', fieldOf(path));
    }
  }

  private readName(token: Token, path: Path): Read {
    if (WORDS.has(token.text)) return { data: token.text, plain: true };
    // `key: undefined` is JavaScript for no value: the key is left out, as if it were not written.
    if (token.text === 'undefined' && this.endsValue(this.tokens.peek())) return { omitted: true };
    // A name on its own is a reference to a variable or an import; followed by anything else, code.
    if (!this.endsValue(this.tokens.peek())) throw new JsReadError(token.start, 'js-not-literal', NOT_LITERAL, fieldOf(path));
    return { reference: token.text, offset: token.start };
  }

  /** The token after a value ends it: a separator, a closer, a line break or the end. */
  private endsValue(next: Token): boolean {
    return next.kind === 'end' || next.newlineBefore || (next.kind === 'punctuator' && [',', '}', ']', ';'].includes(next.text));
  }

  private readCollection(open: Token, path: Path): Read {
    if (this.depth >= LIMITS.maxDepth) {
      throw new JsReadError(open.start, 'js-too-deep', `JavaScript: nested too deeply to read (more than ${LIMITS.maxDepth} levels of [ and {)`, fieldOf(path));
    }
    this.depth += 1;
    const read = open.text === '[' ? this.readArrayItems(path) : { data: this.readObjectEntries(path, new Map()), plain: false };
    this.depth -= 1;
    return read;
  }

  private readObject(path: Path, seen: Map<string, number>): void {
    this.expect('{');
    this.depth += 1;
    this.readObjectEntries(path, seen, this.data);
    this.depth -= 1;
  }

  /** The entries of an object whose `{` is taken, up to and with its `}`. */
  private readObjectEntries(path: Path, seen: Map<string, number>, record: Record<string, unknown> = Object.create(null)): Record<string, unknown> {
    for (;;) {
      const key = this.tokens.take();
      this.end = key.end;
      if (isPunctuator(key, '}')) return record;
      if (key.kind !== 'name' && key.kind !== 'string' && key.kind !== 'number') throw new JsReadError(key.start, 'js-not-literal', NOT_LITERAL, fieldOf(path));
      const next = this.tokens.take();
      const childPath = [...path, key.text];
      if (isPunctuator(next, ':')) {
        this.addKey(key, seen, key.text);
        this.store(record, key.text, childPath, key, this.readValue(childPath));
      } else if (key.kind === 'name' && (isPunctuator(next, ',') || isPunctuator(next, '}'))) {
        this.addKey(key, seen, key.text);
        this.warnReference(childPath, key.start, key.text);
        this.end = next.end;
        if (isPunctuator(next, '}')) return record;
        continue;
      } else {
        // A method (`title() {…}`), a getter (`get title() {…}`): code.
        throw new JsReadError(key.start, 'js-not-literal', NOT_LITERAL, fieldOf(isPunctuator(next, '(') ? childPath : path));
      }
      if (this.afterItem('}', childPath)) return record;
    }
  }

  /** The items of a list whose `[` is taken, up to and with its `]`. */
  private readArrayItems(path: Path): Read {
    const items: unknown[] = [];
    let leftOut = 0;
    // A list whose items are all left out (`authors: [adamwathan]`) is left out whole, not kept empty.
    const list = (): Read => (leftOut > 0 && items.length === 0 ? { omitted: true } : { data: items, plain: false });
    for (let index = 0; ; index += 1) {
      const token = this.tokens.peek();
      if (isPunctuator(token, ']')) {
        this.end = this.tokens.take().end;
        return list();
      }
      if (isPunctuator(token, ',')) throw new JsReadError(token.start, 'js-syntax', 'an empty item in a list (two commas in a row)', fieldOf(path));
      // Paths below an item follow the list as kept (names left out), like the data.
      const itemPath = [...path, items.length];
      const read = this.readValue(itemPath);
      if ('data' in read) {
        this.offsets.set(keyOf(itemPath), token.start);
        items.push(read.data);
      } else {
        if ('reference' in read) this.warnReference([...path, index], read.offset, read.reference);
        leftOut += 1;
      }
      if (this.afterItem(']', [...path, index])) return list();
    }
  }

  /** After an item: `,` (false), or the closer (true); anything else is code or a missing comma. */
  private afterItem(closer: string, path: Path): boolean {
    const token = this.tokens.take();
    this.end = token.end;
    if (isPunctuator(token, closer)) return true;
    if (isPunctuator(token, ',')) {
      if (isPunctuator(this.tokens.peek(), closer)) {
        this.end = this.tokens.take().end;
        return true;
      }
      return false;
    }
    if (token.kind === 'name' || token.kind === 'string' || token.kind === 'number' || token.kind === 'end') {
      throw new JsReadError(token.start, 'js-syntax', `expected "," or "${closer}" here`, fieldOf(path));
    }
    throw new JsReadError(token.start, 'js-not-literal', NOT_LITERAL, fieldOf(path));
  }

  private addKey(key: Token, seen: Map<string, number>, name: string): void {
    if (++this.keys > LIMITS.maxKeys) throw new JsReadError(key.start, 'front-matter-too-many-keys', LIMITS.tooManyKeys(this.keys, true));
    const first = seen.get(name);
    if (first !== undefined) {
      throw new JsReadError(key.start, 'js-duplicate-key', `JavaScript: the key "${name}" is repeated (first set on line ${this.lineAt(first)}); each key may appear once`);
    }
    seen.set(name, key.start);
  }

  private store(record: Record<string, unknown>, name: string, path: Path, key: Token, read: Read): void {
    if ('reference' in read) {
      this.warnReference(path, read.offset, read.reference);
      return;
    }
    if ('omitted' in read) return;
    record[name] = read.data;
    this.offsets.set(keyOf(path), key.start);
    if (path.length === 1 && read.plain) this.plainKeys.add(name);
  }

  private warnReference(path: Path, offset: number, name: string): void {
    this.warnings.push(
      this.problem(offset, 'js-reference', `refers to \`${name}\`, which postfeed cannot look up without running the code; left out`, fieldOf(path)),
    );
  }

  private expect(text: string): void {
    const token = this.tokens.take();
    this.end = token.end;
    if (!isPunctuator(token, text)) throw unsupported(token);
  }

  // -------------------------------------------------------------------------------------------
  // Positions and the result

  private frontMatter(): FrontMatter {
    return {
      data: this.data,
      lineOf: (path) => {
        // A path below a value (a field parser looking into a list that is text) gets the nearest key above it.
        for (let length = path.length; length > 0; length -= 1) {
          const offset = this.offsets.get(keyOf(path.slice(0, length)));
          if (offset !== undefined) return this.lineAt(offset);
        }
        return undefined;
      },
      isPlainScalar: (key) => this.plainKeys.has(key),
    };
  }

  /** The 1-based file line of a source offset. */
  lineAt(offset: number): number {
    return this.firstLine + this.lineIndex(offset);
  }

  private lineIndex(offset: number): number {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let index = this.source.indexOf('\n'); index >= 0; index = this.source.indexOf('\n', index + 1)) this.lineStarts.push(index + 1);
    }
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private problem(offset: number, code: string, message: string, field = 'front matter'): FrontMatterProblem {
    const index = this.lineIndex(offset);
    return { line: this.firstLine + index, column: offset - this.lineStarts![index]! + 1, field, code, message };
  }
}

function unsupported(token: Token): JsReadError {
  if (token.kind === 'end') return new JsReadError(token.start, 'js-syntax', 'the JavaScript ends in the middle of a statement');
  return new JsReadError(
    token.start,
    'js-not-literal',
    'only `const name = value`, `export const meta = {…}`, `export default {…}`, `module.exports = {…}` or an object literal can be read; postfeed reads JavaScript front matter without running it',
  );
}

function isName(token: Token, text: string): boolean {
  return token.kind === 'name' && token.text === text;
}

function isPunctuator(token: Token, text: string): boolean {
  return token.kind === 'punctuator' && token.text === text;
}

/** The field a problem names: `title`, `authors[0]`, `author.name`. */
function fieldOf(path: Path): string {
  if (path.length === 0) return 'front matter';
  return path.reduce<string>((field, segment) => (typeof segment === 'number' ? `${field}[${segment}]` : field ? `${field}.${segment}` : segment), '');
}

/** One string per path (a key may contain any character, "." included). */
function keyOf(path: Path): string {
  return JSON.stringify(path);
}
