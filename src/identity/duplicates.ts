// Two posts with one id or one permalink would overwrite each other in readers: an error on the
// second, with a note pointing at the first, each with the line that set the value.
import type { Diagnostic, Post } from '../model.js';

export function findDuplicates(posts: readonly Post[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const check = (
    field: 'id' | 'slug',
    key: (post: Post) => string,
    what: string,
    explained?: (a: Post, b: Post) => boolean,
  ) => {
    const firstByKey = new Map<string, Post>();
    for (const post of posts) {
      const value = key(post);
      const first = firstByKey.get(value);
      if (!first) {
        firstByKey.set(value, post);
        continue;
      }
      if (explained?.(first, post)) continue;
      const line = post.identityLines[field];
      const firstLine = first.identityLines[field];
      diagnostics.push({
        severity: 'error',
        code: field === 'id' ? 'duplicate-id' : 'duplicate-permalink',
        file: post.file,
        line: line ?? 1,
        field,
        message: `${what} "${value}" is also used by ${first.file}${firstLine ? `:${firstLine}` : ''}`,
        notes: [{ message: `the other post with this ${what}`, file: first.file, line: firstLine ?? 1 }],
      });
    }
  };
  check('slug', (post) => post.permalink, 'permalink');
  // Ids that are the permalinks collide exactly when the permalinks do: say it once.
  check('id', (post) => post.id, 'id', (a, b) => a.id === a.permalink && b.id === b.permalink);
  return diagnostics;
}
