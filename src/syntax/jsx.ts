// JSX in one paragraph of MDX: comments removed (the truncate marker kept), components unwrapped,
// expressions left out, lowercase HTML kept without its `{…}` attribute values. Code spans are
// left alone, and every line keeps its number.
import { inlineCodeSpans } from './code-regions.js';
import { SyntaxWarnings } from './context.js';
import { ForwardSearch, LineCounter, lineBreaksIn, quoted } from './scan.js';

/**
 * Rewrites one paragraph (no blank or code lines) whose first line is `firstLine`, counting in
 * `nestingChanges[i]` the components that open (or, when negative, close) before body line i + 1.
 */
export function rewriteJsxParagraph(text: string, firstLine: number, warnings: SyntaxWarnings, nestingChanges: number[]): string {
  return new JsxParagraph(text, firstLine, warnings, nestingChanges).run();
}

interface JsxTag {
  /** '' for a fragment (`<>`, `</>`): removed without a warning, since it only groups what it holds. */
  name: string;
  isComponent: boolean;
  form: 'open' | 'close' | 'self';
  end: number;
  /** Where each `{…}` among the attributes starts and ends. */
  expressions: Array<[number, number]>;
}

const SYNTAX = /[`{<\\]/g;
const TAG_NAME = /[A-Za-z][\w.:-]*/y;

/**
 * A tag or expression that never closes keeps the rest of its kind in the paragraph as written:
 * scanning again from each later `<` or `{` would cost the square of the paragraph's length.
 */
class JsxParagraph {
  private readonly spans: Map<number, number>;
  private readonly search: ForwardSearch;
  private readonly lines: LineCounter;
  private readonly syntax = new RegExp(SYNTAX);
  private readonly unclosed = { tags: false, expressions: false };
  private output = '';
  private cursor = 0;

  constructor(
    private readonly text: string,
    private readonly firstLine: number,
    private readonly warnings: SyntaxWarnings,
    private readonly nestingChanges: number[],
  ) {
    this.spans = inlineCodeSpans(text);
    this.search = new ForwardSearch(text);
    this.lines = new LineCounter(text);
  }

  run(): string {
    const { text, syntax } = this;
    for (let match = syntax.exec(text); match; match = syntax.exec(text)) {
      const start = match.index;
      const character = match[0];
      if (character === '\\') syntax.lastIndex = start + 2;
      else if (character === '`') syntax.lastIndex = this.spans.get(start) ?? runEnd(text, start);
      else if (character === '{' && text.startsWith('{/*', start)) this.comment(start);
      else if (character === '{' && !this.unclosed.expressions) this.expression(start);
      else if (character === '<' && !this.unclosed.tags) this.tag(start);
    }
    return this.output + text.slice(this.cursor);
  }

  private lineAt(offset: number): number {
    return this.firstLine + this.lines.lineAt(offset) - 1;
  }

  private replace(start: number, end: number, replacement: string): void {
    this.output += this.text.slice(this.cursor, start) + replacement;
    this.cursor = end;
    this.syntax.lastIndex = end;
  }

  private comment(start: number): void {
    const close = this.search.indexOf('*/}', start + 3);
    if (close >= 0) {
      this.replace(start, close + 3, commentReplacement(this.text.slice(start, close + 3)));
    } else if (!this.unclosed.expressions) {
      this.unclosed.expressions = true;
      const line = this.lineAt(start);
      this.warnings.add(`unclosed comment ${line}`, line, 'mdx-expression', `MDX comment on line ${line} is never closed: kept as written`);
    }
  }

  private expression(start: number): void {
    const end = expressionEnd(this.text, start);
    const line = this.lineAt(start);
    if (end < 0) {
      this.unclosed.expressions = true;
      this.warnings.add(`unclosed expression ${line}`, line, 'mdx-expression', `MDX expression on line ${line} is never closed: the rest of its paragraph kept as written`);
      return;
    }
    this.warnExpression(this.text.slice(start, end), line);
    this.replace(start, end, lineBreaksIn(this.text.slice(start, end)));
  }

  private warnExpression(expression: string, line: number, where = ''): void {
    this.warnings.add(`expression ${expression}`, line, 'mdx-expression', `MDX expression ${quoted(expression)}${where} on line ${line} left out: postfeed does not run JavaScript`);
  }

  private tag(start: number): void {
    const tag = jsxTagAt(this.text, start);
    if (tag === undefined) return;
    const line = this.lineAt(start);
    if (tag === 'unclosed') {
      this.unclosed.tags = true;
      this.warnings.add(`unclosed tag ${line}`, line, 'mdx-component', `Tag on line ${line} is never closed with >: the rest of its paragraph kept as written`);
    } else if (tag.name === '') this.replace(start, tag.end, '');
    else if (tag.isComponent) this.component(tag, start, line);
    else this.htmlTag(tag, start, line);
  }

  private component(tag: JsxTag, start: number, line: number): void {
    const what = tag.form === 'self' ? `<${tag.name} />` : `<${tag.name}>`;
    this.warnings.add(`component ${tag.name}`, line, 'mdx-component', `MDX component ${what} on line ${line} left out, any content between its tags kept: postfeed does not run components`);
    // Children start after an opening tag's last line; a closing tag's own line is still inside.
    if (tag.form === 'open') this.nestingChanges[this.lineAt(tag.end - 1)]! += 1;
    else if (tag.form === 'close') this.nestingChanges[line]! -= 1;
    this.replace(start, tag.end, lineBreaksIn(this.text.slice(start, tag.end)));
  }

  /** An HTML element stays for the sanitizer, without the attributes whose values are JavaScript (`src={logo}`). */
  private htmlTag(tag: JsxTag, start: number, line: number): void {
    if (tag.expressions.length === 0) {
      this.syntax.lastIndex = tag.end;
      return;
    }
    let written = '';
    let from = start;
    for (const [expressionStart, expressionEnd] of tag.expressions) {
      const attributeStart = attributeStartBefore(this.text, expressionStart);
      this.warnExpression(this.text.slice(expressionStart, expressionEnd), line, ` in <${tag.name}>`);
      written += this.text.slice(from, attributeStart) + lineBreaksIn(this.text.slice(attributeStart, expressionEnd));
      from = expressionEnd;
    }
    this.replace(start, tag.end, written + this.text.slice(from, tag.end));
  }
}

/** `{/* truncate *\/}` marks where Docusaurus cuts the summary: kept as the HTML comment that means the same. */
function commentReplacement(comment: string): string {
  return (comment.slice(3, -3).trim() === 'truncate' ? '<!-- truncate -->' : '') + lineBreaksIn(comment);
}

function runEnd(text: string, start: number): number {
  let end = start;
  while (text[end] === text[start]) end += 1;
  return end;
}

/**
 * The tag starting at `start` (`<Foo a="b" c={d}>`, `</Foo>`, `<Foo />`, `<div>`, a fragment),
 * 'unclosed' when no `>` ends it, or undefined when the `<` starts no tag (`a < b`).
 */
function jsxTagAt(text: string, start: number): JsxTag | 'unclosed' | undefined {
  const closing = text[start + 1] === '/';
  const nameStart = closing ? start + 2 : start + 1;
  if (text[nameStart] === '>') return { name: '', isComponent: true, form: closing ? 'close' : 'open', end: nameStart + 1, expressions: [] };
  TAG_NAME.lastIndex = nameStart;
  const name = TAG_NAME.exec(text)?.[0];
  if (!name) return undefined;
  const attributes = attributesEnd(text, nameStart + name.length);
  if (!attributes) return 'unclosed';
  const { end, expressions } = attributes;
  const form = closing ? 'close' : text[end - 2] === '/' ? 'self' : 'open';
  // MDX reads a capitalised or dotted name as a component; lowercase names are HTML elements.
  return { name, isComponent: /^[A-Z]/.test(name) || name.includes('.'), form, end, expressions };
}

/** Just past the `>` that ends a tag, past quoted values and `{…}` expressions, which it lists; undefined if none. */
function attributesEnd(text: string, from: number): { end: number; expressions: Array<[number, number]> } | undefined {
  const expressions: Array<[number, number]> = [];
  for (let index = from; index < text.length; index += 1) {
    const character = text[index];
    if (character === '>') return { end: index + 1, expressions };
    if (character === '"' || character === "'") {
      index = text.indexOf(character, index + 1);
      if (index < 0) return undefined;
    } else if (character === '{') {
      const end = expressionEnd(text, index);
      if (end < 0) return undefined;
      expressions.push([index, end]);
      index = end - 1;
    }
  }
  return undefined;
}

/** Where the white space and ` name=` before an attribute's `{…}` value start (just the white space before a spread `{...props}`). */
function attributeStartBefore(text: string, expressionStart: number): number {
  let index = expressionStart;
  const skipSpace = () => {
    while (/\s/.test(text[index - 1] ?? '')) index -= 1;
  };
  skipSpace();
  if (text[index - 1] !== '=') return index;
  index -= 1;
  skipSpace();
  while (/[\w:.-]/.test(text[index - 1] ?? '')) index -= 1;
  skipSpace();
  return index;
}

/** Just past the `}` that closes the `{` at `start`, past strings in it; -1 if none. */
function expressionEnd(text: string, start: number): number {
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index]!;
    if (character === '"' || character === "'" || character === '`') {
      index = stringEnd(text, index);
      if (index < 0) return -1;
    } else if (character === '{') depth += 1;
    else if (character === '}') {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return -1;
}

/** The index of the quote that closes the string opening at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  const quote = text[start];
  for (let index = start + 1; index < text.length; index += 1) {
    if (text[index] === '\\') index += 1;
    else if (text[index] === quote) return index;
  }
  return -1;
}
