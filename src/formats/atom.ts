// Atom 1.0 (RFC 4287), written by the `feed` library from the model.
// Two things feed 6 cannot express are corrected on its output, each by exact substitution of
// the markup feed is known to write (and checked: a substitution that finds nothing throws):
// enclosure types (feed derives `image/<extension>`, e.g. the invalid image/jpg) and `<` inside
// category terms (feed escapes only `&` and `"` in attributes).
import { Feed, type Item } from 'feed';
import type { Author, FeedDocument, FeedItem } from '../model.js';
import { escapeHtml, xmlAttribute, xmlCdataHtml, xmlText } from './feed-xml.js';

export function renderAtom(document: FeedDocument): string {
  const { site } = document;
  const feed = new Feed({
    id: xmlText(site.baseUrl),
    title: xmlText(site.title),
    link: site.baseUrl,
    updated: document.updated,
    generator: site.generator,
    feedLinks: { atom: document.selfUrl },
    author: atomAuthor(site.author),
    ...(site.description ? { description: xmlText(site.description) } : {}),
    ...(site.copyright ? { copyright: xmlText(site.copyright) } : {}),
    ...(site.logo ? { image: xmlText(site.logo) } : {}),
    ...(site.icon ? { favicon: xmlText(site.icon) } : {}),
  });
  for (const item of document.items) feed.addItem(atomEntry(item));
  let xml = feed.atom1();
  for (const { written, intended } of corrections(document.items)) {
    if (!xml.includes(written)) throw new Error(`internal error: Atom writer output changed; cannot find ${written}`);
    // A function, not a string: `$&` and friends in a tag would otherwise be replacement patterns.
    xml = xml.replaceAll(written, () => intended);
  }
  // feed has no option for the feed's language; xml:lang on the root covers every entry.
  return `${xml.replace('<feed xmlns="http://www.w3.org/2005/Atom">', `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlAttribute(site.language)}">`)}\n`;
}

function atomAuthor(author: Author): { name: string; email?: string; link?: string } {
  return {
    name: xmlText(author.name),
    ...(author.email ? { email: xmlText(author.email) } : {}),
    ...(author.url ? { link: author.url } : {}),
  };
}

function atomEntry(item: FeedItem): Item {
  return {
    // feed marks entry titles type="html": escaped plain text reads back exactly.
    title: xmlCdataHtml(escapeHtml(item.title)),
    id: item.id,
    link: item.url,
    date: item.updated ?? item.date,
    published: item.date,
    description: xmlCdataHtml(escapeHtml(item.summary)),
    ...(item.html !== undefined ? { content: xmlCdataHtml(item.html) } : {}),
    author: item.authors.map(atomAuthor),
    category: item.tags.map((tag) => ({ term: tag })),
    ...(item.enclosure ? { enclosure: { url: item.enclosure.url, length: item.enclosure.length } } : {}),
  };
}

interface Correction {
  written: string;
  intended: string;
}

/** The markup feed writes for enclosures and categories it cannot escape or type, and what it should be. */
function corrections(items: readonly FeedItem[]): Correction[] {
  const byWritten = new Map<string, string>();
  for (const item of items) {
    if (item.enclosure) {
      const href = item.enclosure.url.replace(/&/g, '&amp;');
      const extension = new URL(item.enclosure.url).pathname.split('.').slice(-1)[0];
      const written = `rel="enclosure" href="${href.replace(/"/g, '&quot;')}" type="image/${extension}"`;
      byWritten.set(written, `rel="enclosure" href="${href.replace(/"/g, '&quot;')}" type="${item.enclosure.type}"`);
    }
    for (const tag of item.tags) {
      if (!tag.includes('<')) continue;
      const written = `<category term="${tag.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"/>`;
      byWritten.set(written, `<category term="${xmlAttribute(tag).replace(/"/g, '&quot;')}"/>`);
    }
  }
  return [...byWritten].map(([written, intended]) => ({ written, intended }));
}
