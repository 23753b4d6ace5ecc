// Which id a post keeps forever: the front matter's `id` when set, else its permalink.
// (Readers show an item again as new when its id changes; see README: Identity.)
import type { ParsedPost } from '../model.js';

export function idOf(post: ParsedPost, permalink: string): string {
  return post.id?.value ?? permalink;
}
