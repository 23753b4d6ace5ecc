// Raw HTML → HTML safe for feed readers: anything that could run script or change the reader's
// page is removed (and reported with where it was), and every URL is made absolute.
import { createRequire } from 'node:module';
import type { Parser as HtmlParser } from 'htmlparser2';
import type SanitizeHtml from 'sanitize-html';
import { joinPieces, LANGUAGE_CLASS, type RenderedMarkdown, type RenderedPiece } from './markdown.js';
import { absolutizeSrcset, absolutizeUrl, SAFE_SCHEME_NAMES, shorten, URL_ATTRIBUTES } from './urls.js';

// sanitize-html (and the CSS parser it pulls in) takes a quarter second to load: only posts with
// raw HTML need it, so it and its HTML parser are loaded on first use.
const require = createRequire(import.meta.url);
let sanitizer: typeof SanitizeHtml | undefined;
const sanitizeHtml = (): typeof SanitizeHtml => (sanitizer ??= require('sanitize-html') as typeof SanitizeHtml);
let parserClass: typeof HtmlParser | undefined;
const Parser = (): typeof HtmlParser => (parserClass ??= (require('htmlparser2') as typeof import('htmlparser2')).Parser);

/** Loads the sanitizer ahead of the first post that needs it (a worker does, while it waits for renders). */
export function loadSanitizer(): void {
  sanitizeHtml();
  Parser();
}

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
const CELL_ALIGNMENT = /^\s*text-align\s*:\s*(left|right|center)\s*;?\s*$/i;

/** Records something removed and the offset in the input HTML of the tag it was in. */
export type NoteRemovalAt = (what: string, offset: number) => void;

export type SanitizeResult = { html: string } | { tooDeepAt: number };

/**
 * Sanitizes rendered HTML. Stops at the first start tag that makes more than MAX_OPEN_ELEMENTS
 * elements open at once, before sanitize-html's cost grows, and returns that tag's offset.
 */
export function sanitize(html: string, base: string, note: NoteRemovalAt, watchText?: (text: string, openElements: readonly string[]) => void): SanitizeResult {
  // Tags are counted in parse order; their offsets are looked up only when something was removed.
  let opened = 0;
  let depth = 0;
  const openElements: string[] = [];
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
      ...(watchText
        ? {
            textFilter: (text: string) => {
              watchText(text, openElements);
              return text;
            },
          }
        : {}),
      selfClosing: VOID_ELEMENTS,
      parser: PARSER_OPTIONS,
      // Called for every start and end tag the parser reports, before anything else happens to it.
      onOpenTag: (name: string) => {
        opened += 1;
        depth += 1;
        if (depth > MAX_OPEN_ELEMENTS) throw new TooDeep(opened);
        if (watchText) openElements.push(name);
      },
      onCloseTag: () => {
        depth -= 1;
        if (watchText) openElements.pop();
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

/**
 * The elements an opening tag closes without an end tag, by the tags markdown-it writes that close
 * them (htmlparser2's table, which follows HTML's): `<p>` raw, then a Markdown table, closes the p.
 */
const CLOSED_BY: Readonly<Record<string, readonly string[]>> = {
  p: ['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'pre', 'hr', 'table'],
  li: ['li'],
  tr: ['tr'],
  th: ['tr', 'th', 'td'],
  td: ['tr', 'td'],
  thead: ['td', 'tbody'],
  tbody: ['tbody'],
};
const OPENING_TAGS = /<([a-z][a-z0-9]*)/g;
/**
 * Elements whose content does not parse as HTML (raw text, dropped text, foreign content) in
 * htmlparser2 and sanitize-html, with a margin of ones a browser reads as raw text: a mark inside
 * one would not stand for what its stretch parses as there.
 */
const OPAQUE = new Set(['script', 'style', 'title', 'textarea', 'xmp', 'option', 'select', 'svg', 'math', 'noscript', 'iframe', 'noembed', 'noframes', 'plaintext', 'template']);

/** Stands in for a stretch of markdown-it's output while only the raw HTML around it is sanitized. */
const MARK = '\uFFFF';
const MARKS = /\uFFFF(\d+)\uFFFF/g;

export type SanitizedContent = { html: string } | { tooDeepLine: number };

/**
 * Makes rendered Markdown safe. markdown-it escapes everything it writes itself, so only the raw
 * HTML the author wrote needs the (costly) sanitizer. It sanitizes a skeleton: the raw HTML, the
 * tags of markdown-it's that raw HTML could close or be closed by (a paragraph's `<p>` around an
 * inline `<sup>`), and a mark for each stretch of markdown-it's output that opens and closes its
 * own elements; then it puts the stretches back where their marks came out. A mark that does not
 * come out once, in order, as text outside script-like and foreign elements, and outside any element a tag of its
 * stretch would close, means the raw HTML changes how that stretch parses, and the whole HTML goes
 * through the sanitizer instead, as it always could.
 */
export function sanitizeRendered(rendered: RenderedMarkdown, base: string, note: (what: string, line: number) => void): SanitizedContent {
  const viaSkeleton = sanitizeSkeleton(rendered, base, note);
  if (viaSkeleton) return viaSkeleton;
  const result = sanitize(rendered.html, base, (what, offset) => note(what, rendered.lineAt(offset)));
  return 'tooDeepAt' in result ? { tooDeepLine: rendered.lineAt(result.tooDeepAt) } : result;
}

/** The skeleton way of sanitizeRendered; undefined (having noted nothing) where only the whole HTML will do. */
export function sanitizeSkeleton(rendered: RenderedMarkdown, base: string, note: (what: string, line: number) => void): SanitizedContent | undefined {
  const skeleton = skeletonOf(rendered.pieces);
  if (!skeleton) return undefined;
  const seen: number[] = [];
  let misplaced = false;
  const notes: Array<[string, number]> = [];
  const result = sanitize(skeleton.html + END, base, (what, offset) => notes.push([what, skeleton.lineAt(offset)]), (text, open) => {
    for (const match of text.matchAll(MARKS)) {
      const index = Number(match[1]);
      seen.push(index);
      const closable = CLOSED_BY[open.at(-1) ?? ''];
      if (open.some((tag) => OPAQUE.has(tag))) misplaced = true;
      else if (closable && [...skeleton.stretches[index]!.matchAll(OPENING_TAGS)].some(([, tag]) => closable.includes(tag!))) misplaced = true;
    }
  });
  if ('tooDeepAt' in result) return { tooDeepLine: skeleton.lineAt(result.tooDeepAt) };
  if (misplaced || seen.length !== skeleton.stretches.length || !seen.every((mark, index) => mark === index)) return undefined;
  const end = result.html.indexOf(END_AS_TEXT);
  if (end < 0 || result.html.indexOf(END_AS_TEXT, end + 1) >= 0) return undefined;
  for (const [what, line] of notes) note(what, line);
  const html = result.html.slice(0, end) + result.html.slice(end + END_AS_TEXT.length);
  return { html: html.replace(MARKS, (_, index: string) => skeleton.stretches[Number(index)]!) };
}

/**
 * Ends the skeleton: its `>` closes markup the raw HTML left open at the end — a bogus comment
 * (`</)`, `<?`), a declaration (`<!x`) — which the parser would otherwise give back as text, marks
 * and all, at the end of the input, though in the whole HTML a `>` of markdown-it's ends it and
 * swallows what came between. It comes out as text, once, only when nothing was left open.
 */
const END = `${MARK}>${MARK}`;
const END_AS_TEXT = `${MARK}&gt;${MARK}`;

const VOID_TAG = /<(?:img|br|hr)[\s>]/y;
const TAG_NAME = /[a-z0-9]*/y;

/** A tag in a run of markdown-it's pieces: the piece it is in and where in that piece's HTML. */
interface TagAt {
  piece: number;
  start: number;
  end: number;
}

/**
 * Raw pieces as they are; markdown-it's pieces with their unmatched tags kept and each run between
 * those as a mark. Undefined when markdown-it's tags do not nest (never seen) or a raw piece holds
 * the mark character.
 */
function skeletonOf(pieces: readonly RenderedPiece[]): (ReturnType<typeof joinPieces> & { stretches: string[] }) | undefined {
  const skeleton: RenderedPiece[] = [];
  const stretches: string[] = [];
  let index = 0;
  while (index < pieces.length) {
    const piece = pieces[index]!;
    if (piece.raw) {
      if (piece.html.includes(MARK)) return undefined;
      skeleton.push(piece);
      index += 1;
      continue;
    }
    // A run of markdown-it's pieces, read for its tags (it writes `<` only to start a tag and `>`
    // inside one only to end it); a tag is kept when its partner is outside the run. Only tags are
    // noted, by place: what lies between the kept ones becomes the stretches.
    const first = index;
    while (index < pieces.length && !pieces[index]!.raw) index += 1;
    const unmatchedEnds: TagAt[] = [];
    const open: Array<TagAt & { name: string }> = [];
    for (let p = first; p < index; p += 1) {
      const html = pieces[p]!.html;
      for (let at = html.indexOf('<'); at !== -1; ) {
        const end = html.indexOf('>', at) + 1;
        if (end === 0) return undefined;
        if (html.charCodeAt(at + 1) === 0x2f) {
          const opener = open.at(-1);
          if (opener === undefined) unmatchedEnds.push({ piece: p, start: at, end });
          else if (end - at - 3 === opener.name.length && html.startsWith(opener.name, at + 2)) open.pop();
          else return undefined;
        } else {
          VOID_TAG.lastIndex = at;
          if (!VOID_TAG.test(html)) {
            TAG_NAME.lastIndex = at + 1;
            TAG_NAME.test(html);
            open.push({ piece: p, start: at, end, name: html.slice(at + 1, TAG_NAME.lastIndex) });
          }
        }
        at = html.indexOf('<', end);
      }
    }
    // Both lists are in document order: merged, they are the kept tags in order.
    const kept = mergeInOrder(unmatchedEnds, open);
    let from: { piece: number; at: number } = { piece: first, at: 0 };
    for (const tag of kept) {
      pushStretch(pieces, from, tag.piece, tag.start, skeleton, stretches);
      skeleton.push({ html: pieces[tag.piece]!.html.slice(tag.start, tag.end), line: pieces[tag.piece]!.line, raw: false });
      from = { piece: tag.piece, at: tag.end };
    }
    pushStretch(pieces, from, index, 0, skeleton, stretches);
  }
  const { html, lineAt } = joinPieces(skeleton);
  return { html, lineAt, stretches };
}

function mergeInOrder(a: readonly TagAt[], b: readonly TagAt[]): TagAt[] {
  const merged: TagAt[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const takeA = j >= b.length || (i < a.length && (a[i]!.piece < b[j]!.piece || (a[i]!.piece === b[j]!.piece && a[i]!.start < b[j]!.start)));
    merged.push(takeA ? a[i++]! : b[j++]!);
  }
  return merged;
}

/**
 * The HTML from `from` up to offset `toAt` of piece `toPiece`, as a stretch and its mark (on the
 * line of the piece its first character is in); nothing when it is empty.
 */
function pushStretch(pieces: readonly RenderedPiece[], from: { piece: number; at: number }, toPiece: number, toAt: number, skeleton: RenderedPiece[], stretches: string[]): void {
  let stretch = '';
  let line: number | undefined;
  for (let p = from.piece; p <= toPiece && p < pieces.length; p += 1) {
    const html = pieces[p]!.html;
    const part = html.slice(p === from.piece ? from.at : 0, p === toPiece ? toAt : html.length);
    if (part === '') continue;
    line ??= pieces[p]!.line;
    stretch += part;
  }
  if (line === undefined) return;
  skeleton.push({ html: `${MARK}${stretches.length}${MARK}`, line, raw: false });
  stretches.push(stretch);
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
