// `image:` → an enclosure: an absolute URL, a registered media type and a length.
// (Interim; the render helper's version replaces it.)
import type { Enclosure } from '../model.js';
import { mediaType } from '../media-types.js';
import { absolutizeUrl } from '../render.js';

/** A relative path names a file beside the post (its size is the enclosure length); anything else is a URL. */
export function isLocalReference(ref: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:|^\/|^#|^\?/i.test(ref);
}

export function resolveEnclosure(
  ref: string,
  permalink: string,
  localSize: (ref: string) => { size: number } | { problem: string },
): { enclosure: Enclosure } | { problem: string } {
  const url = absolutizeUrl(ref, permalink);
  if (!url || !/^https?:/.test(url)) return { problem: `"${ref}" is not a usable URL or path` };
  const type = mediaType(new URL(url).pathname);
  if (!type) return { problem: `"${ref}" has no known media type; use .jpg, .png, .gif, .webp, .avif, .svg, .mp3, .mp4 …` };
  if (!isLocalReference(ref)) return { enclosure: { url, type, length: 0 } };
  const local = localSize(ref);
  if ('problem' in local) return local;
  return { enclosure: { url, type, length: local.size } };
}
