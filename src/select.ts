// Which posts go into a feed, in which order: a pure function of the posts and the options.
import type { Diagnostic, Post } from './model.js';

export interface SelectOptions {
  drafts: boolean;
  future: boolean;
  /** The instant that separates past from future (SOURCE_DATE_EPOCH when set). */
  now: Date;
  /** 0 means every post. */
  limit: number;
}

/** Newest first; equal dates fall back to the id so the order never depends on file order. */
export function comparePosts(a: Post, b: Post): number {
  const byDate = b.date.getTime() - a.date.getTime();
  if (byDate !== 0) return byDate;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function selectPosts(posts: readonly Post[], options: SelectOptions): Post[] {
  const now = options.now.getTime();
  const chosen = posts
    .filter((post) => (options.drafts || !post.draft) && (options.future || post.date.getTime() <= now))
    .sort(comparePosts);
  return options.limit > 0 ? chosen.slice(0, options.limit) : chosen;
}

/** Two posts with one id or one permalink would overwrite each other in readers: an error naming both files. */
export function findDuplicates(posts: readonly Post[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const check = (field: 'id' | 'slug', key: (post: Post) => string, what: string, explained?: (a: Post, b: Post) => boolean) => {
    const firstByKey = new Map<string, Post>();
    for (const post of posts) {
      const value = key(post);
      const first = firstByKey.get(value);
      if (first && explained?.(first, post)) continue;
      if (first) {
        diagnostics.push({
          severity: 'error',
          file: post.file,
          field,
          message: `${what} "${value}" is also used by ${first.file}`,
        });
      } else firstByKey.set(value, post);
    }
  };
  check('slug', (post) => post.permalink, 'permalink');
  // Ids that are the permalinks collide exactly when the permalinks do: say it once.
  check('id', (post) => post.id, 'id', (a, b) => a.id === a.permalink && b.id === b.permalink);
  return diagnostics;
}
