// JSON Feed 1.1 (https://jsonfeed.org/version/1.1), written directly from the model:
// feed's json1() only knows version 1.0.
import type { Author, FeedDocument, FeedItem } from '../model.js';

export const JSON_FEED_VERSION = 'https://jsonfeed.org/version/1.1';

export function renderJsonFeed(document: FeedDocument): string {
  const { site } = document;
  const feed = {
    version: JSON_FEED_VERSION,
    title: site.title,
    home_page_url: site.baseUrl,
    feed_url: document.selfUrl,
    ...(site.description ? { description: site.description } : {}),
    ...(site.logo ? { icon: site.logo } : {}),
    ...(site.icon ? { favicon: site.icon } : {}),
    authors: [jsonAuthor(site.author)],
    language: site.language,
    items: document.items.map(jsonItem),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}

function jsonAuthor(author: Author): { name: string; url?: string } {
  // JSON Feed authors have no email field; a mailto: URL carries it when there is no web page.
  const url = author.url ?? (author.email ? `mailto:${author.email}` : undefined);
  return { name: author.name, ...(url ? { url } : {}) };
}

function jsonItem(item: FeedItem) {
  return {
    id: item.id,
    url: item.url,
    title: item.title,
    ...(item.html !== undefined ? { content_html: item.html } : { content_text: item.summary }),
    summary: item.summary,
    ...(item.enclosure && item.enclosure.type.startsWith('image/') ? { image: item.enclosure.url } : {}),
    date_published: rfc3339(item.date),
    ...(item.updated ? { date_modified: rfc3339(item.updated) } : {}),
    ...(item.authors.length > 0 ? { authors: item.authors.map(jsonAuthor) } : {}),
    ...(item.tags.length > 0 ? { tags: item.tags } : {}),
    ...(item.lang ? { language: item.lang } : {}),
  };
}

/** RFC 3339 in UTC, without milliseconds when there are none. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}
