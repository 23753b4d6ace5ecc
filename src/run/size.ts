// A feed's size, counted as items are rendered, so a build that would not fit stops before it
// holds them all. Counted in UTF-8 bytes, which are never fewer than the characters.
import type { ItemFragments } from '../model.js';

/** The characters an item adds to the largest of its feeds. */
export function itemCharacters(fragments: ItemFragments): number {
  let largest = 0;
  for (const chunks of Object.values(fragments)) {
    let bytes = 0;
    for (const chunk of chunks) bytes += chunk.length;
    largest = Math.max(largest, bytes);
  }
  return largest;
}
