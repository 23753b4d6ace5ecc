// The plain-text summary every format carries: the author's description, else the text before a
// summary separator (`<!--more-->`), else the first paragraph that has text, cut at a word; never empty.
import { stripForbiddenCharacters } from '../parse/text.js';
import type { Token } from './markdown.js';

const SUMMARY_LENGTH = 300;
/** An excerpt the author marked with a separator is kept whole, up to this many characters. */
const EXCERPT_LENGTH = 2000;

/** The text a summary is made from, and whether the author marked where it ends. */
export interface Lead {
  text: string;
  marked: boolean;
}

/**
 * Plain text of every paragraph before the first summary separator — an HTML comment whose text
 * (spaces removed, lower case) is one of `separators` — or, without one, of the first paragraph.
 */
export function leadText(tokens: Token[], separators: readonly string[]): Lead {
  const isSeparator = (html: string) => {
    const comment = /^\s*<!--([\s\S]*?)-->\s*$/.exec(html);
    return comment !== null && separators.includes(comment[1]!.replace(/\s+/g, '').toLowerCase());
  };
  // Most posts have no separator: then only the first paragraph is needed, not the text of all.
  const anySeparator = tokens.some(
    (token) =>
      (token.type === 'html_block' && isSeparator(token.content)) ||
      (token.type === 'inline' && token.children?.some((child) => child.type === 'html_inline' && isSeparator(child.content))),
  );
  if (!anySeparator) return { text: firstParagraphText(tokens), marked: false };
  const before: string[] = [];
  for (const [index, token] of tokens.entries()) {
    if (token.type === 'html_block' && isSeparator(token.content)) return { text: before.join(' '), marked: before.length > 0 };
    const inline = tokens[index + 1];
    if (token.type !== 'paragraph_open' || !inline?.children) continue;
    const cut = inline.children.findIndex((child) => child.type === 'html_inline' && isSeparator(child.content));
    const text = paragraphText(cut < 0 ? inline.children : inline.children.slice(0, cut), true);
    if (text) before.push(text);
    if (cut >= 0) return { text: before.join(' '), marked: before.length > 0 };
  }
  return { text: firstParagraphText(tokens), marked: false };
}

/**
 * Plain text of the first paragraph with text of its own: a paragraph of only images (or links
 * around images) is skipped, though images among text keep their alt text. '' when there is none.
 */
export function firstParagraphText(tokens: Token[]): string {
  for (const [index, token] of tokens.entries()) {
    const inline = tokens[index + 1];
    if (token.type !== 'paragraph_open' || !inline?.children) continue;
    const text = paragraphText(inline.children);
    if (text) return text;
  }
  return '';
}

function paragraphText(children: Token[], evenImagesOnly = false): string {
  let text = '';
  let hasOwnText = false;
  for (const child of children) {
    if (child.type === 'text' || child.type === 'code_inline') {
      text += child.content;
      hasOwnText ||= /\S/.test(child.content);
    } else if (child.type === 'softbreak' || child.type === 'hardbreak') text += ' ';
    else if (child.type === 'image') text += child.children?.map((c) => c.content).join('') ?? '';
  }
  if (!hasOwnText && !evenImagesOnly) return '';
  // Link text comes percent-decoded (`<https://x/%01>`): control characters can appear here too.
  return stripForbiddenCharacters(text).text.replace(/\s+/g, ' ').trim();
}

/** Whether rendered, sanitized HTML shows anything: text or media. */
export function showsAnything(html: string): boolean {
  // In HTML written by markdown-it or sanitize-html every `<` and `>` outside tags is escaped.
  return /<(?:img|video|audio|picture)\b/.test(html) || /\S/.test(html.replace(/<[^>]*>/g, ''));
}

/** The summary every format carries: the description, or the lead cut at a word. */
export function summarize(description: string | undefined, lead: Lead): string {
  if (description) return description;
  const length = lead.marked ? EXCERPT_LENGTH : SUMMARY_LENGTH;
  // Count code points, not UTF-16 units, so an emoji is never cut in half.
  const characters = Array.from(lead.text);
  if (characters.length <= length) return lead.text;
  const cut = characters.slice(0, length).join('');
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > length / 2 ? cut.slice(0, lastSpace) : cut).replace(/[\s,;:.–—-]+$/u, '')}…`;
}
