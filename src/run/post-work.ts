// The work done for one post, in the order a build does it: parse (front matter → ParsedPost) and
// render (Markdown → HTML → the item in every format). Pure and self-contained, so the same
// functions run in this thread, in a worker (run/pool-worker.ts) or not at all (a cache hit).
import type { Config } from '../config/schema.js';
import { serializeItem } from '../formats/registry.js';
import { fingerprintOf } from '../identity/ledger.js';
import type { Diagnostic, Post, RenderedItem, Site } from '../model.js';
import { parsePost, type AuthorIndex, type ParseResult, type SourceFile } from '../parse/post.js';
import { renderItem } from '../render/item.js';
import type { PostResolver } from '../render/references.js';
import type { MediaSize } from '../source/media.js';

export interface ParseContext {
  config: Config;
  authors: AuthorIndex;
}

export interface RenderContext {
  config: Config;
  site: Site;
  resolvePost: PostResolver;
}

export interface RenderResult {
  item: RenderedItem;
  diagnostics: Diagnostic[];
  /** Every reference to another post the render resolved, and to what: a cached render is reused only while they hold. */
  references: Array<[string, string | null]>;
}

/** The parse, and the body's ledger fingerprint with it: so it is made in parallel and cached too. */
export function parseWork(source: SourceFile, context: ParseContext): ParseResult {
  const result = parsePost(source, context.config, context.authors);
  if (result.post) result.post.fingerprint = fingerprintOf(result.post.markdown);
  return result;
}

/** `media` is the size of the local file the post's `image:` names, looked up beforehand (I/O stays in the main thread). */
export function renderWork(post: Post, media: MediaSize | undefined, context: RenderContext): RenderResult {
  const diagnostics: Diagnostic[] = [];
  const references: RenderResult['references'] = [];
  const resolvePost: PostResolver = (reference) => {
    const answer = context.resolvePost(reference);
    references.push([reference, answer ?? null]);
    return answer;
  };
  const item = renderItem(post, context.site, context.config, media, resolvePost, diagnostics);
  const fragments = serializeItem(item, post.file);
  return { item: { date: item.date, ...(item.updated ? { updated: item.updated } : {}), fragments }, diagnostics, references };
}
