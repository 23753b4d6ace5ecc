// Markdown → safe HTML with absolute URLs, and a plain-text summary.
// Feed readers show content far from the site, so every relative URL is resolved against the
// post's own permalink, and anything that could run script is removed (and reported).
import { createRequire } from 'node:module';
import MarkdownIt from 'markdown-it';
import type SanitizeHtml from 'sanitize-html';
import type { Diagnostic, Post } from './model.js';
import { stripForbiddenCharacters } from './parse/text.js';

// sanitize-html (and the CSS parser it pulls in) takes a quarter second to load: only posts with
// raw HTML need it, so it is loaded on first use.
const require = createRequire(import.meta.url);
let sanitizer: typeof SanitizeHtml | undefined;
const sanitizeHtml = (): typeof SanitizeHtml => (sanitizer ??= require('sanitize-html') as typeof SanitizeHtml);

const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });

/** Elements that may reach a feed. Everything else is dropped (its text is kept, except for script-like ones). */
const ALLOWED_TAGS = [
  // sanitize-html's defaults (2.17), spelled out so the list is visible and loading is lazy.
  'address', 'article', 'aside', 'footer', 'header', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hgroup', 'main', 'nav', 'section',
  'blockquote', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'hr', 'li', 'menu', 'ol', 'p', 'pre', 'ul',
  'a', 'abbr', 'b', 'bdi', 'bdo', 'br', 'cite', 'code', 'data', 'dfn', 'em', 'i', 'kbd', 'mark', 'q', 'rb', 'rp', 'rt', 'rtc', 'ruby',
  's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var', 'wbr',
  'caption', 'col', 'colgroup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr',
  // Media and disclosure, common in posts and harmless in readers.
  'img', 'picture', 'source', 'video', 'audio', 'track', 'details', 'summary', 'del', 'ins',
];

const ALLOWED_ATTRIBUTES: SanitizeHtml.IOptions['allowedAttributes'] = {
  '*': ['id', 'title', 'lang', 'dir', 'class'],
  a: ['href', 'name', 'rel', 'hreflang', 'type'],
  img: ['src', 'srcset', 'sizes', 'alt', 'width', 'height', 'loading'],
  source: ['src', 'srcset', 'sizes', 'type', 'media'],
  video: ['src', 'poster', 'width', 'height', 'controls', 'loop', 'muted', 'playsinline', 'preload'],
  audio: ['src', 'controls', 'loop', 'muted', 'preload'],
  track: ['src', 'kind', 'srclang', 'label', 'default'],
  blockquote: ['cite'],
  q: ['cite'],
  del: ['cite', 'datetime'],
  ins: ['cite', 'datetime'],
  ol: ['start', 'reversed', 'type'],
  li: ['value'],
  td: ['colspan', 'rowspan', 'align', 'style'],
  th: ['colspan', 'rowspan', 'align', 'scope', 'style'],
  details: ['open'],
  code: ['class'],
};

/** URL-valued attributes that must be absolute in a feed. */
const URL_ATTRIBUTES = ['href', 'src', 'poster', 'cite', 'data', 'action', 'background', 'longdesc'];
const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'tel:', 'ftp:']);

export interface RenderedContent {
  html: string;
  /** Plain text of the first paragraph, for posts with no description. */
  firstParagraph: string;
  diagnostics: Diagnostic[];
}

/** Renders a post's Markdown to sanitized HTML whose every URL is absolute. */
export function renderContent(post: Pick<Post, 'file' | 'markdown' | 'permalink' | 'bodyLine'>): RenderedContent {
  const removed = new Set<string>();
  const base = post.permalink;
  const tokens = markdown.parse(post.markdown, {});
  const hasRawHtml = absolutizeTokenUrls(tokens, base, removed);
  const rendered = markdown.renderer.render(tokens, markdown.options, {});
  // markdown-it escapes everything it writes itself: only raw HTML needs the (costly) sanitizer.
  const sanitized = hasRawHtml ? sanitize(rendered, base, removed) : rendered;
  // Character references (`&#1;`) decode to characters no feed may carry: they go here too.
  const stripped = stripForbiddenCharacters(sanitized);
  if (stripped.count > 0) removed.add(`character references to ${stripped.removed.join(', ')}`);
  const html = stripped.text;

  const diagnostics: Diagnostic[] = [];
  if (removed.size > 0) {
    diagnostics.push({
      severity: 'warning',
      file: post.file,
      line: post.bodyLine,
      field: 'body',
      message: `removed from the feed content, unsafe or not allowed in feeds: ${[...removed].slice(0, 8).join(', ')}${removed.size > 8 ? ', …' : ''}`,
    });
  }
  // `]]>` cannot appear in a CDATA section; `&gt;` means the same in HTML text and attributes.
  return { html: html.replaceAll(']]>', ']]&gt;'), firstParagraph: firstParagraphText(tokens), diagnostics };
}

type Tokens = ReturnType<typeof markdown.parse>;

/** Makes Markdown link and image URLs absolute (or drops unsafe ones); returns whether raw HTML occurs. */
function absolutizeTokenUrls(tokens: Tokens, base: string, removed: Set<string>): boolean {
  let hasRawHtml = false;
  for (const token of tokens) {
    if (token.type === 'html_block' || token.type === 'html_inline') hasRawHtml = true;
    const attribute = token.type === 'link_open' ? 'href' : token.type === 'image' ? 'src' : undefined;
    if (attribute) {
      const value = token.attrGet(attribute);
      const absolute = value === null ? undefined : absolutizeUrl(value, base);
      if (absolute !== undefined) token.attrSet(attribute, absolute);
      else {
        removed.add(`${attribute}="${shorten(value ?? '')}"`);
        token.attrs = (token.attrs ?? []).filter(([name]) => name !== attribute);
      }
    }
    if (token.children && absolutizeTokenUrls(token.children, base, removed)) hasRawHtml = true;
  }
  return hasRawHtml;
}

function sanitize(html: string, base: string, removed: Set<string>): string {
  return sanitizeHtml()(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedStyles: { td: { 'text-align': [/^(left|right|center)$/] }, th: { 'text-align': [/^(left|right|center)$/] } },
    allowedSchemes: [...SAFE_SCHEMES].map((scheme) => scheme.slice(0, -1)),
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      '*': (tagName, attribs) => {
        if (!ALLOWED_TAGS.includes(tagName)) removed.add(`<${tagName}>`);
        const out: Record<string, string> = {};
        for (const [name, value] of Object.entries(attribs)) {
          if (/^on/i.test(name)) {
            removed.add(`${name}= attribute`);
            continue;
          }
          if (URL_ATTRIBUTES.includes(name)) {
            const absolute = absolutizeUrl(value, base);
            if (absolute === undefined) {
              removed.add(`${name}="${shorten(value)}"`);
              continue;
            }
            out[name] = absolute;
          } else if (name === 'srcset') {
            const srcset = absolutizeSrcset(value, base);
            if (srcset === undefined) removed.add('unsafe srcset');
            else out[name] = srcset;
          } else {
            out[name] = value;
          }
        }
        return { tagName, attribs: out };
      },
    },
  });
}

function shorten(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

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

function absolutizeSrcset(value: string, base: string): string | undefined {
  const candidates = value.split(/,\s+|,(?=\S)/).map((candidate) => candidate.trim()).filter(Boolean);
  const out: string[] = [];
  for (const candidate of candidates) {
    const [url, ...descriptors] = candidate.split(/\s+/);
    const absolute = url ? absolutizeUrl(url, base) : undefined;
    if (absolute === undefined) return undefined;
    out.push([absolute, ...descriptors].join(' '));
  }
  return out.join(', ');
}

/** Plain text of the first paragraph: what a reader sees first when there is no description. */
function firstParagraphText(tokens: Tokens): string {
  const start = tokens.findIndex((token) => token.type === 'paragraph_open');
  const inline = start >= 0 ? tokens[start + 1] : undefined;
  if (!inline?.children) return '';
  let text = '';
  for (const child of inline.children) {
    if (child.type === 'text' || child.type === 'code_inline') text += child.content;
    else if (child.type === 'softbreak' || child.type === 'hardbreak') text += ' ';
    else if (child.type === 'image') text += child.children?.map((c) => c.content).join('') ?? '';
  }
  // Link text comes percent-decoded (`<https://x/%01>`): control characters can appear here too.
  return stripForbiddenCharacters(text).text.replace(/\s+/g, ' ').trim();
}

const SUMMARY_LENGTH = 300;

/** The summary every format carries: the description, or the first paragraph cut at a word. */
export function summarize(description: string | undefined, firstParagraph: string): string {
  if (description) return description;
  // Count code points, not UTF-16 units, so an emoji is never cut in half.
  const characters = Array.from(firstParagraph);
  if (characters.length <= SUMMARY_LENGTH) return firstParagraph;
  const cut = characters.slice(0, SUMMARY_LENGTH).join('');
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > SUMMARY_LENGTH / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:.–—-]+$/u, '')}…`;
}
