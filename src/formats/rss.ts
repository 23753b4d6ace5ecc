// RSS 2.0: the channel and its items, written by the `feed` library from the model.
// Plain-text fields are HTML-escaped where RSS expects HTML (title and description are read
// as HTML by most readers); names go in dc:creator because RSS <author> must be an email.
import { Feed, type Item } from 'feed';
import type { FeedDocument, FeedItem } from '../model.js';
import { escapeHtml, escapeHtmlMinimally, xmlCdataHtml, xmlText } from './feed-xml.js';

const DUBLIN_CORE = 'http://purl.org/dc/elements/1.1/';

export function renderRss(document: FeedDocument): string {
  const { site } = document;
  const feed = new Feed({
    // Readers treat RSS channel text as HTML, like item titles.
    title: xmlText(escapeHtmlMinimally(site.title)),
    // RSS requires a channel description; the title stands in when the site has none.
    description: xmlText(escapeHtml(site.description || site.title)),
    link: site.baseUrl,
    language: site.language,
    updated: document.updated,
    generator: xmlText(site.generator),
    feedLinks: { rss: document.selfUrl },
    ...(site.copyright ? { copyright: xmlText(site.copyright) } : {}),
    ...(site.logo ? { image: xmlText(site.logo) } : {}),
  });
  // feed declares xmlns:dc only when some item has non-empty content (its own truthiness test);
  // otherwise each dc:creator declares it.
  const declaresDublinCore = document.items.some((item) => Boolean(item.html));
  for (const item of document.items) feed.addItem(rssItem(item, declaresDublinCore));
  return `${feed.rss2()}\n`;
}

function rssItem(item: FeedItem, declaresDublinCore: boolean): Item {
  const creators = item.authors.map((author) =>
    declaresDublinCore ? xmlText(author.name) : { _attributes: { 'xmlns:dc': DUBLIN_CORE }, _text: xmlText(author.name) },
  );
  return {
    title: xmlCdataHtml(escapeHtmlMinimally(item.title)),
    link: item.url,
    guid: xmlText(item.id),
    // feed writes `published` as pubDate; `date` is only used by Atom.
    date: item.updated ?? item.date,
    published: item.date,
    description: xmlCdataHtml(escapeHtml(item.summary)),
    ...(item.html ? { content: xmlCdataHtml(item.html) } : {}),
    category: item.tags.map((tag) => ({ name: xmlText(tag) })),
    ...(item.enclosure
      ? { enclosure: { url: item.enclosure.url, type: item.enclosure.type, length: item.enclosure.length } }
      : {}),
    ...(creators.length > 0 ? { extensions: [{ name: 'dc:creator', objects: creators as unknown as Record<string, unknown> }] } : {}),
  };
}
