// Markdown extensions generators add that markdown-it does not know, rewritten outside code:
// `:::note` admonitions (Docusaurus, Astro themes, remark-directive) as labelled blockquotes, and
// attribute lists — `## Heading {#id}` (Hugo, Docusaurus, Gatsby) and kramdown's `{: .class}`
// (Jekyll) — removed, since ids and classes only style the site's own pages.
import { applyAdmonitions, layOutAdmonitions } from './admonitions.js';
import { fencedCodeLines } from './code-regions.js';
import { type BodySyntaxContext, type Rewritten, SyntaxWarnings } from './context.js';

/** `{#id}`, `{.class}`, `{#id .class key=value}` or kramdown's `{: …}`: the whole tail of a line. */
const ATTRIBUTE_LIST = /^\{(?::[^{}]*|[#.][\w-][^{}]*)\}$/;

export function rewriteMarkdownExtensions(markdown: string, _context: BodySyntaxContext): Rewritten {
  const lines = markdown.split('\n');
  const inCode = fencedCodeLines(lines);
  const warnings = new SyntaxWarnings();
  const layout = layOutAdmonitions(lines, (index) => inCode[index]!, warnings);
  const rewritten = applyAdmonitions(lines, layout).map((line, index) => (inCode[index] ? line : withoutAttributeList(line)));
  return { markdown: rewritten.join('\n'), warnings: warnings.sorted() };
}

/** The line without a trailing attribute list; a line that is only one (a kramdown block IAL) becomes empty. */
function withoutAttributeList(line: string): string {
  const trimmed = line.trimEnd();
  if (!trimmed.endsWith('}')) return line;
  const open = trimmed.lastIndexOf('{');
  if (open < 0 || !ATTRIBUTE_LIST.test(trimmed.slice(open))) return line;
  const before = trimmed.slice(0, open);
  // Only where an attribute list is meant: after a heading (also one written with a no-break
  // space, which some editors put after `###`), or alone on its line (`{: .note}`).
  if (before.trim() === '' || /^ {0,3}#{1,6}[ \t\u00a0]/.test(before)) return before.trimEnd();
  return line;
}
