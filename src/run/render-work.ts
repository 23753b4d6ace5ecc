// The second half of the work done for one post: its render (Markdown → HTML → the item in every
// format). Pure and self-contained, like the parse (run/parse-work.ts), so it runs in this thread,
// in a worker (run/pool-worker.ts) or not at all (a cache hit).
import type { Config } from '../config/schema.js';
import { serializeItem } from '../formats/registry.js';
import type { Diagnostic, Post, RenderedItem, Site } from '../model.js';
import { renderItem } from '../render/item.js';
import type { PostResolver } from '../render/references.js';
import type { MediaSize } from '../source/media.js';

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
