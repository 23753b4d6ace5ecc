// How Hugo and Zola write shortcodes: `{{< name args >}}`, `{{% name args %}}`, `{{< /name >}}`,
// `{{< name />}}`; Zola's `{{ name(args) }}`, `{% name(args) %}`, `{% end %}`; and the escapes of
// both. Bodies become pieces in text order; what each piece becomes is shortcodes.ts's business.
import { SyntaxWarnings } from './context.js';
import { closerOf, earliest, ForwardSearch, LineCounter } from './scan.js';

export interface Arguments {
  positional: string[];
  named: Map<string, string>;
}

export interface Shortcode {
  start: number;
  end: number;
  form: 'open' | 'close' | 'self';
  /** '' for Zola's `{% end %}`, which closes whichever body shortcode is open. */
  name: string;
  arguments: Arguments;
  line: number;
}

/** An escaped shortcode, written as the shortcode it shows. */
interface Literal {
  start: number;
  end: number;
  text: string;
}

export type Piece = Shortcode | Literal;

/** An argument by name, or else (for Hugo) by position. */
export function valueOf(args: Arguments, name: string, position?: number): string | undefined {
  return args.named.get(name) ?? (position === undefined ? undefined : args.positional[position]);
}

/** `{{< name args >}}`, `{{% name args %}}`, their closers and escapes, in text order. */
export function hugoPieces(markdown: string, warnings: SyntaxWarnings): Piece[] {
  const search = new ForwardSearch(markdown);
  const lines = new LineCounter(markdown);
  const pieces: Piece[] = [];
  let cursor = 0;
  for (;;) {
    const start = earliest(search.indexOf('{{<', cursor), search.indexOf('{{%', cursor));
    if (start < 0) break;
    const opener = markdown.slice(start, start + 3);
    const closer = opener === '{{<' ? '>}}' : '%}}';
    const escaped = escapedShortcode(markdown, search, start, opener, closer);
    if (escaped) {
      pieces.push(escaped);
      cursor = escaped.end;
      continue;
    }
    const end = closerOf(search, start, opener, closer);
    const line = lines.lineAt(start);
    if (end < 0) {
      warnings.add('unclosed', line, 'shortcode', `Shortcode opened with ${opener} on line ${line} is never closed: kept as written`);
      cursor = start + 3;
      continue;
    }
    pieces.push(hugoShortcode(markdown.slice(start + 3, end).trim(), start, end + 3, line));
    cursor = end + 3;
  }
  return pieces;
}

function hugoShortcode(inner: string, start: number, end: number, line: number): Shortcode {
  if (inner.startsWith('/')) return { start, end, form: 'close', name: firstWord(inner.slice(1).trim()), arguments: NO_ARGUMENTS, line };
  const selfClosing = inner.endsWith('/');
  const body = selfClosing ? inner.slice(0, -1).trim() : inner;
  const name = firstWord(body);
  return { start, end, form: selfClosing ? 'self' : 'open', name, arguments: hugoArguments(body.slice(name.length)), line };
}

const NO_ARGUMENTS: Arguments = { positional: [], named: new Map() };

function firstWord(text: string): string {
  return /^\S*/.exec(text)![0];
}

/** Hugo's arguments: positional or `name=value`, values bare, "quoted" (with \" escapes) or `raw`. */
function hugoArguments(text: string): Arguments {
  const args: Arguments = { positional: [], named: new Map() };
  let index = 0;
  while (index < text.length) {
    if (/\s/.test(text[index]!)) {
      index += 1;
      continue;
    }
    const first = hugoValue(text, index, true);
    if (!first.quoted && text[first.end] === '=') {
      const value = hugoValue(text, first.end + 1, false);
      args.named.set(first.value, value.value);
      index = value.end;
    } else {
      args.positional.push(first.value);
      index = first.end;
    }
  }
  return args;
}

function hugoValue(text: string, start: number, stopAtEquals: boolean): { value: string; end: number; quoted: boolean } {
  const quote = text[start];
  if (quote === '"' || quote === '`') {
    let value = '';
    let index = start + 1;
    while (index < text.length && text[index] !== quote) {
      if (quote === '"' && text[index] === '\\' && index + 1 < text.length) index += 1;
      value += text[index];
      index += 1;
    }
    return { value, end: index + 1, quoted: true };
  }
  let end = start;
  while (end < text.length && !/\s/.test(text[end]!) && !(stopAtEquals && text[end] === '=')) end += 1;
  return { value: text.slice(start, end), end: end === start ? end + 1 : end, quoted: false };
}

/** `{{ name(args) }}`, `{% name(args) %}`, `{% end %}` and their escapes, in text order. */
export function zolaPieces(markdown: string): Piece[] {
  const search = new ForwardSearch(markdown);
  const lines = new LineCounter(markdown);
  const pieces: Piece[] = [];
  let cursor = 0;
  for (;;) {
    const start = earliest(search.indexOf('{{', cursor), search.indexOf('{%', cursor));
    if (start < 0) break;
    const opener = markdown.slice(start, start + 2);
    const closer = opener === '{{' ? '}}' : '%}';
    const escaped = escapedShortcode(markdown, search, start, opener, closer);
    if (escaped) {
      pieces.push(escaped);
      cursor = escaped.end;
      continue;
    }
    const end = closerOf(search, start, opener, closer);
    const inner = end < 0 ? '' : markdown.slice(start + 2, end).trim();
    const call = zolaCall(inner);
    // Zola reads only calls as shortcodes: any other braces are text.
    if (opener === '{%' && inner === 'end') pieces.push({ start, end: end + 2, form: 'close', name: '', arguments: NO_ARGUMENTS, line: lines.lineAt(start) });
    else if (call) pieces.push({ start, end: end + 2, form: opener === '{{' ? 'self' : 'open', ...call, line: lines.lineAt(start) });
    cursor = pieces.at(-1)?.start === start ? end + 2 : start + 2;
  }
  return pieces;
}

function zolaCall(inner: string): { name: string; arguments: Arguments } | undefined {
  const name = /^[A-Za-z_]\w*/.exec(inner)?.[0];
  if (!name) return undefined;
  const call = inner.slice(name.length).trim();
  if (!call.startsWith('(') || !call.endsWith(')')) return undefined;
  return { name, arguments: zolaArguments(call.slice(1, -1)) };
}

/** Zola's arguments: `name=value` pairs between commas; values quoted ("", '', ``), [arrays] or bare. */
function zolaArguments(text: string): Arguments {
  const named = new Map<string, string>();
  let index = 0;
  while (index < text.length) {
    const name = /[A-Za-z_]\w*/y;
    name.lastIndex = index;
    const match = name.exec(text);
    if (!match) {
      index += 1;
      continue;
    }
    index += match[0].length;
    while (text[index] === ' ' || text[index] === '\t' || text[index] === '\n') index += 1;
    if (text[index] !== '=') continue;
    index += 1;
    while (text[index] === ' ' || text[index] === '\t' || text[index] === '\n') index += 1;
    const quote = text[index];
    let end: number;
    if (quote === '"' || quote === "'" || quote === '`') {
      end = text.indexOf(quote, index + 1);
      if (end < 0) end = text.length;
      named.set(match[0], text.slice(index + 1, end));
      index = end + 1;
    } else {
      end = index;
      // An array's commas are inside its brackets.
      for (let depth = 0; end < text.length && (depth > 0 || text[end] !== ','); end += 1) {
        if (text[end] === '[') depth += 1;
        else if (text[end] === ']') depth -= 1;
      }
      named.set(match[0], text.slice(index, end).trim());
      index = end;
    }
  }
  return { positional: [], named };
}

// An escaped shortcode (Hugo's `{{</* x */>}}`, Zola's `{{/* x */}}`): written without the comment marks.
function escapedShortcode(markdown: string, search: ForwardSearch, start: number, opener: string, closer: string): Literal | undefined {
  let index = start + opener.length;
  while (markdown[index] === ' ' || markdown[index] === '\t') index += 1;
  if (!markdown.startsWith('/*', index)) return undefined;
  const end = search.indexOf(`*/${closer}`, index + 2);
  if (end < 0) return undefined;
  return { start, end: end + 2 + closer.length, text: opener + markdown.slice(index + 2, end) + closer };
}
