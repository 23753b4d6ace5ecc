// The first half of the work done for one post: its parse (front matter → ParsedPost), with the
// body's ledger fingerprint. Pure and self-contained, so it runs in this thread, in a worker
// (run/pool-worker.ts) or not at all (a cache hit). Apart from the render (run/render-work.ts), so
// a worker is ready to parse without having loaded markdown-it, the sanitizer and the writers.
import type { Config } from '../config/schema.js';
import { fingerprintOf } from '../identity/ledger.js';
import { parsePost, type AuthorIndex, type ParseResult, type SourceFile } from '../parse/post.js';

export interface ParseContext {
  config: Config;
  authors: AuthorIndex;
}

/** The parse, and the body's ledger fingerprint with it: so it is made in parallel and cached too. */
export function parseWork(source: SourceFile, context: ParseContext): ParseResult {
  const result = parsePost(source, context.config, context.authors);
  if (result.post) result.post.fingerprint = fingerprintOf(result.post.markdown);
  return result;
}
