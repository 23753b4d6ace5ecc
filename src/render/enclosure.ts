// A post's `image` → the enclosure every format carries: an absolute http(s) URL, its registered
// media type, and its size (0, "unknown", for files not beside the post).
import type { Enclosure } from '../model.js';
import { mediaType } from '../media-types.js';
import { absolutizeUrl } from './urls.js';

/** Size of the file `ref` (relative, as written) names beside `postFile`, or why it cannot be used. */
export type LocalFileSize = (postFile: string, ref: string) => { size: number } | { problem: string };

export type ResolvedEnclosure = { enclosure: Enclosure } | { problem: string; code: string };

/**
 * Resolves `ref` (the `image` front-matter value) against the post's permalink. A relative path
 * names a file beside the post: `localSize` gets `ref` as written (its percent-escapes checked)
 * and its problem is returned as is.
 */
export function resolveEnclosure(
  ref: string,
  permalink: string,
  localSize: (ref: string) => { size: number } | { problem: string; code?: string },
): ResolvedEnclosure {
  const url = absolutizeUrl(ref, permalink);
  if (!url || !/^https?:/.test(url)) return { problem: `"${ref}" is not a usable URL or path`, code: 'image-url' };
  const type = mediaType(new URL(url).pathname);
  if (!type) {
    return { problem: `"${ref}" has no known media type; use .jpg, .png, .gif, .webp, .avif, .svg, .mp3, .mp4 …`, code: 'image-media-type' };
  }
  // Absolute URLs, root-relative paths and bare `?query`/`#fragment` are not files beside the post.
  if (/^[a-z][a-z0-9+.-]*:|^\/|^#|^\?/i.test(ref)) return { enclosure: { url, type, length: 0 } };
  if (!isPercentEncoded(ref.split(/[?#]/)[0]!)) {
    return { problem: `"${ref}" has a "%" that does not start a percent-escape like %20; write a literal "%" as %25`, code: 'image-url' };
  }
  const local = localSize(ref);
  if ('problem' in local) return { problem: local.problem, code: local.code ?? 'image-file' };
  return { enclosure: { url, type, length: local.size } };
}

/** Whether every `%` starts an escape that decodes (decodeURIComponent would throw URIError otherwise). */
function isPercentEncoded(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}
