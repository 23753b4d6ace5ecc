// MDX (Docusaurus, Astro, Gatsby, Next.js) in post bodies, rewritten to plain Markdown: ESM
// statements and comments removed, admonitions quoted, JSX components unwrapped, expressions left
// out. MDX is parsed with the Markdown, so code blocks and code spans are left alone. Every line
// keeps its number.
import { applyAdmonitions, layOutAdmonitions } from './admonitions.js';
import { fencedCodeLines } from './code-regions.js';
import { type BodySyntaxContext, type Rewritten, SyntaxWarnings } from './context.js';
import { rewriteJsxParagraph } from './jsx.js';

/**
 * Rewrites MDX into Markdown. The context is not needed (MDX links are plain Markdown links); the
 * signature is the other rewrites' so that the caller can pick one by generator.
 */
export function rewriteMdx(markdown: string, _context: BodySyntaxContext): Rewritten {
  const lines = markdown.split('\n');
  const inCode = fencedCodeLines(lines);
  const warnings = new SyntaxWarnings();
  const esm = esmStatementLines(lines, inCode, warnings);
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
    const paragraph = rewriteJsxParagraph(lines.slice(start, end).join('\n'), start + 1, warnings, nestingChanges).split('\n');
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
 * They are removed without a warning, since MDX shows nothing of them, unless their brackets never
 * close: then the lines removed may have been meant as text.
 */
function esmStatementLines(lines: readonly string[], inCode: readonly boolean[], warnings: SyntaxWarnings): Set<number> {
  const statementLines = new Set<number>();
  for (let index = 0; index < lines.length; index += 1) {
    const startsBlock = index === 0 || !/\S/.test(lines[index - 1]!) || statementLines.has(index - 1);
    if (inCode[index] || !startsBlock || !ESM_START.test(lines[index]!)) continue;
    const { last, complete } = statementEnd(lines, index);
    if (!complete) {
      const keyword = ESM_START.exec(lines[index]!)![0];
      warnings.add(`unclosed ${index}`, index + 1, 'mdx-expression', `The ${keyword} statement on line ${index + 1} never closes its brackets: lines ${index + 1} to ${last + 1} left out`);
    }
    for (let line = index; line <= last; line += 1) statementLines.add(line);
    index = last;
  }
  return statementLines;
}

function statementEnd(lines: readonly string[], first: number): { last: number; complete: boolean } {
  let depth = 0;
  let inTemplate = false;
  for (let index = first; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (index > first && !/\S/.test(line)) return { last: index - 1, complete: depth <= 0 && !inTemplate };
    ({ depth, inTemplate } = bracketDepth(line, depth, inTemplate));
    if (depth <= 0 && !inTemplate && !goesOn(line, lines[index + 1])) return { last: index, complete: true };
  }
  return { last: lines.length - 1, complete: depth <= 0 && !inTemplate };
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
