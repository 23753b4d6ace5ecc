// Which id a post keeps forever: the front matter's `id` when set, else the one the ledger
// recorded for it, else its permalink. (Readers show an item again as new when its id changes;
// see README: The id ledger.)
import type { ParsedPost } from '../model.js';

export function idOf(post: ParsedPost, permalink: string, recorded: string | undefined): string {
  return post.id?.value ?? recorded ?? permalink;
}
