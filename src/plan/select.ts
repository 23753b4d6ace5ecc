// Which posts go into a feed, in which order: a pure function of the posts and the options.
import type { Diagnostic, Post } from '../model.js';

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

/**
 * Where a post stands at `now` (ms): not public yet, expired (or both). The only way selection
 * depends on the clock, so a build remembered for one `now` holds for another that gives every
 * post the same state (see run/build-memo.ts).
 */
export function timeState(post: Pick<Post, 'date' | 'publishAt' | 'expiresAt'>, now: number): { future: boolean; expired: boolean } {
  // Held back until both its date and its publish date (Hugo `publishDate`) have come.
  const publicFrom = Math.max(post.date.getTime(), post.publishAt?.getTime() ?? -Infinity);
  return { future: publicFrom > now, expired: post.expiresAt !== undefined && post.expiresAt.getTime() <= now };
}

/** Why a post is in no feed at `now` (ms) with these options; undefined when it is in. */
function leftOutBecause(post: Post, options: Pick<SelectOptions, 'drafts' | 'future'>, now: number): 'hidden' | 'draft' | 'future' | 'expired' | undefined {
  if (post.hiddenBy) return 'hidden';
  if (!options.drafts && post.draft) return 'draft';
  const state = timeState(post, now);
  if (!options.future && state.future) return 'future';
  return state.expired ? 'expired' : undefined;
}

/** The files of the posts that are public at `now` (ms) without --drafts and --future: what the ledger may record. */
export function publicFiles(posts: readonly Post[], now: number): Set<string> {
  const files = new Set<string>();
  for (const post of posts) if (!leftOutBecause(post, { drafts: false, future: false }, now)) files.add(post.file);
  return files;
}

export interface Selection {
  posts: Post[];
  /** A warning when posts exist but none is published, saying why: an empty feed replaces a full one. */
  diagnostics: Diagnostic[];
}

export function selectPosts(posts: readonly Post[], options: SelectOptions, where: { file: string }): Selection {
  const now = options.now.getTime();
  const left = { hidden: 0, draft: 0, future: 0, expired: 0 };
  const chosen = posts.filter((post) => {
    const why = leftOutBecause(post, options, now);
    if (why) left[why] += 1;
    return !why;
  });
  const { draft: drafts, future, hidden, expired } = left;
  chosen.sort(comparePosts);
  const diagnostics: Diagnostic[] = [];
  if (chosen.length === 0 && posts.length > 0) {
    const reasons = [
      drafts > 0 ? `${drafts} ${drafts === 1 ? 'is a draft' : 'are drafts'} (--drafts includes them)` : '',
      future > 0 ? `${future} ${future === 1 ? 'is' : 'are'} dated after ${options.now.toISOString()} (--future includes them)` : '',
      hidden > 0 ? `${hidden} ${hidden === 1 ? 'is' : 'are'} left out by the front matter (like published: false)` : '',
      expired > 0 ? `${expired} expired before ${options.now.toISOString()}` : '',
    ].filter(Boolean);
    diagnostics.push({
      severity: 'warning',
      code: 'empty-feed',
      file: where.file,
      field: 'posts',
      message: `none of the ${posts.length} posts is published, so the feeds would be empty: ${reasons.join('; ')}`,
    });
  }
  return { posts: options.limit > 0 ? chosen.slice(0, options.limit) : chosen, diagnostics };
}
