// The render stage's entry: a post's Markdown → safe HTML with absolute URLs, the text its
// summary is taken from, and what was removed on the way (with the line it was on).
import type { Diagnostic, Post } from '../model.js';
import { stripForbiddenCharacters } from '../parse/text.js';
import { parseMarkdown, renderTokens } from './markdown.js';
import { MAX_OPEN_ELEMENTS, sanitizeRendered } from './sanitize.js';
import { leadText, showsAnything, type Lead } from './summary.js';

export interface RenderedContent {
  /** The HTML itself: escaping it for XML (CDATA, `]]>`) is the formats' job. */
  html: string;
  /** What the summary is made from: the text before a separator or the first paragraph with text, else the title. */
  lead: Lead;
  diagnostics: Diagnostic[];
}

type RenderablePost = Pick<Post, 'file' | 'markdown' | 'permalink' | 'bodyLine' | 'title' | 'description'>;

export interface RenderOptions {
  /** HTML comments that end the summary (`more` for `<!--more-->`): the convention's. */
  summarySeparators: readonly string[];
}

/** What was removed: the first few things named, in order, and the first line anything was removed from. */
class Removals {
  private readonly named = new Set<string>();
  private readonly codePoints = new Set<string>();
  firstLine = Number.POSITIVE_INFINITY;

  add(what: string, line: number): void {
    this.firstLine = Math.min(this.firstLine, line);
    if (this.named.size <= MAX_NAMED) this.named.add(what);
  }

  /** Character references go into one entry, by code point: "character references to U+D800, U+FFFE". */
  addReference(codePoint: string, line: number): void {
    this.firstLine = Math.min(this.firstLine, line);
    if (this.codePoints.size <= MAX_NAMED) this.codePoints.add(codePoint);
  }

  /** What to name in the warning; `…` ends it when there was more. */
  names(): string[] {
    const references = [...this.codePoints];
    const all = [...this.named, ...(references.length > 0 ? [`character references to ${listed(references)}`] : [])];
    return all.length > MAX_NAMED ? [...all.slice(0, MAX_NAMED), '…'] : all;
  }
}

const MAX_NAMED = 8;
const listed = (items: string[]) => (items.length > MAX_NAMED ? [...items.slice(0, MAX_NAMED), '…'] : items).join(', ');

/** Renders a post's Markdown to sanitized HTML whose every URL is absolute. */
export function renderContent(post: RenderablePost, options: RenderOptions): RenderedContent {
  const removals = new Removals();
  const { tokens, hasRawHtml } = parseMarkdown(post.markdown, post.permalink, {
    removed: (what, line) => removals.add(what, line),
    reference: (code, line) => removals.addReference(`U+${code.toString(16).toUpperCase().padStart(4, '0')}`, line),
  });
  const rendered = renderTokens(tokens);
  let html = rendered.html;
  // markdown-it escapes everything it writes itself: only raw HTML needs the (costly) sanitizer.
  if (hasRawHtml) {
    const sanitized = sanitizeRendered(rendered, post.permalink, (what, line) => removals.add(what, line));
    if ('tooDeepLine' in sanitized) {
      return { html: '', lead: { text: post.title, marked: false }, diagnostics: [tooDeep(post, post.bodyLine + sanitized.tooDeepLine)] };
    }
    html = sanitized.html;
  }
  // A safety net: references to characters no feed may carry are removed where they were written.
  const stripped = stripForbiddenCharacters(html);
  for (const codePoint of stripped.removed) removals.addReference(codePoint, 0);

  const diagnostics: Diagnostic[] = [];
  const removed = removals.names();
  if (removed.length > 0) {
    diagnostics.push({
      severity: 'warning',
      code: 'content-removed',
      file: post.file,
      line: post.bodyLine + removals.firstLine,
      field: 'body',
      message: `removed from the feed content, unsafe or not allowed in feeds: ${removed.join(', ')}`,
    });
  }
  if (!post.description && !showsAnything(stripped.text)) {
    diagnostics.push({
      severity: 'warning',
      code: 'empty-post',
      file: post.file,
      line: post.bodyLine,
      field: 'body',
      message: 'the post has no text; readers will show an empty item',
    });
  }
  const lead = leadText(tokens, options.summarySeparators);
  return { html: stripped.text, lead: lead.text ? lead : { text: post.title, marked: false }, diagnostics };
}

function tooDeep(post: RenderablePost, line: number): Diagnostic {
  return {
    severity: 'error',
    code: 'nesting-too-deep',
    file: post.file,
    line,
    field: 'body',
    message: `more than ${MAX_OPEN_ELEMENTS} HTML elements are open at once here; close the tags (nesting this deep stalls HTML sanitizers and readers)`,
  };
}
