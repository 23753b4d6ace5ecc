// Markdown → tokens → HTML, with every Markdown link and image URL absolute, and a map from each
// offset of the HTML back to the line of the body it came from (for warnings that point at a line).
import MarkdownIt from 'markdown-it';
import { absolutizeUrl, shorten } from './urls.js';

/** Records something removed from the content and the 0-based body line it was on. */
export type NoteRemoval = (what: string, line: number) => void;

export interface Notes {
  removed: NoteRemoval;
  /** A character reference removed, by the code point it names. */
  reference: (codePoint: number, line: number) => void;
}

const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });
export type Token = ReturnType<typeof markdown.parse>[number];

interface Env {
  notes: Notes;
}

// markdown-it turns references to surrogates, noncharacters and controls (`&#xD800;`) into U+FFFD
// without a word; they are removed and reported instead, like the characters themselves.
markdown.core.ruler.before('text_join', 'invalid_references', (state) => {
  const { notes } = state.env as Env;
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue;
    forEachChild(block, (child, line) => {
      removeInvalidReference(child, line, notes);
      // An image's alt text is parsed into its own children.
      if (child.children) for (const token of child.children) removeInvalidReference(token, line, notes);
    });
  }
});

function removeInvalidReference(token: Token, line: number, notes: Notes): void {
  if (token.type !== 'text_special' || token.info !== 'entity' || !token.markup.startsWith('&#')) return;
  const code = numericReferenceCode(token.markup);
  if (markdown.utils.isValidEntityCode(code)) return;
  notes.reference(code, line);
  token.content = '';
}

/** Syntax highlighters read `<code class="language-js">`; no other class reaches a feed (sanitize.ts). */
// `+` and `#` too: markdown-it writes ```c++ as `language-c++`.
export const LANGUAGE_CLASS = /^language-[\w+#-]+$/;

// A fence's language becomes `<code class="language-…">`, the one class a feed keeps (sanitize.ts):
// a name the class rule refuses is left out here, so the output never depends on whether the post
// also has raw HTML (which sends its HTML through the sanitizer).
markdown.core.ruler.push('fence_language', (state) => {
  for (const token of state.tokens) {
    if (token.type !== 'fence' || !token.info) continue;
    const name = markdown.utils.unescapeAll(token.info).trim().split(/(\s+)/g)[0] ?? '';
    if (name !== '' && !LANGUAGE_CLASS.test(`${markdown.options.langPrefix}${name}`)) token.info = '';
  }
});

export interface ParsedMarkdown {
  tokens: Token[];
  /** Whether raw HTML occurs: only then does the (costly) sanitizer need to run. */
  hasRawHtml: boolean;
}

/** Parses a post's body; makes link and image URLs absolute (or drops unsafe ones). */
export function parseMarkdown(source: string, base: string, notes: Notes): ParsedMarkdown {
  const env: Env = { notes };
  const tokens = markdown.parse(source, env);
  let hasRawHtml = false;
  let blockLine = 0;
  const visit = (token: Token, line: number) => {
    if (token.type === 'html_block' || token.type === 'html_inline') {
      hasRawHtml = true;
      token.content = removeInvalidReferences(token.content, (code) => notes.reference(code, line));
    }
    const attribute = token.type === 'link_open' ? 'href' : token.type === 'image' ? 'src' : undefined;
    if (attribute) absolutizeAttribute(token, attribute, base, (what) => notes.removed(what, line));
  };
  for (const token of tokens) {
    blockLine = token.map?.[0] ?? blockLine;
    visit(token, blockLine);
    if (token.type === 'inline') forEachChild(token, visit, blockLine);
  }
  return { tokens, hasRawHtml };
}

function absolutizeAttribute(token: Token, attribute: string, base: string, note: (what: string) => void): void {
  const value = token.attrGet(attribute);
  const absolute = value === null ? undefined : absolutizeUrl(value, base);
  if (absolute !== undefined) token.attrSet(attribute, absolute);
  else {
    note(`${attribute}="${shorten(value ?? '')}"`);
    token.attrs = (token.attrs ?? []).filter(([name]) => name !== attribute);
  }
}

/** Calls `visit` for each inline child with the 0-based body line it is on. */
function forEachChild(inline: Token, visit: (child: Token, line: number, index: number) => void, fallbackLine = 0): void {
  let line = inline.map?.[0] ?? fallbackLine;
  const children = inline.children ?? [];
  // An index loop: this runs for every inline token, three times a post, and entries() makes a pair each.
  for (let index = 0; index < children.length; index++) {
    const child = children[index]!;
    visit(child, line, index);
    if (child.type === 'softbreak' || child.type === 'hardbreak') line += 1;
    else if (child.type === 'html_inline') line += child.content.split('\n').length - 1;
  }
}

function numericReferenceCode(reference: string): number {
  const digits = reference.slice(2).replace(/;$/, '');
  return /^x/i.test(digits) ? parseInt(digits.slice(1), 16) : parseInt(digits, 10);
}

const NUMERIC_REFERENCE = /&#(?:[xX][0-9a-fA-F]+|[0-9]+);?/g;

/**
 * In raw HTML, references that an HTML parser turns into U+FFFD (NUL, surrogates, past U+10FFFF)
 * or into a noncharacter or control no feed may carry. C1 references (`&#x93;`) are left alone:
 * HTML reads them as Windows-1252 (`“`).
 */
function removeInvalidReferences(html: string, note: (codePoint: number) => void): string {
  if (!html.includes('&#')) return html;
  return html.replace(NUMERIC_REFERENCE, (reference) => {
    const code = numericReferenceCode(reference);
    const invalid =
      code > 0x10ffff ||
      (code >= 0xd800 && code <= 0xdfff) ||
      (code >= 0xfdd0 && code <= 0xfdef) ||
      (code & 0xfffe) === 0xfffe ||
      (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
      code === 0x7f;
    if (!invalid) return reference;
    note(code);
    return '';
  });
}

/** A stretch of the rendered HTML: raw HTML as the author wrote it, or markdown-it's own (escaped) output. */
export interface RenderedPiece {
  html: string;
  /** The 0-based body line it came from. */
  line: number;
  /** Written by the author (html_block, html_inline): only this needs the sanitizer. */
  raw: boolean;
}

export interface RenderedMarkdown {
  html: string;
  /** The 0-based body line that produced the HTML at `offset`. */
  lineAt: (offset: number) => number;
  pieces: RenderedPiece[];
}

/** markdown-it's own render loop, noting where each token's HTML starts and whether it is raw HTML. */
export function renderTokens(tokens: Token[]): RenderedMarkdown {
  const renderer = markdown.renderer;
  const pieces: RenderedPiece[] = [];
  const env = {};
  let blockLine = 0;
  tokens.forEach((token, index) => {
    blockLine = token.map?.[0] ?? blockLine;
    if (token.type === 'inline') {
      const children = token.children!;
      forEachChild(token, (child, line, i) => pieces.push({ html: renderOne(renderer, children, i, env), line, raw: child.type === 'html_inline' }), blockLine);
    } else {
      pieces.push({ html: renderOne(renderer, tokens, index, env), line: blockLine, raw: token.type === 'html_block' });
    }
  });
  const { html, lineAt } = joinPieces(pieces);
  return { html, lineAt, pieces };
}

/** The pieces as one HTML string, and the body line of each of its offsets. */
export function joinPieces(pieces: readonly RenderedPiece[]): Omit<RenderedMarkdown, 'pieces'> {
  const starts: number[] = [];
  let html = '';
  for (const piece of pieces) {
    starts.push(html.length);
    html += piece.html;
  }
  // Raw HTML and code keep their line breaks: within a piece, each `\n` before the offset is a line.
  // Found on the first question only: most posts have nothing removed, so nothing to place.
  let newlines: number[] | undefined;
  const lineAt = (offset: number) => {
    newlines ??= [...html.matchAll(/\n/g)].map((match) => match.index);
    const piece = Math.max(0, countAtOrBelow(starts, offset) - 1);
    return (pieces[piece]?.line ?? 0) + countAtOrBelow(newlines, offset - 1) - countAtOrBelow(newlines, (starts[piece] ?? 0) - 1);
  };
  return { html, lineAt };
}

/** How many of the ascending `values` are at most `limit`. */
function countAtOrBelow(values: number[], limit: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (values[middle]! <= limit) low = middle + 1;
    else high = middle;
  }
  return low;
}

function renderOne(renderer: typeof markdown.renderer, tokens: Token[], index: number, env: object): string {
  const rule = renderer.rules[tokens[index]!.type];
  return rule ? rule(tokens, index, markdown.options, env, renderer) : renderer.renderToken(tokens, index, markdown.options);
}
