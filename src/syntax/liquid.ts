// Liquid (Jekyll) and Nunjucks (Eleventy) in post bodies, rewritten to plain Markdown. Liquid runs
// before Markdown, so it is rewritten everywhere, code blocks included — except inside raw.
import { type BodySyntaxContext, type Rewritten, SyntaxWarnings } from './context.js';
import { fenceFor, fenceInPlace } from './code-regions.js';
import { closerOf, earliest, ForwardSearch, LineCounter, lineBreaksIn, quoted } from './scan.js';

const END_TAG = {
  raw: /\{%-?\s*endraw\s*-?%\}/g,
  comment: /\{%-?\s*endcomment\s*-?%\}/g,
  highlight: /\{%-?\s*endhighlight\s*-?%\}/g,
};

// Files that `{% link %}` may name beside posts and pages: their URL is their path.
const PAGE_EXTENSIONS = new Set(['md', 'markdown', 'mkd', 'mkdn', 'html', 'htm', 'textile', 'liquid']);

const NOT_RUN = 'postfeed does not run templates';

/** Rewrites Liquid tags and expressions: raw unwrapped, highlight fenced, links resolved, the rest left out with a warning. */
export function rewriteLiquid(markdown: string, context: BodySyntaxContext): Rewritten {
  return new LiquidRewrite(markdown, context).run();
}

class LiquidRewrite {
  private readonly search: ForwardSearch;
  private readonly lines: LineCounter;
  private readonly warnings = new SyntaxWarnings();
  private readonly baseWithoutSlash: string;
  private output = '';
  private cursor = 0;
  /**
   * A bare base URL (`{{ site.baseurl }}`) not yet written: written before the next text, dropped
   * when a URL that is already absolute follows it (`{{ site.baseurl }}{% post_url x %}`).
   */
  private pendingBase = false;
  private openFence: { fence: string; line: number } | undefined;

  constructor(
    private readonly markdown: string,
    private readonly context: BodySyntaxContext,
  ) {
    this.search = new ForwardSearch(markdown);
    this.lines = new LineCounter(markdown);
    this.baseWithoutSlash = context.baseUrl.endsWith('/') ? context.baseUrl.slice(0, -1) : context.baseUrl;
  }

  run(): Rewritten {
    for (;;) {
      const start = earliest(this.search.indexOf('{%', this.cursor), this.search.indexOf('{{', this.cursor));
      if (start < 0) break;
      const isTag = this.markdown.startsWith('{%', start);
      const end = closerOf(this.search, start, isTag ? '{%' : '{{', isTag ? '%}' : '}}');
      if (end < 0) {
        const line = this.lines.lineAt(start);
        this.warnings.add(`unclosed ${isTag ? 'tag' : 'expression'}`, line, 'template-tag', `Liquid ${isTag ? 'tag' : 'expression'} opened with ${isTag ? '{%' : '{{'} on line ${line} is never closed: kept as written`);
        this.copyUpTo(start + 2);
        continue;
      }
      this.copyUpTo(start);
      this.cursor = end + 2;
      const whole = this.markdown.slice(start, end + 2);
      const inner = trimWhitespaceControl(this.markdown.slice(start + 2, end));
      if (isTag) this.tag(inner, whole, start);
      else this.expression(inner, whole, start);
    }
    this.copyUpTo(this.markdown.length);
    this.writePendingBase();
    if (this.openFence) {
      const { fence, line } = this.openFence;
      this.warnings.add('unclosed highlight', line, 'template-tag', `Liquid tag {% highlight %} on line ${line} has no {% endhighlight %}: the rest of the post is shown as code`);
      this.output += `${this.output.endsWith('\n') ? '' : '\n'}${fence}`;
    }
    return { markdown: this.output, warnings: this.warnings.sorted() };
  }

  private copyUpTo(end: number): void {
    this.write(this.markdown.slice(this.cursor, end));
    this.cursor = end;
  }

  private tag(inner: string, whole: string, start: number): void {
    const name = /^[A-Za-z_]\w*/.exec(inner)?.[0] ?? '';
    const argument = inner.slice(name.length).trim();
    switch (name) {
      case 'raw':
        return this.raw(start);
      case 'comment':
        return this.comment(whole, start);
      case 'highlight':
        return this.highlight(argument, start);
      case 'endhighlight':
        return this.endHighlight(whole, start);
      case 'link':
      case 'post_url':
        return this.postLink(name, argument, whole, start);
      default: {
        const line = this.lines.lineAt(start);
        const key = name === 'include' || name === 'include_relative' ? whole : `tag ${name}`;
        this.warnings.add(key, line, 'template-tag', `Liquid tag ${quoted(whole)} on line ${line} left out: ${NOT_RUN}`);
        this.write(lineBreaksIn(whole));
      }
    }
  }

  private raw(start: number): void {
    const end = this.search.search(END_TAG.raw, this.cursor);
    if (!end) {
      const line = this.lines.lineAt(start);
      this.warnings.add(`unclosed raw ${start}`, line, 'template-tag', `Liquid tag {% raw %} on line ${line} has no {% endraw %}: the rest of the post is kept as written`);
      this.copyUpTo(this.markdown.length);
      return;
    }
    this.copyUpTo(end.index);
    this.cursor = end.index + end.length;
  }

  private comment(whole: string, start: number): void {
    const end = this.search.search(END_TAG.comment, this.cursor);
    if (!end) {
      // Removing the rest of the post would lose text the author may not know is commented out.
      const line = this.lines.lineAt(start);
      this.warnings.add(`unclosed comment`, line, 'template-tag', `Liquid tag {% comment %} on line ${line} has no {% endcomment %}: the text after it is kept`);
      this.write(lineBreaksIn(whole));
      return;
    }
    this.write(lineBreaksIn(this.markdown.slice(start, end.index + end.length)));
    this.cursor = end.index + end.length;
  }

  /** `{% highlight ruby linenos %}` opens a fenced block, so the code is not read as Markdown. */
  private highlight(argument: string, start: number): void {
    const line = this.lines.lineAt(start);
    if (this.openFence) {
      this.warnings.add(`nested highlight`, line, 'template-tag', `Liquid tag {% highlight %} on line ${line} is inside another highlight: left out`);
      return;
    }
    const end = this.search.search(END_TAG.highlight, this.cursor);
    const fence = fenceFor(this.markdown.slice(this.cursor, end ? end.index : undefined));
    // Eleventy's Nunjucks plugin quotes the language: `{% highlight "js" %}`.
    const language = /^["']?([\w+#.-]+)/.exec(argument)?.[1] ?? '';
    this.writePendingBase();
    this.output += fenceInPlace(fence + language, this.output, this.markdown, this.cursor);
    this.openFence = { fence, line };
  }

  private endHighlight(whole: string, start: number): void {
    if (!this.openFence) {
      const line = this.lines.lineAt(start);
      this.warnings.add(`stray endhighlight`, line, 'template-tag', `Liquid tag ${quoted(whole)} on line ${line} closes no highlight: left out`);
      return;
    }
    this.writePendingBase();
    this.output += fenceInPlace(this.openFence.fence, this.output, this.markdown, this.cursor);
    this.openFence = undefined;
  }

  /** `{% post_url name %}` and `{% link path %}`: the post's permalink, or a static file's URL. */
  private postLink(name: string, reference: string, whole: string, start: number): void {
    const extension = /\.(\w+)$/.exec(reference)?.[1]?.toLowerCase();
    const url =
      this.context.resolvePost(reference) ??
      (name === 'link' && extension && !PAGE_EXTENSIONS.has(extension) ? this.urlOfPath(reference) : undefined);
    if (url === undefined) {
      const line = this.lines.lineAt(start);
      this.warnings.add(whole, line, 'unresolved-reference', `Liquid tag ${quoted(whole)} on line ${line} left out: no post ${quoted(reference)} to link to`);
      return;
    }
    this.writeUrl(url);
  }

  private expression(inner: string, whole: string, start: number): void {
    if (/^site\.(?:url|baseurl)$/.test(inner)) return this.writeBase();
    const path = pathOfUrlFilter(inner);
    if (path !== undefined) return this.writeUrl(this.urlOfPath(path));
    const line = this.lines.lineAt(start);
    this.warnings.add(`expression ${inner}`, line, 'template-tag', `Liquid expression ${quoted(whole)} on line ${line} left out: ${NOT_RUN}`);
    this.write(lineBreaksIn(whole));
  }

  private urlOfPath(path: string): string {
    return path.startsWith('/') ? this.baseWithoutSlash + path : this.context.baseUrl + path;
  }

  /** `{{ site.url }}` and `{{ site.baseurl }}`, alone or together, are the base URL once. */
  private writeBase(): void {
    this.pendingBase = true;
  }

  private writeUrl(url: string): void {
    this.pendingBase = false;
    this.write(url);
  }

  private write(text: string): void {
    if (text === '') return;
    this.writePendingBase();
    this.output += text;
  }

  private writePendingBase(): void {
    if (this.pendingBase) this.output += this.baseWithoutSlash;
    this.pendingBase = false;
  }
}

/** `- ` whitespace control (`{%- x -%}`) trims white space in Liquid; here it only frames the tag. */
function trimWhitespaceControl(inner: string): string {
  let text = inner.trim();
  if (text.startsWith('-')) text = text.slice(1);
  if (text.endsWith('-')) text = text.slice(0, -1);
  return text.trim();
}

/**
 * The path in `"/x" | relative_url`, `"/x" | absolute_url` or `"/x" | prepend: site.baseurl`
 * (or site.url, or a chain of these), or undefined for any other expression.
 */
function pathOfUrlFilter(expression: string): string | undefined {
  const quote = expression[0];
  if (quote !== '"' && quote !== "'") return undefined;
  const close = expression.indexOf(quote, 1);
  if (close < 0) return undefined;
  const [before, ...filters] = expression.slice(close + 1).split('|');
  if (before!.trim() !== '' || filters.length === 0) return undefined;
  const known = filters.every((filter) => URL_FILTERS.test(filter.trim()));
  return known ? expression.slice(1, close) : undefined;
}

const URL_FILTERS = /^(?:relative_url|absolute_url|prepend:\s*site\.(?:url|baseurl))$/;
