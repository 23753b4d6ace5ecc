// URL resolution for feed content: the one place that decides what a URL becomes in a feed.
// Readers show content far from the site, so every URL is resolved against the post's own permalink.

const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'tel:', 'ftp:']);

/** The schemes a URL in feed content may have, without the colon (sanitize-html's spelling). */
export const SAFE_SCHEME_NAMES = [...SAFE_SCHEMES].map((scheme) => scheme.slice(0, -1));

/** URL-valued attributes that must be absolute in a feed (srcset, a list of URLs, is handled apart). */
export const URL_ATTRIBUTES = ['href', 'src', 'poster', 'cite', 'data', 'action', 'background', 'longdesc'];

/**
 * Resolves `value` against `base`; returns undefined for URLs that must not reach a feed
 * (javascript:, data:, vbscript: and any other unknown scheme).
 */
export function absolutizeUrl(value: string, base: string): string | undefined {
  // Browsers ignore control characters and white space inside a scheme (`java\tscript:`); so does this check.
  const trimmed = value.trim();
  let url: URL;
  try {
    url = new URL(trimmed, base);
  } catch {
    return undefined;
  }
  if (!SAFE_SCHEMES.has(url.protocol)) return undefined;
  return url.href;
}

/** A URL or attribute value as a warning quotes it: the first 40 characters. */
export function shorten(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

// The HTML "parse a srcset attribute" algorithm, as parse-srcset (inside sanitize-html) implements
// it: candidates this accepts pass parse-srcset silently, so it never prints to the terminal.
const SPACE = /[ \t\n\f\r]/;
const NON_NEGATIVE_INTEGER = /^\d+$/;
const FLOATING_POINT = /^-?(?:[0-9]+|[0-9]*\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

interface SrcsetCandidate {
  url: string;
  descriptors: string[];
}

/**
 * Makes every URL of a `srcset` absolute. Returns undefined when the attribute must go: a URL is
 * unsafe, a descriptor is invalid (`1.5q`, two widths), or there is no candidate at all.
 */
export function absolutizeSrcset(value: string, base: string): string | undefined {
  const candidates = parseSrcset(value);
  if (candidates.length === 0 || !candidates.every((candidate) => validDescriptors(candidate.descriptors))) return undefined;
  const out: string[] = [];
  for (const { url, descriptors } of candidates) {
    const absolute = absolutizeUrl(url, base);
    if (absolute === undefined) return undefined;
    out.push([absolute, ...descriptors].join(' '));
  }
  return out.join(', ');
}

/** The URLs of a `srcset`, as written. */
export function srcsetUrls(value: string): string[] {
  return parseSrcset(value).map((candidate) => candidate.url);
}

function parseSrcset(input: string): SrcsetCandidate[] {
  const candidates: SrcsetCandidate[] = [];
  let pos = 0;
  const skip = (pattern: RegExp) => {
    while (pos < input.length && pattern.test(input[pos]!)) pos += 1;
  };
  while (true) {
    skip(/[ \t\n\f\r,]/);
    if (pos >= input.length) return candidates;
    const start = pos;
    while (pos < input.length && !SPACE.test(input[pos]!)) pos += 1;
    let url = input.slice(start, pos);
    if (url.endsWith(',')) {
      // A URL ending in commas ends its candidate: no descriptors.
      url = url.replace(/,+$/, '');
      candidates.push({ url, descriptors: [] });
      continue;
    }
    const descriptors: string[] = [];
    let current = '';
    let inParentheses = false;
    skip(SPACE);
    for (; pos <= input.length; pos += 1) {
      const c = input[pos];
      if (c === undefined || (!inParentheses && c === ',')) {
        if (c !== undefined) pos += 1;
        break;
      }
      if (!inParentheses && SPACE.test(c)) {
        if (current) descriptors.push(current);
        current = '';
        continue;
      }
      if (c === '(') inParentheses = true;
      else if (c === ')') inParentheses = false;
      current += c;
    }
    if (current) descriptors.push(current);
    candidates.push({ url, descriptors });
  }
}

/** At most one width (`480w`) or density (`2x`), optionally a height with a width; nothing else. */
function validDescriptors(descriptors: string[]): boolean {
  let width = false;
  let density = false;
  let height = false;
  for (const descriptor of descriptors) {
    const number = descriptor.slice(0, -1);
    const unit = descriptor.slice(-1);
    if (unit === 'w' && NON_NEGATIVE_INTEGER.test(number) && !width && !density && Number(number) > 0) width = true;
    else if (unit === 'x' && FLOATING_POINT.test(number) && !width && !density && !height && Number(number) >= 0) density = true;
    else if (unit === 'h' && NON_NEGATIVE_INTEGER.test(number) && !height && !density && Number(number) > 0) height = true;
    else return false;
  }
  return true;
}
