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

/** The text of the object literal after the first `key: {`, up to its closing brace. */
export function objectLiteral(code: string, key: string): string | undefined {
  const match = new RegExp(keySource(key, ':') + '\\{').exec(code);
  if (!match) return undefined;
  const start = match.index + match[0].length;
  for (const [index, depth, isBrace] of braceDepths(code, start, 1)) {
    if (isBrace && depth === 1 && code[index] === '}') return code.slice(start, index);
  }
  return undefined;
}

/** `code` with everything nested deeper than `depth` braces blanked, so a key found in it is not a nested object's. */
export function shallowText(code: string, depth: number): string {
  const characters = code.split('');
  for (const [index, level] of braceDepths(code)) if (level > depth) characters[index] = ' ';
  return characters.join('');
}

/**
 * Each character's depth in braces, strings and line comments skipped (a brace in them does not
 * count); a brace is as deep as the object it opens or closes. One pass; `depth` starts it inside
 * an object. A quote or line comment ends at a line break (except a template literal's), so an
 * apostrophe in a comment cannot hide the rest of the file.
 */
function* braceDepths(code: string, from = 0, depth = 0): Generator<[index: number, depth: number, isBrace: boolean]> {
  let closing: string | undefined;
  for (let index = from; index < code.length; index++) {
    const character = code[index]!;
    if (closing !== undefined) {
      yield [index, depth, false];
      if (character === '\\' && closing !== '\n' && index + 1 < code.length) yield [++index, depth, false];
      else if (character === closing || (character === '\n' && closing !== '`')) closing = undefined;
    } else if (character === '{') {
      yield [index, ++depth, true];
    } else if (character === '}') {
      yield [index, depth--, true];
    } else {
      if (character === '"' || character === "'" || character === '`') closing = character;
      else if (character === '/' && code[index + 1] === '/') closing = '\n';
      yield [index, depth, false];
    }
  }
}
