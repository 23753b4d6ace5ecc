// What a browser would see in feed content: a small HTML5 tokenizer (start tags and their
// attributes, after the spec's comment, raw-text and character-reference rules), independent of
// markdown-it and sanitize-html, and the safety rules the README promises for content.

export interface HtmlTag {
  name: string;
  end: boolean;
  /** Names lower-cased, values with character references decoded; duplicates kept. */
  attributes: HtmlAttribute[];
}

export interface HtmlAttribute {
  name: string;
  value: string;
  /** The value holds a named reference this decoder does not know (left as written). */
  unknownReference: boolean;
}

/** Elements whose content is text up to their end tag (RAWTEXT and RCDATA; noscript with scripting on). */
const RAW_TEXT = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'textarea', 'title']);
const SPACE = /[\t\n\f\r ]/;
const ALPHA = /[A-Za-z]/;

const NAMED: Record<string, string> = {
  amp: '&', AMP: '&', lt: '<', LT: '<', gt: '>', GT: '>', quot: '"', QUOT: '"', apos: "'", nbsp: '\u00A0', Tab: '\t', NewLine: '\n',
  colon: ':', lpar: '(', rpar: ')', sol: '/', bsol: '\\', period: '.', comma: ',', excl: '!', num: '#', dollar: '$', percnt: '%',
  plus: '+', equals: '=', quest: '?', commat: '@', lsqb: '[', rsqb: ']', lowbar: '_', grave: '`', lcub: '{', rcub: '}', verbar: '|',
  semi: ';', hyphen: '‐', copy: '©', reg: '®',
};
/** windows-1252 for numeric references to C1 code points, as the HTML spec maps them. */
const C1_REMAP: Record<number, number> = {
  0x80: 0x20ac, 0x82: 0x201a, 0x83: 0x0192, 0x84: 0x201e, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021, 0x88: 0x02c6, 0x89: 0x2030,
  0x8a: 0x0160, 0x8b: 0x2039, 0x8c: 0x0152, 0x8e: 0x017d, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201c, 0x94: 0x201d, 0x95: 0x2022,
  0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02dc, 0x99: 0x2122, 0x9a: 0x0161, 0x9b: 0x203a, 0x9c: 0x0153, 0x9e: 0x017e, 0x9f: 0x0178,
};

function decodeAttribute(value: string, attribute: { unknownReference: boolean }): string {
  return value.replace(/&(?:#(\d+);?|#[xX]([0-9A-Fa-f]+);?|([A-Za-z][A-Za-z0-9]*);)/g, (match, decimal?: string, hex?: string, name?: string) => {
    if (name !== undefined) {
      const decoded = NAMED[name];
      if (decoded === undefined) attribute.unknownReference = true;
      return decoded ?? match;
    }
    let code = decimal !== undefined ? Number(decimal) : parseInt(hex!, 16);
    if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) code = 0xfffd;
    return String.fromCodePoint(C1_REMAP[code] ?? code);
  });
}

/** Every start and end tag in `html`, as the HTML5 tokenizer (in the "in body" data state) reads it. */
export function tokenize(html: string): HtmlTag[] {
  const tags: HtmlTag[] = [];
  const n = html.length;
  let i = 0;
  const skipTo = (needle: string, from: number) => {
    const at = html.indexOf(needle, from);
    return at < 0 ? n : at + needle.length;
  };
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    i = lt + 1;
    const c = html[i];
    if (c === '!') {
      if (html.startsWith('--', i + 1)) {
        const j = i + 3;
        if (html[j] === '>') i = j + 1;
        else if (html.startsWith('->', j)) i = j + 2;
        else i = Math.min(skipTo('-->', j), skipTo('--!>', j));
      } else i = skipTo('>', i);
      continue;
    }
    if (c === '?') {
      i = skipTo('>', i);
      continue;
    }
    let end = false;
    let start = i;
    if (c === '/') {
      const d = html[i + 1];
      if (d === undefined) break;
      if (d === '>') {
        i += 2;
        continue;
      }
      if (!ALPHA.test(d)) {
        i = skipTo('>', i);
        continue;
      }
      end = true;
      start = i + 1;
    } else if (c === undefined || !ALPHA.test(c)) continue;

    const parsed = readTag(html, start, end);
    if (!parsed) break; // EOF inside a tag: the tag is dropped
    tags.push(parsed.tag);
    i = parsed.next;
    if (!end && parsed.tag.name === 'plaintext') break;
    if (!end && RAW_TEXT.has(parsed.tag.name)) {
      // Up to the first "</name" followed by white space, "/" or ">".
      const pattern = new RegExp(`</${parsed.tag.name}[\\t\\n\\f\\r />]`, 'gi');
      pattern.lastIndex = i;
      const close = pattern.exec(html);
      i = close ? close.index : n;
    }
  }
  return tags;
}

function readTag(html: string, start: number, end: boolean): { tag: HtmlTag; next: number } | undefined {
  const n = html.length;
  let j = start;
  let name = '';
  while (j < n && !SPACE.test(html[j]!) && html[j] !== '/' && html[j] !== '>') name += html[j++]!.toLowerCase();
  const tag: HtmlTag = { name: name.replace(/\0/g, '\uFFFD'), end, attributes: [] };
  for (;;) {
    while (j < n && (SPACE.test(html[j]!) || html[j] === '/')) j++;
    if (j >= n) return undefined;
    if (html[j] === '>') return { tag, next: j + 1 };
    let attribute = html[j++]!.toLowerCase();
    while (j < n && !SPACE.test(html[j]!) && html[j] !== '/' && html[j] !== '>' && html[j] !== '=') attribute += html[j++]!.toLowerCase();
    while (j < n && SPACE.test(html[j]!)) j++;
    if (j >= n) return undefined;
    if (html[j] !== '=') {
      tag.attributes.push({ name: attribute, value: '', unknownReference: false });
      continue;
    }
    j++;
    while (j < n && SPACE.test(html[j]!)) j++;
    if (j >= n) return undefined;
    let raw: string;
    const quote = html[j];
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, j + 1);
      if (close < 0) return undefined;
      raw = html.slice(j + 1, close);
      j = close + 1;
    } else if (quote === '>') {
      raw = '';
    } else {
      const from = j;
      while (j < n && !SPACE.test(html[j]!) && html[j] !== '>') j++;
      raw = html.slice(from, j);
    }
    const decoded: HtmlAttribute = { name: attribute, value: '', unknownReference: false };
    decoded.value = decodeAttribute(raw, decoded);
    tag.attributes.push(decoded);
  }
}

/** Attributes whose value a browser fetches or navigates to. */
const URL_ATTRIBUTES = new Set([
  'href', 'src', 'poster', 'cite', 'data', 'action', 'formaction', 'background', 'longdesc', 'xlink:href', 'ping', 'manifest',
  'codebase', 'archive', 'icon', 'dynsrc', 'lowsrc', 'usemap', 'profile', 'classid', 'lang:href',
]);
const SRCSET_ATTRIBUTES = new Set(['srcset', 'imagesrcset']);
/** Elements the README says never reach a feed, and others that change how the rest is parsed. */
const FORBIDDEN_ELEMENTS = new Set([
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input', 'button', 'textarea', 'select', 'base',
  'meta', 'link', 'svg', 'math', 'template', 'noscript', 'title', 'xmp', 'plaintext', 'noembed', 'noframes', 'html', 'head', 'body', 'param',
]);
const ABSOLUTE_URL = /^(?:(?:https?|ftp):\/\/[^\s/?#\\]+|mailto:|tel:)/i;

/** The URLs of a srcset, as the HTML spec splits candidates. */
export function srcsetUrls(value: string): string[] {
  const urls: string[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    while (i < n && (SPACE.test(value[i]!) || value[i] === ',')) i++;
    if (i >= n) break;
    let url = '';
    while (i < n && !SPACE.test(value[i]!)) url += value[i++];
    if (url.endsWith(',')) url = url.replace(/,+$/, '');
    else {
      let depth = 0;
      while (i < n && !(value[i] === ',' && depth === 0)) {
        if (value[i] === '(') depth++;
        else if (value[i] === ')') depth = Math.max(0, depth - 1);
        i++;
      }
    }
    urls.push(url);
  }
  return urls;
}

/** Everything in `html` that breaks the content promises: unsafe elements, handlers, relative or unsafe URLs. */
export function contentViolations(html: string): string[] {
  const problems: string[] = [];
  if (/<script/i.test(html)) problems.push('the text "<script" occurs');
  for (const tag of tokenize(html)) {
    if (tag.end) continue;
    if (FORBIDDEN_ELEMENTS.has(tag.name)) problems.push(`element <${tag.name}>`);
    for (const { name, value, unknownReference } of tag.attributes) {
      const where = `<${tag.name} ${name}="${value.length > 80 ? `${value.slice(0, 80)}…` : value}">`;
      if (/^on/i.test(name)) problems.push(`event handler attribute ${where}`);
      const carriesUrl = URL_ATTRIBUTES.has(name) || SRCSET_ATTRIBUTES.has(name);
      if (carriesUrl && /^(?:javascript|vbscript|data):/i.test(value.replace(/[\u0000-\u0020\u007f-\u009f]/g, ''))) {
        problems.push(`script URL ${where}`);
      }
      if (carriesUrl && unknownReference) problems.push(`unknown character reference in a URL: ${where}`);
      if (URL_ATTRIBUTES.has(name) && !ABSOLUTE_URL.test(value)) problems.push(`not an absolute http(s)/mailto/tel/ftp URL: ${where}`);
      if (SRCSET_ATTRIBUTES.has(name)) {
        for (const url of srcsetUrls(value)) {
          if (!ABSOLUTE_URL.test(url)) problems.push(`srcset candidate "${url}" is not an absolute URL: ${where}`);
        }
      }
      if (name === 'style' && !(['td', 'th'].includes(tag.name) && /^\s*text-align\s*:\s*(left|right|center)\s*;?\s*$/i.test(value))) {
        problems.push(`style other than table-cell alignment: ${where}`);
      }
    }
  }
  return problems;
}
