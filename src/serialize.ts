// Serializes one feed document to every format, then re-parses each XML output with a strict
// parser: a file that is not well-formed is never written, whatever the writer did.
import { SaxesParser } from 'saxes';
import type { Config } from './config.js';
import type { FeedDocument, FeedFormat, OutputFile } from './model.js';
import { renderAtom } from './formats/atom.js';
import { renderJsonFeed } from './formats/json-feed.js';
import { renderRss } from './formats/rss.js';

const WRITERS: Record<FeedFormat, (document: FeedDocument) => string> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
};

export const FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

export function serializeFeeds(documents: Record<FeedFormat, FeedDocument>, output: Config['output']): OutputFile[] {
  return FORMATS.map((format) => {
    const contents = WRITERS[format](documents[format]);
    if (format !== 'json') assertWellFormed(contents, output[format]);
    return { format, path: output[format], contents, items: documents[format].items.length };
  });
}

export class MalformedOutputError extends Error {}

/** Throws when `xml` is not a well-formed, namespace-correct XML 1.0 document. */
export function assertWellFormed(xml: string, name: string): void {
  const parser = new SaxesParser({ xmlns: true, position: true });
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.write(xml).close();
  if (failure) throw new MalformedOutputError(`refusing to write ${name}: the generated XML is not well-formed (${failure.message})`);
}
