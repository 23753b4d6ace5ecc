// MDX (Docusaurus, Astro, Gatsby, Next.js) in post bodies, rewritten to plain Markdown: ESM
// statements and comments removed, admonitions quoted, JSX components unwrapped, expressions left
// out. MDX is parsed with the Markdown, so code blocks and code spans are left alone. Every line
// keeps its number.
import { applyAdmonitions, layOutAdmonitions } from './admonitions.js';
import { fencedCodeLines, inlineCodeSpans } from './code-regions.js';
import { type BodySyntaxContext, type Rewritten, SyntaxWarnings } from './context.js';
import { ForwardSearch, LineCounter, lineBreaksIn, quoted } from './scan.js';

const NOT_RUN = 'postfeed does not run components';

/**
 * Rewrites MDX into Markdown. The context is not needed (MDX links are plain Markdown links); the
 * signature is the other rewrites' so that the caller can pick one by generator.
 */
export function rewriteMdx(markdown: string, _context: BodySyntaxContext): Rewritten {
  const lines = markdown.split('\n');
  const inCode = fencedCodeLines(lines);
  const warnings = new SyntaxWarnings();
  const esm = esmStatementLines(lines, inCode);
  const layout = layOutAdmonitions(lines, (index) => inCode[index]! || esm.has(index), warnings);
  const rewritten = [...lines];
  for (const index of esm) rewritten[index] = '';
  const nestingChanges: number[] = new Array(lines.length + 1).fill(0);
  const isProse = (index: number) => !inCode[index] && !esm.has(index) && !layout.markers.has(index) && /\S/.test(lines[index]!);
  for (let start = 0; start < lines.length; ) {
    if (!isProse(start)) {
      start += 1;
      continue;
    }
    let end = start;
    while (end < lines.length && isProse(end)) end += 1;
    const paragraph = rewriteParagraph(lines.slice(start, end).join('\n'), start + 1, warnings, nestingChanges).split('\n');
    paragraph.forEach((line, offset) => (rewritten[start + offset] = line));
    start = end;
  }
  dedentComponentChildren(rewritten, nestingChanges);
  return { markdown: applyAdmonitions(rewritten, layout).join('\n'), warnings: warnings.sorted() };
}

/**
 * MDX has no indented code blocks, so children indented inside a component (`<TabItem>` under
 * `<Tabs>`) would turn into code once the tags are gone: each run of lines inside components loses
 * the indentation its non-blank lines share. `changes[i]` is how many components open (or, when
 * negative, close) before line i.
 */
function dedentComponentChildren(lines: string[], changes: readonly number[]): void {
  let depth = 0;
  let runStart = -1;
  for (let index = 0; index <= lines.length; index += 1) {
    depth = Math.max(0, depth + changes[index]!);
    const inside = index < lines.length && depth > 0;
    if (inside && runStart < 0) runStart = index;
    if (!inside && runStart >= 0) {
      dedent(lines, runStart, index);
      runStart = -1;
    }
  }
}

function dedent(lines: string[], start: number, end: number): void {
  let common = Infinity;
  for (let index = start; index < end; index += 1) {
    if (/\S/.test(lines[index]!)) common = Math.min(common, indentation(lines[index]!));
  }
  if (common === Infinity || common === 0) return;
  for (let index = start; index < end; index += 1) lines[index] = lines[index]!.slice(Math.min(common, indentation(lines[index]!)));
}

function indentation(line: string): number {
  let length = 0;
  while (line[length] === ' ' || line[length] === '\t') length += 1;
  return length;
}

const ESM_START = /^(?:import|export)(?=[\s{*'"])/;

/**
 * Indexes of the lines of top-level `import` and `export` statements: they start a block at the
 * start of a line and run until their brackets close and the line does not go on (or a blank line).
 * They are removed without a warning: MDX shows nothing of them.
 */
function esmStatementLines(lines: readonly string[], inCode: readonly boolean[]): Set<number> {
  const statementLines = new Set<number>();
  for (let index = 0; index < lines.length; index += 1) {
    const startsBlock = index === 0 || !/\S/.test(lines[index - 1]!) || statementLines.has(index - 1);
    if (inCode[index] || !startsBlock || !ESM_START.test(lines[index]!)) continue;
    const last = statementEnd(lines, index);
    for (let line = index; line <= last; line += 1) statementLines.add(line);
    index = last;
  }
  return statementLines;
}

function statementEnd(lines: readonly string[], first: number): number {
  let depth = 0;
  let inTemplate = false;
  for (let index = first; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (index > first && !/\S/.test(line)) return index - 1;
    ({ depth, inTemplate } = bracketDepth(line, depth, inTemplate));
    if (depth <= 0 && !inTemplate && !goesOn(line, lines[index + 1])) return index;
  }
  return lines.length - 1;
}

/** Bracket depth after a line of JavaScript; strings and comments do not count, template literals span lines. */
function bracketDepth(line: string, depth: number, inTemplate: boolean): { depth: number; inTemplate: boolean } {
  let quote = inTemplate ? '`' : '';
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index]!;
    if (quote) {
      if (character === '\\') index += 1;
      else if (character === quote) quote = '';
    } else if (character === '"' || character === "'" || character === '`') quote = character;
    else if (character === '/' && line[index + 1] === '/') break;
    else if ('([{'.includes(character)) depth += 1;
    else if (')]}'.includes(character)) depth -= 1;
  }
  return { depth, inTemplate: quote === '`' };
}

/** Whether a statement whose brackets are closed goes on to the next line (`import x` / `from 'y'`). */
function goesOn(line: string, next: string | undefined): boolean {
  const end = line.trimEnd();
  if (/(?:[,=+\-*/?:|&.]|=>)$/.test(end)) return true;
  const following = next?.trimStart() ?? '';
  return /^(?:from\b|\.)/.test(following);
}

/**
 * One paragraph (no blank or code lines): comments, JSX tags and expressions outside code spans
 * rewritten; everything else kept. Returns as many lines as it is given. A tag or expression that
 * never closes keeps the rest of its kind in the paragraph as written: scanning again from each
 * later `<` or `{` would cost the square of the paragraph's length.
 */
function rewriteParagraph(text: string, firstLine: number, warnings: SyntaxWarnings, nestingChanges: number[]): string {
  const spans = inlineCodeSpans(text);
  const search = new ForwardSearch(text);
  const lines = new LineCounter(text);
  const lineAt = (offset: number) => firstLine + lines.lineAt(offset) - 1;
  const unclosed = { tags: false, expressions: false };
  const syntax = /[`{<\\]/g;
  let output = '';
  let cursor = 0;
  const replace = (start: number, end: number, replacement: string) => {
    output += text.slice(cursor, start) + replacement;
    cursor = end;
    syntax.lastIndex = end;
  };
  for (let match = syntax.exec(text); match; match = syntax.exec(text)) {
    const start = match.index;
    const character = match[0];
    if (character === '\\') syntax.lastIndex = start + 2;
    else if (character === '`') syntax.lastIndex = spans.get(start) ?? runEnd(text, start);
    else if (character === '{' && text.startsWith('{/*', start)) {
      const close = search.indexOf('*/}', start + 3);
      if (close >= 0) replace(start, close + 3, commentReplacement(text.slice(start, close + 3)));
      else if (!unclosed.expressions) {
        unclosed.expressions = true;
        warnings.add(`unclosed comment ${start}`, lineAt(start), 'mdx-expression', `MDX comment on line ${lineAt(start)} is never closed: kept as written`);
      }
    } else if (character === '{' && !unclosed.expressions) {
      const end = expressionEnd(text, start);
      const line = lineAt(start);
      if (end < 0) {
        unclosed.expressions = true;
        warnings.add(`unclosed expression ${line}`, line, 'mdx-expression', `MDX expression on line ${line} is never closed: the rest of its paragraph kept as written`);
        continue;
      }
      const expression = text.slice(start, end);
      warnings.add(`expression ${expression}`, line, 'mdx-expression', `MDX expression ${quoted(expression)} on line ${line} left out: postfeed does not run JavaScript`);
      replace(start, end, lineBreaksIn(expression));
    } else if (character === '<' && !unclosed.tags) {
      const tag = jsxTagAt(text, start);
      if (tag === 'unclosed') {
        unclosed.tags = true;
        const line = lineAt(start);
        warnings.add(`unclosed tag ${line}`, line, 'mdx-component', `Tag on line ${line} is never closed with >: the rest of its paragraph kept as written`);
      } else if (tag?.name === '') replace(start, tag.end, '');
      else if (tag?.isComponent) {
        const line = lineAt(start);
        const written = text.slice(start, tag.end);
        const what = tag.form === 'self' ? `<${tag.name} />` : `<${tag.name}>`;
        warnings.add(`component ${tag.name}`, line, 'mdx-component', `MDX component ${what} on line ${line} left out, any content between its tags kept: ${NOT_RUN}`);
        // Children start after an opening tag's last line; a closing tag's own line is still inside.
        if (tag.form === 'open') nestingChanges[lineAt(tag.end - 1)]! += 1;
        else if (tag.form === 'close') nestingChanges[line]! -= 1;
        replace(start, tag.end, lineBreaksIn(written));
      } else if (tag) syntax.lastIndex = tag.end;
    }
  }
  return output + text.slice(cursor);
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

interface JsxTag {
  /** '' for a fragment (`<>`, `</>`): removed without a warning, since it only groups what it holds. */
  name: string;
  isComponent: boolean;
  form: 'open' | 'close' | 'self';
  end: number;
}

const TAG_NAME = /[A-Za-z][\w.:-]*/y;

/**
 * The tag starting at `start` (`<Foo a="b" c={d}>`, `</Foo>`, `<Foo />`, `<div>`, a fragment),
 * 'unclosed' when no `>` ends it, or undefined when the `<` starts no tag (`a < b`).
 */
function jsxTagAt(text: string, start: number): JsxTag | 'unclosed' | undefined {
  const nameStart = text[start + 1] === '/' ? start + 2 : start + 1;
  const closing = nameStart === start + 2;
  if (text[nameStart] === '>') return { name: '', isComponent: true, form: closing ? 'close' : 'open', end: nameStart + 1 };
  TAG_NAME.lastIndex = nameStart;
  const name = TAG_NAME.exec(text)?.[0];
  if (!name) return undefined;
  const end = tagEnd(text, nameStart + name.length);
  if (end < 0) return 'unclosed';
  // MDX reads a capitalised or dotted name as a component; lowercase names are HTML elements.
  const form = closing ? 'close' : text[end - 2] === '/' ? 'self' : 'open';
  return { name, isComponent: /^[A-Z]/.test(name) || name.includes('.'), form, end };
}

/** Just past the `>` that ends a tag, past quoted attribute values and `{…}` attribute expressions; -1 if none. */
function tagEnd(text: string, from: number): number {
  for (let index = from; index < text.length; index += 1) {
    const character = text[index];
    if (character === '>') return index + 1;
    if (character === '"' || character === "'") {
      index = text.indexOf(character, index + 1);
      if (index < 0) return -1;
    } else if (character === '{') {
      index = expressionEnd(text, index) - 1;
      if (index < 0) return -1;
    }
  }
  return -1;
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
