// The tokens of JavaScript front matter, for js-front-matter.ts: names, strings (with their escapes
// decoded), template literals without `${}`, numbers as written, and every other character as a
// one-character token the reader refuses. Comments and white space are skipped. One forward pass,
// one token at a time: the reader can stop at the end of an MDX export without reading the Markdown
// after it as JavaScript.

type TokenKind = 'name' | 'string' | 'template' | 'number' | 'punctuator' | 'end';

export interface Token {
  kind: TokenKind;
  /** Offsets in the source: the token is source.slice(start, end). */
  start: number;
  end: number;
  /** Names, numbers and punctuators as written; strings and templates as their value. */
  text: string;
  /** A line break comes before the token (where JavaScript would end a statement without `;`). */
  newlineBefore: boolean;
}

/** A problem the tokenizer or the reader finds; caught where reading starts and turned into data. */
export class JsReadError extends Error {
  constructor(
    readonly offset: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const NAME = /[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/uy;
const NUMBER = /(?:0[xX][\da-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)n?/y;
const NAME_CHARACTER = /[\p{ID_Continue}$]/u;
const WHITE_SPACE = /[\s\uFEFF]+/y;
const LINE_BREAK = /[\n\r\u2028\u2029]/;

export class Tokenizer {
  private position = 0;
  private peeked: Token | undefined;

  constructor(readonly source: string) {}

  /** The next token, without taking it. */
  peek(): Token {
    this.peeked ??= this.read();
    return this.peeked;
  }

  take(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  private read(): Token {
    const newlineBefore = this.skipSpaceAndComments();
    const start = this.position;
    const source = this.source;
    if (start >= source.length) return { kind: 'end', start, end: start, text: '', newlineBefore };
    const character = source[start]!;
    if (character === '"' || character === "'") return this.token('string', start, this.readString(character), newlineBefore);
    if (character === '`') return this.token('template', start, this.readTemplate(), newlineBefore);
    const number = this.match(NUMBER);
    if (number !== undefined) {
      if (NAME_CHARACTER.test(source[this.position] ?? '')) throw new JsReadError(start, 'js-syntax', `"${source.slice(start, this.position + 1)}" is not a number`);
      return this.token('number', start, number, newlineBefore);
    }
    const name = this.match(NAME);
    if (name !== undefined) return this.token('name', start, name, newlineBefore);
    const codePoint = String.fromCodePoint(source.codePointAt(start)!);
    this.position += codePoint.length;
    return this.token('punctuator', start, codePoint, newlineBefore);
  }

  private token(kind: TokenKind, start: number, text: string, newlineBefore: boolean): Token {
    return { kind, start, end: this.position, text, newlineBefore };
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const match = pattern.exec(this.source);
    if (!match) return undefined;
    this.position += match[0].length;
    return match[0];
  }

  /** Skips white space and comments; true when a line break was among them. */
  private skipSpaceAndComments(): boolean {
    const source = this.source;
    let newline = false;
    while (this.position < source.length) {
      const space = this.match(WHITE_SPACE);
      if (space !== undefined) {
        newline ||= LINE_BREAK.test(space);
      } else if (source.startsWith('//', this.position)) {
        const end = source.indexOf('\n', this.position);
        this.position = end < 0 ? source.length : end;
      } else if (source.startsWith('/*', this.position)) {
        const end = source.indexOf('*/', this.position + 2);
        if (end < 0) throw new JsReadError(this.position, 'js-syntax', 'the comment opened here is never closed with */');
        newline ||= LINE_BREAK.test(source.slice(this.position, end));
        this.position = end + 2;
      } else {
        break;
      }
    }
    return newline;
  }

  /** A '…' or "…" string, which ends on its line. */
  private readString(quote: string): string {
    const source = this.source;
    const start = this.position;
    const parts: string[] = [];
    let chunk = start + 1;
    for (let index = chunk; index < source.length; index += 1) {
      const character = source[index]!;
      if (character === quote) {
        parts.push(source.slice(chunk, index));
        this.position = index + 1;
        return parts.join('');
      }
      if (character === '\n' || character === '\r') break;
      if (character === '\\') {
        parts.push(source.slice(chunk, index));
        const escape = readEscape(source, index);
        parts.push(escape.value);
        chunk = escape.next;
        index = escape.next - 1;
      }
    }
    throw new JsReadError(start, 'js-unclosed', `the quote (${quote}) opened here is never closed on its line`);
  }

  /** A `…` template literal: its text, unless it has a `${…}` (code that would have to run). */
  private readTemplate(): string {
    const source = this.source;
    const start = this.position;
    const parts: string[] = [];
    let chunk = start + 1;
    for (let index = chunk; index < source.length; index += 1) {
      const character = source[index]!;
      if (character === '`') {
        parts.push(source.slice(chunk, index));
        this.position = index + 1;
        return parts.join('');
      }
      if (character === '$' && source[index + 1] === '{') {
        throw new JsReadError(index, 'js-template-substitution', 'a template literal with ${…} is not supported: postfeed reads JavaScript front matter without running it');
      }
      if (character === '\\') {
        parts.push(source.slice(chunk, index));
        const escape = readEscape(source, index);
        parts.push(escape.value);
        chunk = escape.next;
        index = escape.next - 1;
      }
    }
    throw new JsReadError(start, 'js-unclosed', 'the template literal (`) opened here is never closed');
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' };

/** The backslash escape at `index`: its value and the offset after it. */
function readEscape(source: string, index: number): { value: string; next: number } {
  const character = source[index + 1];
  if (character === undefined) throw new JsReadError(index, 'js-syntax', 'a backslash ends the text');
  if (character in SIMPLE_ESCAPES) return { value: SIMPLE_ESCAPES[character]!, next: index + 2 };
  // A backslash before a line break continues the string on the next line.
  if (character === '\n') return { value: '', next: index + 2 };
  if (character === '\r') return { value: '', next: source[index + 2] === '\n' ? index + 3 : index + 2 };
  if (character === '0' && !/\d/.test(source[index + 2] ?? '')) return { value: '\0', next: index + 2 };
  if (character === 'x') return hexEscape(source, index, index + 2, index + 4);
  if (character === 'u' && source[index + 2] === '{') {
    const close = source.indexOf('}', index + 3);
    return hexEscape(source, index, index + 3, close < 0 || close > index + 10 ? -1 : close, 1);
  }
  if (character === 'u') return hexEscape(source, index, index + 2, index + 6);
  if (/\d/.test(character)) throw new JsReadError(index, 'js-syntax', `the escape \\${character} is an octal escape, which JavaScript modules refuse`);
  const codePoint = String.fromCodePoint(source.codePointAt(index + 1)!);
  return { value: codePoint, next: index + 1 + codePoint.length };
}

function hexEscape(source: string, index: number, from: number, to: number, after = 0): { value: string; next: number } {
  const digits = to < 0 ? '' : source.slice(from, to);
  const value = /^[\da-fA-F]+$/.test(digits) ? Number.parseInt(digits, 16) : Number.NaN;
  if (!(value <= 0x10ffff)) throw new JsReadError(index, 'js-syntax', `the escape ${source.slice(index, Math.max(to, from) + after)} is not valid`);
  return { value: String.fromCodePoint(value), next: to + after };
}
