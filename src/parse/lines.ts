// Offsets to line numbers and line numbers to lines: the one place that counts lines, for every
// diagnostic that points into a file (posts, the config, the bytes of a file that is not UTF-8).

const LINE_FEED = 0x0a;

/** 1-based number of the line that `offset` (a character, or a byte index) is on; lines end at LF. */
export function lineNumberAt(text: string | Uint8Array, offset: number): number {
  let line = 1;
  if (typeof text === 'string') {
    for (let index = text.indexOf('\n'); index >= 0 && index < offset; index = text.indexOf('\n', index + 1)) line += 1;
  } else {
    for (let index = text.indexOf(LINE_FEED); index >= 0 && index < offset; index = text.indexOf(LINE_FEED, index + 1)) line += 1;
  }
  return line;
}

/** Line `line` (1-based) of `text`, without its line ending, found without splitting the whole file. */
export function lineText(text: string, line: number): string | undefined {
  let start = 0;
  for (let current = 1; current < line; current++) {
    start = text.indexOf('\n', start) + 1;
    if (start === 0) return undefined;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
}
