// The plain-text summary every format carries: the author's description, else the first
// paragraph that has text, cut at a word; never empty.
import { stripForbiddenCharacters } from '../parse/text.js';
import type { Token } from './markdown.js';

const SUMMARY_LENGTH = 300;

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

function paragraphText(children: Token[]): string {
  let text = '';
  let hasOwnText = false;
  for (const child of children) {
    if (child.type === 'text' || child.type === 'code_inline') {
      text += child.content;
      hasOwnText ||= /\S/.test(child.content);
    } else if (child.type === 'softbreak' || child.type === 'hardbreak') text += ' ';
    else if (child.type === 'image') text += child.children?.map((c) => c.content).join('') ?? '';
  }
  if (!hasOwnText) return '';
  // Link text comes percent-decoded (`<https://x/%01>`): control characters can appear here too.
  return stripForbiddenCharacters(text).text.replace(/\s+/g, ' ').trim();
}

/** Whether rendered, sanitized HTML shows anything: text or media. */
export function showsAnything(html: string): boolean {
  // In HTML written by markdown-it or sanitize-html every `<` and `>` outside tags is escaped.
  return /<(?:img|video|audio|picture)\b/.test(html) || /\S/.test(html.replace(/<[^>]*>/g, ''));
}

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
