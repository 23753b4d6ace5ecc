// The render stage's entry: a post's Markdown → safe HTML with absolute URLs, the text its
// summary is taken from, and what was removed on the way (with the line it was on).
import type { Diagnostic, Post } from '../model.js';
import { stripForbiddenCharacters } from '../parse/text.js';
import { parseMarkdown, renderTokens } from './markdown.js';
import { MAX_OPEN_ELEMENTS, sanitize } from './sanitize.js';
import { firstParagraphText, showsAnything } from './summary.js';

export interface RenderedContent {
  /** The HTML itself: escaping it for XML (CDATA, `]]>`) is the formats' job. */
  html: string;
  /** Plain text of the first paragraph with text, or the title when the post has none: never empty. */
  firstParagraph: string;
  diagnostics: Diagnostic[];
}

type RenderablePost = Pick<Post, 'file' | 'markdown' | 'permalink' | 'bodyLine' | 'title' | 'description'>;

/** Renders a post's Markdown to sanitized HTML whose every URL is absolute. */
export function renderContent(post: RenderablePost): RenderedContent {
  // What was removed → the first 0-based body line it was removed from.
  const removed = new Map<string, number>();
  const note = (what: string, line: number) => removed.set(what, Math.min(line, removed.get(what) ?? line));

  const { tokens, hasRawHtml } = parseMarkdown(post.markdown, post.permalink, note);
  const rendered = renderTokens(tokens);
  let html = rendered.html;
  // markdown-it escapes everything it writes itself: only raw HTML needs the (costly) sanitizer.
  if (hasRawHtml) {
    const sanitized = sanitize(rendered.html, post.permalink, (what, offset) => note(what, rendered.lineAt(offset)));
    if ('tooDeepAt' in sanitized) {
      return { html: '', firstParagraph: post.title, diagnostics: [tooDeep(post, post.bodyLine + rendered.lineAt(sanitized.tooDeepAt))] };
    }
    html = sanitized.html;
  }
  // A safety net: references to characters no feed may carry are removed where they were written.
  const stripped = stripForbiddenCharacters(html);
  if (stripped.count > 0) note(`character references to ${stripped.removed.join(', ')}`, 0);

  const diagnostics: Diagnostic[] = [];
  if (removed.size > 0) diagnostics.push(removedWarning(post, removed));
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
  return { html: stripped.text, firstParagraph: firstParagraphText(tokens) || post.title, diagnostics };
}

function removedWarning(post: RenderablePost, removed: Map<string, number>): Diagnostic {
  const what = [...removed.keys()];
  return {
    severity: 'warning',
    code: 'content-removed',
    file: post.file,
    line: post.bodyLine + Math.min(...removed.values()),
    field: 'body',
    message: `removed from the feed content, unsafe or not allowed in feeds: ${what.slice(0, 8).join(', ')}${what.length > 8 ? ', …' : ''}`,
  };
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
