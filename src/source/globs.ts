// `exclude` patterns: `*` and `?` within one path segment, `**` across segments, matched against
// a post's path below the posts folder with `/` separators. As in .gitignore, a pattern without
// a `/` matches a file name in any folder (`blog.md`); one with a `/` is anchored at the posts folder.

/** Compiles glob patterns into one test; built from escaped literals and fixed classes, so linear. */
export function globMatcher(patterns: readonly string[]): (relativePath: string) => boolean {
  if (patterns.length === 0) return () => false;
  const expressions = patterns.map((pattern) => {
    const anchored = pattern.includes('/');
    return new RegExp(`^${anchored ? '' : '(?:[^/]*/)*'}${globSource(pattern.replace(/^\.?\//, ''))}$`, 'u');
  });
  return (relativePath) => expressions.some((expression) => expression.test(relativePath));
}

function globSource(pattern: string): string {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index]!;
    if (character === '*' && pattern[index + 1] === '*') {
      // `**/` matches zero or more whole folders; a trailing `**` matches everything below.
      const slash = pattern[index + 2] === '/';
      source += slash ? '(?:[^/]*/)*' : '.*';
      index += slash ? 2 : 1;
    } else if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else source += character.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return source;
}
