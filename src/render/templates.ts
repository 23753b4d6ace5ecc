// Generator template syntax in a post's body → plain Markdown and HTML, before rendering: the
// convention's syntaxes (Liquid, Hugo or Zola shortcodes, MDX), and MDX for every .mdx file.
// Nothing is left in a feed as template code, and nothing is removed without a warning.
import path from 'node:path';
import type { Diagnostic, Post } from '../model.js';
import type { BodySyntax, Convention } from '../parse/conventions/index.js';
import type { BodySyntaxContext, Rewritten } from '../syntax/context.js';
import { rewriteLiquid } from '../syntax/liquid.js';
import { rewriteMarkdownExtensions } from '../syntax/markdown-extensions.js';
import { rewriteMdx } from '../syntax/mdx.js';
import { rewriteHugoShortcodes, rewriteZolaShortcodes } from '../syntax/shortcodes.js';

const REWRITERS: Record<BodySyntax, (markdown: string, context: BodySyntaxContext) => Rewritten> = {
  liquid: rewriteLiquid,
  'hugo-shortcodes': rewriteHugoShortcodes,
  'zola-shortcodes': rewriteZolaShortcodes,
  'markdown-extensions': rewriteMarkdownExtensions,
  mdx: rewriteMdx,
};

/** Template languages run first in the generators too, before Markdown (and MDX) is parsed. */
const ORDER: Record<BodySyntax, number> = { liquid: 0, 'hugo-shortcodes': 0, 'zola-shortcodes': 0, 'markdown-extensions': 1, mdx: 2 };

function syntaxesOf(file: string, convention: Convention): BodySyntax[] {
  const syntaxes = [...convention.bodySyntax];
  if (path.extname(file).toLowerCase() === '.mdx' && !syntaxes.includes('mdx')) syntaxes.push('mdx');
  return syntaxes.sort((a, b) => ORDER[a] - ORDER[b]);
}

export function rewriteTemplates(
  post: Pick<Post, 'file' | 'markdown' | 'bodyLine'>,
  convention: Convention,
  context: BodySyntaxContext,
): { markdown: string; diagnostics: Diagnostic[] } {
  let markdown = post.markdown;
  const diagnostics: Diagnostic[] = [];
  for (const syntax of syntaxesOf(post.file, convention)) {
    const rewritten = REWRITERS[syntax](markdown, context);
    markdown = rewritten.markdown;
    for (const warning of rewritten.warnings) {
      diagnostics.push({ severity: 'warning', code: warning.code, file: post.file, line: post.bodyLine + warning.line - 1, field: 'body', message: warning.message });
    }
  }
  return { markdown, diagnostics };
}
