// Atom 1.0 (RFC 4287). Text constructs are plain text (type="text"), so every consumer shows
// exactly what the author wrote; only the content is HTML. Every entry names its authors (the
// post's, else the site's), and xml:lang on the root covers every entry.
import type { Author, FeedDocument, FeedItem } from '../model.js';
import type { Envelope } from './registry.js';
import { rfc3339 } from './dates.js';
import { xmlAttributes, xmlCdata, xmlPlainText, xmlText } from './xml.js';

/** The feed element around the entries; each entry fragment starts with its own line break. */
export function atomEnvelope(document: Omit<FeedDocument, 'items'>): Envelope {
  const { site, links } = document;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom"${xmlAttributes({ 'xml:lang': site.language })}>`,
    `  <id>${xmlText(site.baseUrl)}</id>`,
    `  <title type="text">${xmlPlainText(site.title)}</title>`,
  ];
  if (site.description) lines.push(`  <subtitle type="text">${xmlPlainText(site.description)}</subtitle>`);
  lines.push(
    `  <updated>${rfc3339(document.updated)}</updated>`,
    `  <link${xmlAttributes({ rel: 'alternate', type: 'text/html', href: links.alternate })}/>`,
    `  <link${xmlAttributes({ rel: 'self', type: 'application/atom+xml', href: links.self })}/>`,
    ...atomPerson('author', site.author, '  '),
    `  <generator>${xmlText(site.generator)}</generator>`,
  );
  if (site.icon) lines.push(`  <icon>${xmlText(site.icon)}</icon>`);
  if (site.logo) lines.push(`  <logo>${xmlText(site.logo)}</logo>`);
  if (site.copyright) lines.push(`  <rights type="text">${xmlPlainText(site.copyright)}</rights>`);
  return { head: lines.join('\n'), separator: '', tail: '\n</feed>\n' };
}

export function atomEntry(item: FeedItem): string {
  const lines = [
    '  <entry>',
    `    <id>${xmlText(item.id)}</id>`,
    `    <title type="text">${xmlPlainText(item.title)}</title>`,
    `    <link${xmlAttributes({ rel: 'alternate', type: 'text/html', href: item.url })}/>`,
    `    <published>${rfc3339(item.date)}</published>`,
    `    <updated>${rfc3339(item.updated ?? item.date)}</updated>`,
  ];
  for (const author of item.authors) lines.push(...atomPerson('author', author, '    '));
  for (const tag of item.tags) lines.push(`    <category${xmlAttributes({ term: tag })}/>`);
  if (item.enclosure) {
    const { url, type, length } = item.enclosure;
    // length is optional in Atom; 0 would claim an empty file, so an unknown size is left out.
    lines.push(`    <link${xmlAttributes({ rel: 'enclosure', type, length: length > 0 ? length : undefined, href: url })}/>`);
  }
  lines.push(`    <summary type="text">${xmlPlainText(item.summary)}</summary>`);
  // An empty post has no content element: a blank one draws the validator's NotBlank warning.
  if (item.html !== undefined && item.html !== '') lines.push(`    <content type="html">${xmlCdata(item.html)}</content>`);
  lines.push('  </entry>');
  return `\n${lines.join('\n')}`;
}

function atomPerson(element: 'author', person: Author, indent: string): string[] {
  return [
    `${indent}<${element}>`,
    `${indent}  <name>${xmlText(person.name)}</name>`,
    ...(person.email ? [`${indent}  <email>${xmlText(person.email)}</email>`] : []),
    ...(person.url ? [`${indent}  <uri>${xmlText(person.url)}</uri>`] : []),
    `${indent}</${element}>`,
  ];
}
