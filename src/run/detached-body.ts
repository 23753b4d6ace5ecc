// Parse results without their body, for crossing threads and for the cache. Light on purpose
// (types only): the cache and the pool's main side use it without loading any parser.
import type { ParseResult, SourceFile } from '../parse/post.js';

/** A parse result as it is sent between threads or stored: the body left out when the source ends with it. */
export type DetachedParse = ParseResult & { bodyFromEnd?: number };

/**
 * Leaves the Markdown body out of a parse result when it is the end of the post's text (nearly
 * always): whoever holds the text takes it back with a slice, which V8 makes without copying. A
 * 100k-post archive then crosses threads, and sits in the cache, once instead of twice.
 */
export function detachBody(result: ParseResult, source: SourceFile): DetachedParse {
  const post = result.post;
  if (!post || post.markdown === '' || !source.text.endsWith(post.markdown)) return result;
  return { ...result, post: { ...post, markdown: '' }, bodyFromEnd: post.markdown.length };
}

export function attachBody(detached: DetachedParse, source: SourceFile): ParseResult {
  const { bodyFromEnd, ...result } = detached;
  if (bodyFromEnd === undefined || !result.post) return result;
  return { ...result, post: { ...result.post, markdown: source.text.slice(source.text.length - bodyFromEnd) } };
}
