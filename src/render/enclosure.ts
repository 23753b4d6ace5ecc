// A post's `image` → the enclosure every format carries: an absolute http(s) URL, its registered
// media type, and its size (0, "unknown", for files not beside the post).
import type { Enclosure } from '../model.js';
import { mediaType } from '../media-types.js';
import { httpUrl } from '../parse/values.js';
import { absolutizeUrl } from './urls.js';

/** A relative path names a file beside the post; absolute URLs, root-relative paths and bare `?query`/`#fragment` do not. */
export function isLocalReference(ref: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:|^\/|^#|^\?/i.test(ref);
}

export type ResolvedEnclosure = { enclosure: Enclosure } | { problem: string; code: string };

/**
 * Resolves `ref` (the `image` front-matter value) against the post's permalink. A relative path
 * names a file beside the post: `localSize` (the source stage, which decodes and checks its
 * percent-escapes) gets `ref` as written, and its problem is returned as is.
 */
export function resolveEnclosure(
  ref: string,
  permalink: string,
  localSize: (ref: string) => { size: number } | { problem: string; code?: string },
): ResolvedEnclosure {
  const absolute = absolutizeUrl(ref, permalink);
  if (!absolute || !/^https?:/.test(absolute)) return { problem: `"${ref}" is not a usable URL or path`, code: 'image-url' };
  const type = mediaType(new URL(absolute).pathname);
  if (!type) {
    return { problem: `"${ref}" has no known media type; use .jpg, .png, .gif, .webp, .avif, .svg, .mp3, .mp4 …`, code: 'image-media-type' };
  }
  // A file beside the post must exist inside the posts folder (the source stage also judges its escapes).
  const local = isLocalReference(ref) ? localSize(ref) : { size: 0 };
  if ('problem' in local) return { problem: local.problem, code: local.code ?? 'image-file' };
  // The RFC 3986 form the validators accept (`|`, `{`, `^` percent-encoded), or why there is none.
  const checked = httpUrl(absolute);
  if ('problem' in checked) return { problem: `"${ref}" ${checked.problem}`, code: 'image-url' };
  return { enclosure: { url: checked.url, type, length: local.size } };
}
