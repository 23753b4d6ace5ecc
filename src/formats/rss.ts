// RSS 2.0 (https://www.rssboard.org/rss-specification), following the RSS Advisory Board's
// profile where readers disagree: titles and categories are plain text with `&` and `<` as
// character references; description and content:encoded are HTML; names go in dc:creator,
// because <author> must be an e-mail address.
import type { FeedDocument, FeedItem } from '../model.js';
import type { Envelope } from './registry.js';
import { rfc822 } from './dates.js';
import { htmlFromText, xmlAttributes, xmlCdata, xmlText, xmlPlainText } from './xml.js';

/** The channel around the items; each item fragment starts with its own line break. */
export function rssEnvelope(document: Omit<FeedDocument, 'items'>): Envelope {
  const { site, links } = document;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '  <channel>',
    `    <title>${xmlPlainText(site.title)}</title>`,
    `    <link>${xmlText(links.alternate)}</link>`,
    // RSS requires a channel description; the title stands in when the site has none.
    `    <description>${xmlText(htmlFromText(site.description || site.title))}</description>`,
    `    <language>${xmlText(site.language)}</language>`,
  ];
  if (site.copyright) lines.push(`    <copyright>${xmlText(site.copyright)}</copyright>`);
  lines.push(
    `    <lastBuildDate>${rfc822(document.updated)}</lastBuildDate>`,
    `    <generator>${xmlText(site.generator)}</generator>`,
    '    <docs>https://www.rssboard.org/rss-specification</docs>',
    `    <atom:link${xmlAttributes({ href: links.self, rel: 'self', type: 'application/rss+xml' })}/>`,
  );
  if (site.logo) {
    lines.push(
      '    <image>',
      `      <url>${xmlText(site.logo)}</url>`,
      `      <title>${xmlPlainText(site.title)}</title>`,
      `      <link>${xmlText(links.alternate)}</link>`,
      '    </image>',
    );
  }
  return { head: lines.join('\n'), separator: '', tail: '\n  </channel>\n</rss>\n' };
}

export function rssItem(item: FeedItem): string {
  const lines = [
    '    <item>',
    `      <title>${xmlPlainText(item.title)}</title>`,
    `      <link>${xmlText(item.url)}</link>`,
    // A guid that is not the item's link is marked so readers do not open it as a page.
    item.id === item.url ? `      <guid>${xmlText(item.id)}</guid>` : `      <guid isPermaLink="false">${xmlText(item.id)}</guid>`,
    `      <pubDate>${rfc822(item.date)}</pubDate>`,
    `      <description>${xmlCdata(htmlFromText(item.summary))}</description>`,
  ];
  if (item.html !== undefined && item.html !== '') lines.push(`      <content:encoded>${xmlCdata(item.html)}</content:encoded>`);
  for (const author of item.authors) lines.push(`      <dc:creator>${xmlText(author.name)}</dc:creator>`);
  for (const tag of item.tags) lines.push(`      <category>${xmlPlainText(tag)}</category>`);
  if (item.enclosure) {
    const { url, length, type } = item.enclosure;
    lines.push(`      <enclosure${xmlAttributes({ url, length, type })}/>`);
  }
  lines.push('    </item>');
  return `\n${lines.join('\n')}`;
}
