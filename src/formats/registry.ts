// The feed formats postfeed writes, by name: one writer module each. A feed document names its
// format, so a build may emit any number of feeds of each (main feed, tag feeds, archives).
import type { FeedDocument, FeedFormat, OutputFile } from '../model.js';
import { writeAtom } from './atom.js';
import { writeJsonFeed } from './json-feed.js';
import { writeRss } from './rss.js';
import { assertWellFormed } from './well-formed.js';

export interface FeedFormatSpec {
  /** File name of the main feed in the output folder, unless the config names another. */
  defaultPath: string;
  /** Media type of a link to this feed (`atom:link rel="self"`, `<link rel="alternate">`). */
  mediaType: string;
  /** XML output passes the well-formedness gate before it may be written. */
  xml: boolean;
  write(document: FeedDocument): string;
}

export const FEED_FORMATS: Readonly<Record<FeedFormat, FeedFormatSpec>> = {
  rss: { defaultPath: 'rss.xml', mediaType: 'application/rss+xml', xml: true, write: writeRss },
  atom: { defaultPath: 'atom.xml', mediaType: 'application/atom+xml', xml: true, write: writeAtom },
  json: { defaultPath: 'feed.json', mediaType: 'application/feed+json', xml: false, write: writeJsonFeed },
};

export const FORMAT_NAMES = Object.keys(FEED_FORMATS) as FeedFormat[];

/** Serializes each document with its format's writer; XML that is not well-formed is never returned. */
export function serializeFeeds(documents: readonly FeedDocument[]): OutputFile[] {
  return documents.map((document) => {
    const spec = FEED_FORMATS[document.format];
    const contents = spec.write(document);
    if (spec.xml) assertWellFormed(contents, document.path);
    return { format: document.format, path: document.path, contents, items: document.items.length };
  });
}
