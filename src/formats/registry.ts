// The feed formats postfeed writes, by name: one writer module each. A feed is written as an
// envelope (everything but the items) and one fragment per item, so items can be serialized where
// they are rendered (in any worker, or taken from the cache) and a feed is never one whole string.
import type { Chunk, FeedDocument, FeedFormat, FeedItem, ItemFragments, OutputFile } from '../model.js';
import { joinChunks } from '../output/spans.js';
import { atomEntry, atomEnvelope } from './atom.js';
import { jsonFeedEnvelope, jsonFeedItem } from './json-feed.js';
import { rssEnvelope, rssItem } from './rss.js';
import { assertWellFormed, assertWellFormedAround } from './well-formed.js';
import { withFields } from '../with-fields.js';
import { xmlCdata } from './xml.js';

/** A feed's text around its items: `head`, the item fragments joined by `separator`, `tail`. */
export interface Envelope {
  head: string;
  separator: string;
  tail: string;
}

export interface FeedFormatSpec {
  /** File name of the main feed in the output folder, unless the config names another. */
  defaultPath: string;
  /** Media type of a link to this feed (`atom:link rel="self"`, `<link rel="alternate">`). */
  mediaType: string;
  /**
   * For XML formats, the namespaces the root element declares: an item fragment is checked for
   * well-formedness with these in scope (see formats/well-formed.ts). Undefined for JSON.
   */
  xmlNamespaces?: Readonly<Record<string, string>>;
  envelope(document: Omit<FeedDocument, 'items'>, hasItems: boolean): Envelope;
  item(item: FeedItem): string;
}

export const FEED_FORMATS: Readonly<Record<FeedFormat, FeedFormatSpec>> = {
  rss: {
    defaultPath: 'rss.xml',
    mediaType: 'application/rss+xml',
    xmlNamespaces: { atom: 'http://www.w3.org/2005/Atom', content: 'http://purl.org/rss/1.0/modules/content/', dc: 'http://purl.org/dc/elements/1.1/' },
    envelope: rssEnvelope,
    item: rssItem,
  },
  atom: {
    defaultPath: 'atom.xml',
    mediaType: 'application/atom+xml',
    xmlNamespaces: { '': 'http://www.w3.org/2005/Atom' },
    envelope: atomEnvelope,
    item: atomEntry,
  },
  json: { defaultPath: 'feed.json', mediaType: 'application/feed+json', envelope: jsonFeedEnvelope, item: jsonFeedItem },
};

export const FORMAT_NAMES = Object.keys(FEED_FORMATS) as FeedFormat[];

/**
 * One item in every format. Each XML fragment passes the well-formedness gate here, with its
 * feed's namespaces in scope; the envelope passes it in serializeFeeds. Well-formed elements inside
 * a well-formed envelope make a well-formed document (no DTD, so no entity can span them).
 */
export function serializeItem(item: FeedItem, file: string): ItemFragments {
  // The post's HTML as the CDATA section RSS and Atom both carry: encoded once, one chunk of both
  // fragments, so the cache holds it once (a third of a rendered post). Wherever a fragment is cut
  // around it, its chunks join to exactly its text, and the section starts and ends with ASCII.
  const section = item.html ? xmlCdata(item.html) : undefined;
  // The item with a mark for its HTML: an XML writer's text around the section, made without it.
  let marked: FeedItem | undefined;
  // Every text of the item, each once (the section too), encoded into one buffer below; each
  // format's fragment is a list of indexes into it.
  const texts: string[] = [];
  let sectionIndex: number | undefined;
  const layout = {} as Record<FeedFormat, number[]>;
  const add = (text: string) => texts.push(text) - 1;
  for (const format of FORMAT_NAMES) {
    const spec = FEED_FORMATS[format];
    const namespaces = spec.xmlNamespaces;
    if (!namespaces) {
      layout[format] = [add(spec.item(item))];
      continue;
    }
    const name = `the ${format} item of ${file}`;
    const around = section === undefined ? undefined : textAround(spec.item((marked ??= withFields(item, { html: HTML_MARK }))));
    if (around) {
      assertWellFormedAround(around.before, section!, around.after, name, namespaces);
      layout[format] = [add(around.before), (sectionIndex ??= add(section!)), add(around.after)];
    } else {
      const text = spec.item(item);
      assertWellFormed(text, name, namespaces);
      layout[format] = [add(text)];
    }
  }
  const chunks = encodeAll(texts);
  const fragments = {} as ItemFragments;
  for (const format of FORMAT_NAMES) fragments[format] = layout[format].map((index) => chunks[index]!);
  return fragments;
}

/**
 * The texts as UTF-8, views of one buffer: one allocation per item instead of one per text, which
 * a cold build's profile showed costing more than the encoding (and one buffer for a worker to post).
 */
function encodeAll(texts: readonly string[]): Buffer[] {
  const lengths = texts.map((text) => Buffer.byteLength(text, 'utf8'));
  const bytes = Buffer.allocUnsafe(lengths.reduce((sum, length) => sum + length, 0));
  let at = 0;
  return texts.map((text, index) => {
    const end = at + lengths[index]!;
    bytes.write(text, at, 'utf8');
    const view = bytes.subarray(at, end);
    at = end;
    return view;
  });
}

/**
 * Stands in for the post's HTML, so that a writer's text for an item is made (and gated) without
 * copying and scanning the HTML once per format. A character no feed may carry (parse/text.ts
 * strips it from every field), so it is found only where the writer put the HTML.
 */
const HTML_MARK = '\uFFFF';
const MARKED_SECTION = xmlCdata(HTML_MARK);
/** Where the mark stands in its section. */
const MARK_AT = MARKED_SECTION.indexOf(HTML_MARK);

/** The text before and after the one CDATA section of the mark; undefined when the writer did not write it so, once. */
function textAround(markedText: string): { before: string; after: string } | undefined {
  const at = markedText.indexOf(MARKED_SECTION);
  if (at === -1 || markedText.indexOf(HTML_MARK) !== at + MARK_AT) return undefined;
  if (markedText.includes(HTML_MARK, at + MARKED_SECTION.length)) return undefined;
  return { before: markedText.slice(0, at), after: markedText.slice(at + MARKED_SECTION.length) };
}

/** A feed's envelope as the bytes its file is made of: `head`, each item after the first preceded by `separator`, `tail`. */
export interface EnvelopeBytes {
  format: FeedFormat;
  head: Buffer;
  separator: Buffer;
  tail: Buffer;
}

/** The envelope of `document` (whose items do not matter but for whether there are any), gated when XML. */
export function envelopeBytes(document: Omit<FeedDocument, 'items'>, hasItems: boolean): EnvelopeBytes {
  const spec = FEED_FORMATS[document.format];
  const envelope = spec.envelope(document, hasItems);
  // The envelope alone, with no items: the document's every other character.
  if (spec.xmlNamespaces) assertWellFormed(envelope.head + envelope.tail, document.path);
  return {
    format: document.format,
    head: Buffer.from(envelope.head, 'utf8'),
    separator: Buffer.from(envelope.separator, 'utf8'),
    tail: Buffer.from(envelope.tail, 'utf8'),
  };
}

/** Each document as the chunks of its file: envelope and item fragments, never joined into one string or buffer. */
export function serializeFeeds(documents: readonly FeedDocument[]): OutputFile[] {
  return documents.map((document) => {
    const { items, ...rest } = document;
    const { head, separator, tail } = envelopeBytes(rest, items.length > 0);
    const chunks: Chunk[] = [head];
    for (const [index, fragment] of items.entries()) {
      if (index > 0 && separator.length > 0) chunks.push(separator);
      chunks.push(...fragment);
    }
    chunks.push(tail);
    return outputFile(document.format, document.path, chunks, items.length);
  });
}

/** An output file held as chunks; `contents` joins them only when asked (tests, the library API). */
export function outputFile(format: FeedFormat, path: string, chunks: readonly Chunk[], items: number, copyAt?: string): OutputFile {
  return {
    format,
    path,
    chunks,
    items,
    ...(copyAt !== undefined ? { copyAt } : {}),
    get contents() {
      return joinChunks(chunks).toString('utf8');
    },
  };
}

/** `file` with the path of a copy of its bytes the cache keeps (see OutputFile.copyAt). */
export function withCopy(file: OutputFile, copyAt: string): OutputFile {
  return outputFile(file.format, file.path, file.chunks ?? [Buffer.from(file.contents, 'utf8')], file.items, copyAt);
}
