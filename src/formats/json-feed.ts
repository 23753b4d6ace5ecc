// JSON Feed 1.1 (https://jsonfeed.org/version/1.1). An enclosure is an attachment with its type
// and size; `image` is set only when it is an image. Every item names its authors.
import type { Author, FeedDocument, FeedItem } from '../model.js';
import type { Envelope } from './registry.js';
import { rfc3339 } from './dates.js';

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

/**
 * The feed object around `items`, which is its last member: the text is exactly what
 * JSON.stringify(feed, null, 2) writes, with the items serialized one at a time.
 */
export function jsonFeedEnvelope(document: Omit<FeedDocument, 'items'>, hasItems: boolean): Envelope {
  const { site, links } = document;
  const feed = {
    version: JSON_FEED_VERSION,
    title: site.title,
    home_page_url: links.alternate,
    feed_url: links.self,
    ...(site.description ? { description: site.description } : {}),
    ...(site.logo ? { icon: site.logo } : {}),
    ...(site.icon ? { favicon: site.icon } : {}),
    authors: [jsonAuthor(site.author)],
    language: site.language,
  };
  // Without its closing brace, so "items" can follow as the last member.
  const members = JSON.stringify(feed, null, 2).slice(0, -2);
  return hasItems
    ? { head: `${members},\n  "items": [`, separator: ',', tail: '\n  ]\n}\n' }
    : { head: `${members},\n  "items": []`, separator: '', tail: '\n}\n' };
}

/** One item as JSON.stringify indents it inside the feed's `items` array. */
export function jsonFeedItem(item: FeedItem): string {
  // Written two arrays deep, the item is indented as the feed's items are (two levels): what is cut
  // off is `[\n  [` before it and `\n  ]\n]` after. No pass over the text to indent it afterwards.
  return JSON.stringify([[jsonItem(item)]], null, 2).slice(ITEM_AT, -ITEM_END);
}

const ITEM_AT = '[\n  ['.length;
const ITEM_END = '\n  ]\n]'.length;

function jsonAuthor(author: Author): { name: string; url?: string } {
  // JSON Feed authors have no email field; a mailto: URL carries it when there is no web page.
  const url = author.url ?? (author.email ? `mailto:${author.email}` : undefined);
  return { name: author.name, ...(url ? { url } : {}) };
}

function jsonItem(item: FeedItem) {
  const enclosure = item.enclosure;
  return {
    id: item.id,
    url: item.url,
    title: item.title,
    ...(item.html !== undefined ? { content_html: item.html } : { content_text: item.summary }),
    summary: item.summary,
    ...(enclosure?.type.startsWith('image/') ? { image: enclosure.url } : {}),
    date_published: rfc3339(item.date),
    ...(item.updated ? { date_modified: rfc3339(item.updated) } : {}),
    authors: item.authors.map(jsonAuthor),
    ...(item.tags.length > 0 ? { tags: item.tags } : {}),
    ...(item.lang ? { language: item.lang } : {}),
    ...(enclosure
      ? {
          attachments: [
            { url: enclosure.url, mime_type: enclosure.type, ...(enclosure.length > 0 ? { size_in_bytes: enclosure.length } : {}) },
          ],
        }
      : {}),
  };
}
