// Raw HTML → HTML safe for feed readers: anything that could run script or change the reader's
// page is removed (and reported with where it was), and every URL is made absolute.
import { createRequire } from 'node:module';
import type { Parser as HtmlParser } from 'htmlparser2';
import type SanitizeHtml from 'sanitize-html';
import { absolutizeSrcset, absolutizeUrl, SAFE_SCHEME_NAMES, shorten, URL_ATTRIBUTES } from './urls.js';

// sanitize-html (and the CSS parser it pulls in) takes a quarter second to load: only posts with
// raw HTML need it, so it and its HTML parser are loaded on first use.
const require = createRequire(import.meta.url);
let sanitizer: typeof SanitizeHtml | undefined;
const sanitizeHtml = (): typeof SanitizeHtml => (sanitizer ??= require('sanitize-html') as typeof SanitizeHtml);
let parserClass: typeof HtmlParser | undefined;
const Parser = (): typeof HtmlParser => (parserClass ??= (require('htmlparser2') as typeof import('htmlparser2')).Parser);

/**
 * More elements open at once than this is refused at the tag that crosses it, before
 * sanitize-html's time grows with the square of the depth (100,000 unclosed `<span>` took 46 s).
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

/** Records something removed and the offset in the input HTML of the tag it was in. */
export type NoteRemovalAt = (what: string, offset: number) => void;

export type SanitizeResult = { html: string } | { tooDeepAt: number };

/**
 * Sanitizes rendered HTML. Stops at the first start tag that makes more than MAX_OPEN_ELEMENTS
 * elements open at once, before sanitize-html's cost grows, and returns that tag's offset.
 */
export function sanitize(html: string, base: string, note: NoteRemovalAt): SanitizeResult {
  // Tags are counted in parse order; their offsets are looked up only when something was removed.
  let opened = 0;
  let depth = 0;
  const removed: Array<{ what: string; tag: number }> = [];
  let sanitized: string;
  try {
    sanitized = sanitizeHtml()(html, {
      allowedTags: ALLOWED_TAGS,
      allowedAttributes: ALLOWED_ATTRIBUTES,
      allowedClasses: { code: [LANGUAGE_CLASS] },
      allowedStyles: { td: { 'text-align': [/^(left|right|center)$/] }, th: { 'text-align': [/^(left|right|center)$/] } },
      allowedSchemes: SAFE_SCHEME_NAMES,
      allowProtocolRelative: false,
      disallowedTagsMode: 'discard',
      selfClosing: VOID_ELEMENTS,
      parser: PARSER_OPTIONS,
      // Called for every start and end tag the parser reports, before anything else happens to it.
      onOpenTag: () => {
        opened += 1;
        depth += 1;
        if (depth > MAX_OPEN_ELEMENTS) throw new TooDeep(opened);
      },
      onCloseTag: () => {
        depth -= 1;
      },
      transformTags: {
        '*': (tagName, attribs) => {
          const tag = opened;
          if (!ALLOWED_TAGS.includes(tagName)) removed.push({ what: `<${tagName}>`, tag });
          return { tagName, attribs: allowedAttributes(tagName, attribs, base, (what) => removed.push({ what, tag })) };
        },
      },
    });
  } catch (error) {
    if (error instanceof TooDeep) return { tooDeepAt: startTagOffsets(html, error.tag).at(-1) ?? 0 };
    throw error;
  }
  if (removed.length > 0) {
    const offsets = startTagOffsets(html, removed.at(-1)!.tag);
    for (const { what, tag } of removed) note(what, offsets[tag - 1] ?? 0);
  }
  // sanitize-html writes void elements as `<br />`; markdown-it as `<br>`. Text and attribute
  // values leave sanitize-html with every `>` escaped, so ` />` occurs only at such a tag's end.
  return { html: sanitized.replaceAll(' />', '>') };
}

function allowedAttributes(tagName: string, attribs: Record<string, string>, base: string, note: (what: string) => void): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(attribs)) {
    // id, name, class and style only style the site's own pages: dropped without a word, as every
    // post of a real site carries them (a warning on each would make --strict unusable).
    if (/^on/i.test(name)) {
      note(`${name}= attribute`);
    } else if (name === 'id' || name === 'name') {
      continue;
    } else if (name === 'class') {
      const kept = tagName === 'code' ? value.split(/\s+/).filter((c) => LANGUAGE_CLASS.test(c)) : [];
      if (kept.length > 0) out[name] = kept.join(' ');
    } else if (name === 'style') {
      // Checked here so sanitize-html's CSS parser never sees (and prints) a broken style.
      const alignment = (tagName === 'td' || tagName === 'th') && CELL_ALIGNMENT.exec(value);
      if (alignment) out[name] = `text-align:${alignment[1]!.toLowerCase()}`;
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
  /** The 1-based number, in parse order, of the start tag that went too deep. */
  constructor(readonly tag: number) {}
}

class Enough {}

/** The offsets of the first `count` start tags, as the parser sanitize-html uses reports them. */
function startTagOffsets(html: string, count: number): number[] {
  const offsets: number[] = [];
  const parser: HtmlParser = new (Parser())(
    {
      onopentag: () => {
        offsets.push(parser.startIndex);
        if (offsets.length >= count) throw new Enough();
      },
    },
    PARSER_OPTIONS,
  );
  try {
    parser.end(html);
  } catch (error) {
    if (!(error instanceof Enough)) throw error;
  }
  return offsets;
}
