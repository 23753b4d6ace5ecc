// Parse results without their body, for crossing threads and for the cache. Light on purpose
// (no parser): the cache and the pool's main side use it without loading any.
import type { ParseResult, SourceFile } from '../parse/post.js';
import { textOf } from '../source/posts.js';
import { withFields } from '../with-fields.js';

/** A parse result as it is sent between threads or stored: the body left out when the source ends with it. */
export type DetachedParse = ParseResult & { bodyFromEnd?: number };

/**
 * Leaves the Markdown body out of a parse result when it is the end of the post's text (nearly
 * always): whoever holds the post's bytes takes it back from them (bodyFrom). A 100k-post archive
 * then crosses threads, and sits in the cache, once instead of twice.
 */
export function detachBody(result: ParseResult, source: SourceFile): DetachedParse {
  const post = result.post;
  if (!post || post.markdown === '' || !source.text.endsWith(post.markdown)) return result;
  return withFields(result, { post: withFields(post, { markdown: '' }), bodyFromEnd: post.markdown.length });
}

/**
 * A body left in a post's bytes: its text's last `fromEnd` characters. Sent to a worker as bytes
 * and decoded there, so the thread that reads the posts never makes their text (see PostFile).
 */
export interface LeftBody {
  bytes: Uint8Array;
  fromEnd: number;
}

export function bodyFrom({ bytes, fromEnd }: LeftBody): string {
  const text = textOf(bytes);
  return text.slice(text.length - fromEnd);
}
