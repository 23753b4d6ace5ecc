// Where code is in Markdown, and how code becomes a fenced block: the one place that knows fences
// (CommonMark's ``` and ~~~ of any length of at least three) and inline code spans.

/**
 * For each line, whether it belongs to a fenced code block (the fences included). An opening
 * fence may stand after any indentation or blockquote markers; an unclosed one runs to the end,
 * as in CommonMark.
 */
export function fencedCodeLines(lines: readonly string[]): boolean[] {
  const inCode: boolean[] = [];
  let open: { character: string; length: number } | undefined;
  for (const line of lines) {
    const fence = fenceAt(line);
    if (open) {
      inCode.push(true);
      if (fence && fence.character === open.character && fence.length >= open.length && !/\S/.test(fence.info)) open = undefined;
    } else {
      // An info string with a backtick makes ```x``` an inline code span, not a fence.
      open = fence && !(fence.character === '`' && fence.info.includes('`')) ? fence : undefined;
      inCode.push(open !== undefined);
    }
  }
  return inCode;
}

function fenceAt(line: string): { character: string; length: number; info: string } | undefined {
  let start = 0;
  while (start < line.length && (line[start] === ' ' || line[start] === '\t' || line[start] === '>')) start += 1;
  const character = line[start];
  if (character !== '`' && character !== '~') return undefined;
  let end = start;
  while (line[end] === character) end += 1;
  return end - start >= 3 ? { character, length: end - start, info: line.slice(end) } : undefined;
}

/** A backtick fence longer than any run of backticks in `code`, so the code cannot close it. */
export function fenceFor(code: string): string {
  let longest = 0;
  let run = 0;
  for (const character of code) {
    run = character === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * A fence line put where a template tag stood: fences must stand on lines of their own, so a line
 * break goes before it when text precedes it on its line (`written` is the output so far) and after
 * it when text follows it (`source` from `after`). A tag alone on its line keeps the line count.
 */
export function fenceInPlace(fence: string, written: string, source: string, after: number): string {
  return (endsWithText(written) ? '\n' : '') + fence + (startsWithText(source, after) ? '\n' : '');
}

function endsWithText(written: string): boolean {
  let index = written.length - 1;
  while (index >= 0 && (written[index] === ' ' || written[index] === '\t')) index -= 1;
  return index >= 0 && written[index] !== '\n';
}

function startsWithText(source: string, from: number): boolean {
  let index = from;
  while (index < source.length && (source[index] === ' ' || source[index] === '\t')) index += 1;
  return index < source.length && source[index] !== '\n';
}

/**
 * Where each inline code span of a paragraph starts and ends (end exclusive): a run of n backticks
 * opens one that the next run of exactly n closes. A backslash escapes a backtick only outside a
 * span. Runs are indexed by length, so finding every closer is one pass even for runs of every length.
 */
export function inlineCodeSpans(paragraph: string): Map<number, number> {
  const runs = backtickRuns(paragraph);
  const startsByLength = new Map<number, number[]>();
  for (const run of runs) {
    if (!startsByLength.has(run.length)) startsByLength.set(run.length, []);
    startsByLength.get(run.length)!.push(run.start);
  }
  const nextCloser = new Map<number, number>();
  /** The first run of exactly `length` backticks starting after `from`; asked with growing `from`. */
  const closerAfter = (length: number, from: number) => {
    const starts = startsByLength.get(length) ?? [];
    let position = nextCloser.get(length) ?? 0;
    while (position < starts.length && starts[position]! <= from) position += 1;
    nextCloser.set(length, position);
    return starts[position];
  };
  const spans = new Map<number, number>();
  let covered = 0;
  for (let { start, length } of runs) {
    if (start < covered) continue;
    if (escapedAt(paragraph, start, covered)) {
      start += 1;
      length -= 1;
      if (length === 0) continue;
    }
    const closer = closerAfter(length, start);
    if (closer === undefined) continue;
    spans.set(start, closer + length);
    covered = closer + length;
  }
  return spans;
}

function backtickRuns(text: string): Array<{ start: number; length: number }> {
  const runs: Array<{ start: number; length: number }> = [];
  for (let index = text.indexOf('`'); index >= 0; index = text.indexOf('`', index)) {
    const start = index;
    while (text[index] === '`') index += 1;
    runs.push({ start, length: index - start });
  }
  return runs;
}

/** Whether an odd number of backslashes (none before `floor`) stands just before `index`. */
function escapedAt(text: string, index: number, floor: number): boolean {
  let backslashes = 0;
  while (index - backslashes - 1 >= floor && text[index - backslashes - 1] === '\\') backslashes += 1;
  return backslashes % 2 === 1;
}
