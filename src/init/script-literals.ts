// Literal values out of a JavaScript or TypeScript config, read as text and never run: a site's
// config may import anything and do anything, and init must be safe in any folder.
// Every pattern here runs in linear time: a string body cannot hold its own closing quote or a
// line break, so a failed match never rescans what an earlier attempt already passed.

/** A quoted string on one line, or a template literal with no `$` in it (so no `${…}`). */
const STRING_LITERAL = String.raw`(?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|` + '`((?:[^`\\\\$]|\\\\.)*)`)';

/** `key:` with the key maybe quoted (`"title": …`); `editUrl:` does not count as `url:`. */
function keySource(key: string, separator: ':' | '='): string {
  return String.raw`(?<![\w$])(['"]?)${key}\1\s*${separator}\s*`;
}

/** The first `key: 'literal'` in `code` (or `key = 'literal'`), unescaped; undefined when the value is not a literal. */
export function literalString(code: string, key: string, separator: ':' | '=' = ':'): string | undefined {
  const pattern = new RegExp(keySource(key, separator) + STRING_LITERAL);
  const match = pattern.exec(code);
  if (!match) return undefined;
  const body = match[2] ?? match[3] ?? match[4] ?? '';
  return body.replace(/\\(.)/g, (_escape, character: string) => (character === 'n' ? '\n' : character === 't' ? '\t' : character));
}

/** The text of the object literal after the first `key: {`, braces balanced, strings skipped; one pass. */
export function objectLiteral(code: string, key: string): string | undefined {
  const pattern = new RegExp(keySource(key, ':') + '\\{');
  const match = pattern.exec(code);
  if (!match) return undefined;
  const start = match.index + match[0].length;
  let depth = 1;
  let quote: string | undefined;
  for (let index = start; index < code.length; index++) {
    const character = code[index]!;
    if (quote !== undefined) {
      if (character === '\\') index++;
      else if (character === quote) quote = undefined;
    } else if (character === '"' || character === "'" || character === '`') {
      quote = character;
    } else if (character === '{') {
      depth++;
    } else if (character === '}' && --depth === 0) {
      return code.slice(start, index);
    }
  }
  return undefined;
}
