// An estimate of a feed's size in characters, counting every field an item carries, so a limit
// can stop a build before string building runs out of memory.
import type { FeedItem } from '../model.js';

/** Per-item markup around the values (element names, dates, attributes): a generous estimate. */
const ITEM_MARKUP_CHARACTERS = 1000;
/** Escaping can grow a value: `&` becomes `&#x26;` (six characters). */
const ESCAPE_FACTOR = 2;

export function feedCharacters(items: readonly FeedItem[]): number {
  let total = 0;
  for (const item of items) {
    // HTML goes into CDATA as it is; the other values may be escaped.
    let values = item.id.length + item.url.length + item.title.length + item.summary.length;
    for (const author of item.authors) values += author.name.length + (author.email?.length ?? 0) + (author.url?.length ?? 0);
    for (const tag of item.tags) values += tag.length;
    if (item.enclosure) values += item.enclosure.url.length;
    total += (item.html?.length ?? 0) + values * ESCAPE_FACTOR + ITEM_MARKUP_CHARACTERS;
  }
  return total;
}
