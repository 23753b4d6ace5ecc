// Scanning helpers shared by the template-syntax rewrites, each linear over a whole body however
// often it is called: bodies may be hostile (200 KB of `{%` with no `%}`).

/**
 * `indexOf` and regular-expression search that remember their last answer per needle: a search
 * that starts before the remembered match finds it again without rescanning, so a body with many
 * openers and no closer costs one scan, not one per opener.
 */
export class ForwardSearch {
  private readonly answers = new Map<string, { from: number; index: number; length: number }>();

  constructor(private readonly text: string) {}

  indexOf(needle: string, from: number): number {
    return this.remembered(needle, from, () => {
      const index = this.text.indexOf(needle, from);
      return { index, length: needle.length };
    }).index;
  }

  /** The first match of `pattern` (which has the `g` flag) at or after `from`. */
  search(pattern: RegExp, from: number): { index: number; length: number } | undefined {
    const answer = this.remembered(pattern.source, from, () => {
      pattern.lastIndex = from;
      const match = pattern.exec(this.text);
      return { index: match ? match.index : -1, length: match ? match[0].length : 0 };
    });
    return answer.index < 0 ? undefined : answer;
  }

  private remembered(key: string, from: number, find: () => { index: number; length: number }) {
    const last = this.answers.get(key);
    if (last && from >= last.from && (last.index < 0 || from <= last.index)) return last;
    const answer = { from, ...find() };
    this.answers.set(key, answer);
    return answer;
  }
}

/** Where the opener at `start` closes, or -1 when no closer comes before another opener of its kind. */
export function closerOf(search: ForwardSearch, start: number, opener: string, closer: string): number {
  const end = search.indexOf(closer, start + opener.length);
  const next = search.indexOf(opener, start + opener.length);
  return next >= 0 && next < end ? -1 : end;
}

/** The earlier of two `indexOf` answers, -1 meaning not found. */
export function earliest(a: number, b: number): number {
  return a < 0 || b < 0 ? Math.max(a, b) : Math.min(a, b);
}

/**
 * 1-based line of an offset, counted forward from the previous question: the rewrites ask in text
 * order, so a whole body costs one pass (parse/lines.ts counts from the start on every call).
 */
export class LineCounter {
  private offset = 0;
  private line = 1;
  /** The first line break at or after `offset`, or -1: remembered, so a text without one is not searched again. */
  private nextBreak: number;

  constructor(private readonly text: string) {
    this.nextBreak = text.indexOf('\n');
  }

  lineAt(offset: number): number {
    if (offset < this.offset) {
      this.offset = 0;
      this.line = 1;
      this.nextBreak = this.text.indexOf('\n');
    }
    while (this.nextBreak >= 0 && this.nextBreak < offset) {
      this.line += 1;
      this.nextBreak = this.text.indexOf('\n', this.nextBreak + 1);
    }
    this.offset = offset;
    return this.line;
  }
}

/** What stands in for removed text: its line breaks, so the lines after it keep their numbers. */
export function lineBreaksIn(text: string): string {
  let breaks = '';
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) breaks += '\n';
  return breaks;
}

/** Template text as a warning quotes it: on one line, at most 60 characters. */
export function quoted(text: string): string {
  const short = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return short.replace(/\s+/g, ' ');
}
