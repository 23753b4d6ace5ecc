// A feed's size, counted as items are rendered, so a build that would not fit stops before it
// holds them all. Counted in UTF-8 bytes, which are never fewer than the characters.
import type { ItemFragments } from '../model.js';
import { chunksLength } from '../output/spans.js';

/** The characters an item adds to the largest of its feeds. */
export function itemCharacters(fragments: ItemFragments): number {
  let largest = 0;
  for (const chunks of Object.values(fragments)) largest = Math.max(largest, chunksLength(chunks));
  return largest;
}
