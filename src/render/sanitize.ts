// Raw HTML → HTML safe for feed readers: anything that could run script or change the reader's
// page is removed (and reported with where it was), and every URL is made absolute.
import { createRequire } from 'node:module';
import type { Parser as HtmlParser } from 'htmlparser2';
import type SanitizeHtml from 'sanitize-html';
import { shorten } from './markdown.js';
import { absolutizeSrcset, absolutizeUrl, SAFE_SCHEME_NAMES } from './urls.js';

// sanitize-html (and the CSS parser it pulls in) takes a quarter second to load: only posts with
// raw HTML need it, so it and its HTML parser are loaded on first use.
const require = createRequire(import.meta.url);
let sanitizer: typeof SanitizeHtml | undefined;
const sanitizeHtml = (): typeof SanitizeHtml => (sanitizer ??= require('sanitize-html') as typeof SanitizeHtml);
let parserClass: typeof HtmlParser | undefined;
const Parser = (): typeof HtmlParser => (parserClass ??= (require('htmlparser2') as typeof import('htmlparser2')).Parser);

/**
 * More elements open at once than this is refused before sanitize-html sees the HTML: its time
 * grows with the square of the depth (100,000 unclosed `<span>` took 20 seconds).
 */
export const MAX_OPEN_ELEMENTS = 1000;

/** The options sanitize-html gives htmlparser2, so both parses see the same tags. */
const PARSER_OPTIONS = { decodeEntities: true };

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

/** HTML's void elements: written without an end tag (`</source>` is not HTML). */
const VOID_ELEMENTS = ['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'];

// No `id`, `name` or `class`: in a reader's page they would select its CSS and clobber its
// `window.*` globals. Fragment links still work: they point at the post's page (urls.ts).
const ALLOWED_ATTRIBUTES: SanitizeHtml.IOptions['allowedAttributes'] = {
  '*': ['title', 'lang', 'dir'],
  a: ['href', 'rel', 'hreflang', 'type'],
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
/** Syntax highlighters read `<code class="language-js">`; no other class reaches a feed. */
// `+` and `#` too: markdown-it writes ```c++ as `language-c++`.
const LANGUAGE_CLASS = /^language-[\w+#-]+$/;
const CELL_ALIGNMENT = /^\s*text-align\s*:\s*(left|right|center)\s*;?\s*$/i;

/** URL-valued attributes that must be absolute in a feed. */
const URL_ATTRIBUTES = ['href', 'src', 'poster', 'cite', 'data', 'action', 'background', 'longdesc'];

/** Records something removed and the offset in the input HTML of the tag it was in. */
export type NoteRemovalAt = (what: string, offset: number) => void;

export type SanitizeResult = { html: string } | { tooDeepAt: number };

/**
 * Sanitizes rendered HTML. Refuses (returning the offset of the tag that crossed the limit)
 * HTML with more than MAX_OPEN_ELEMENTS elements open at once.
 */
export function sanitize(html: string, base: string, note: NoteRemovalAt): SanitizeResult {
  const tags = openTagOffsets(html);
  if ('tooDeepAt' in tags) return tags;
  let opened = 0;
  const at = () => tags.offsets[opened - 1] ?? 0;
  const sanitized = sanitizeHtml()(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedClasses: { code: [LANGUAGE_CLASS] },
    allowedStyles: { td: { 'text-align': [/^(left|right|center)$/] }, th: { 'text-align': [/^(left|right|center)$/] } },
    allowedSchemes: SAFE_SCHEME_NAMES,
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    selfClosing: VOID_ELEMENTS,
    parser: PARSER_OPTIONS,
    // Called for every start tag the parser reports, in the same order as openTagOffsets saw them.
    onOpenTag: () => {
      opened += 1;
    },
    transformTags: {
      '*': (tagName, attribs) => {
        const offset = at();
        if (!ALLOWED_TAGS.includes(tagName)) note(`<${tagName}>`, offset);
        return { tagName, attribs: allowedAttributes(tagName, attribs, base, (what) => note(what, offset)) };
      },
    },
  });
  // sanitize-html writes void elements as `<br />`; markdown-it as `<br>`. Text and attribute
  // values leave sanitize-html with every `>` escaped, so ` />` occurs only at such a tag's end.
  return { html: sanitized.replaceAll(' />', '>') };
}

function allowedAttributes(tagName: string, attribs: Record<string, string>, base: string, note: (what: string) => void): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attribs)) {
    if (/^on/i.test(name) || name === 'id' || name === 'name') {
      note(`${name}= attribute`);
    } else if (name === 'class') {
      const kept = tagName === 'code' ? value.split(/\s+/).filter((c) => LANGUAGE_CLASS.test(c)) : [];
      if (kept.length < value.split(/\s+/).filter(Boolean).length) note('class= attribute');
      if (kept.length > 0) out[name] = kept.join(' ');
    } else if (name === 'style') {
      // Checked here so sanitize-html's CSS parser never sees (and prints) a broken style.
      const alignment = (tagName === 'td' || tagName === 'th') && CELL_ALIGNMENT.exec(value);
      if (alignment) out[name] = `text-align:${alignment[1]!.toLowerCase()}`;
      else note('style= attribute');
    } else if (URL_ATTRIBUTES.includes(name)) {
      const absolute = absolutizeUrl(value, base);
      if (absolute === undefined) note(`${name}="${shorten(value)}"`);
      else out[name] = absolute;
    } else if (name === 'srcset') {
      // Checked here so parse-srcset (inside sanitize-html) never sees (and prints) a broken one.
      const srcset = absolutizeSrcset(value, base);
      if (srcset === undefined) note(`srcset="${shorten(value)}"`);
      else out[name] = srcset;
    } else {
      out[name] = value;
    }
  }
  return out;
}

class TooDeep {
  constructor(readonly offset: number) {}
}

/** The offset of every start tag, in parse order; stops at the first past MAX_OPEN_ELEMENTS. */
function openTagOffsets(html: string): { offsets: number[] } | { tooDeepAt: number } {
  const offsets: number[] = [];
  let depth = 0;
  const parser: HtmlParser = new (Parser())(
    {
      onopentag: () => {
        offsets.push(parser.startIndex);
        depth += 1;
        if (depth > MAX_OPEN_ELEMENTS) throw new TooDeep(parser.startIndex);
      },
      onclosetag: () => {
        depth -= 1;
      },
    },
    PARSER_OPTIONS,
  );
  try {
    parser.end(html);
  } catch (error) {
    if (error instanceof TooDeep) return { tooDeepAt: error.offset };
    throw error;
  }
  return { offsets };
}
