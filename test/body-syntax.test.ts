// Template syntax of other generators in post bodies (Liquid, Hugo and Zola shortcodes, MDX) is
// rewritten into plain Markdown before rendering: what it shows is kept, what it runs is left out
// with a warning naming it and its line, and lines keep their numbers.
import { describe, expect, it } from 'vitest';
import type { BodySyntaxContext, Rewritten } from '../src/syntax/context.js';
import { rewriteLiquid } from '../src/syntax/liquid.js';
import { rewriteMdx } from '../src/syntax/mdx.js';
import { rewriteHugoShortcodes, rewriteZolaShortcodes } from '../src/syntax/shortcodes.js';
import { parseMarkdown, renderTokens } from '../src/render/markdown.js';

const POSTS: Record<string, string> = {
  '2010-07-21-name': 'https://example.org/blog/2010/07/21/name/',
  '_posts/2016-07-26-name.md': 'https://example.org/blog/2016/07/26/name/',
  'posts/my-post.md': 'https://example.org/blog/my-post/',
  'my-post': 'https://example.org/blog/my-post/',
};
const context: BodySyntaxContext = { baseUrl: 'https://example.org/blog/', resolvePost: (reference) => POSTS[reference] };

function html(markdown: string): string {
  const ignore = () => {};
  const { tokens } = parseMarkdown(markdown, 'https://example.org/blog/post/', { removed: ignore, reference: ignore });
  return renderTokens(tokens).html;
}

/** Warnings as `code@line`, the shape most tests pin. */
function where({ warnings }: Rewritten): string[] {
  return warnings.map((warning) => `${warning.code}@${warning.line}`);
}

function lineCount(text: string): number {
  return text.split('\n').length;
}

describe('Liquid (Jekyll, Eleventy)', () => {
  it('unwraps raw, keeping what is inside exactly as written', () => {
    const body = 'Use {% raw %}{{ page.title }} and {% include x.html %}{% endraw %} in layouts.\n{%- raw -%}\n{{ a }}\n{%- endraw -%}';
    const result = rewriteLiquid(body, context);
    expect(result.markdown).toBe('Use {{ page.title }} and {% include x.html %} in layouts.\n\n{{ a }}\n');
    expect(result.warnings).toEqual([]);
  });

  it('keeps the rest of the post as written after a raw without endraw, and says so', () => {
    const result = rewriteLiquid('One\n{% raw %}\n{{ x }} {% if %}', context);
    expect(result.markdown).toBe('One\n\n{{ x }} {% if %}');
    expect(where(result)).toEqual(['template-tag@2']);
  });

  it('turns highlight into a fenced block, options dropped, so code is not read as Markdown', () => {
    const body = ['Intro', '', '{% highlight ruby linenos %}', '# a comment', 'def x; end', '{% endhighlight %}', '', 'After'].join('\n');
    const result = rewriteLiquid(body, context);
    expect(result.markdown).toBe(['Intro', '', '```ruby', '# a comment', 'def x; end', '```', '', 'After'].join('\n'));
    expect(result.warnings).toEqual([]);
    const rendered = html(result.markdown);
    expect(rendered).toContain('<pre><code class="language-ruby"># a comment\n');
    expect(rendered).not.toContain('<h1');
  });

  it('keeps XML in a highlight as escaped text, and a fence inside the code cannot close the block', () => {
    const body = '{% highlight xml %}\n<note><to>Tove</to></note>\n```\n# still code\n{% endhighlight %}';
    const result = rewriteLiquid(body, context);
    expect(result.markdown).toBe('````xml\n<note><to>Tove</to></note>\n```\n# still code\n````');
    const rendered = html(result.markdown);
    expect(rendered).toContain('&lt;note&gt;&lt;to&gt;Tove&lt;/to&gt;&lt;/note&gt;');
    expect(rendered).not.toContain('<h1');
  });

  it("takes Eleventy's quoted language", () => {
    expect(rewriteLiquid('{% highlight "js" %}\nx\n{% endhighlight %}', context).markdown).toBe('```js\nx\n```');
  });

  it('puts the fences on lines of their own when the tags share a line with code', () => {
    const result = rewriteLiquid('Text {% highlight js %}let a = 1;{% endhighlight %} more', context);
    expect(result.markdown).toBe('Text \n```js\nlet a = 1;\n```\n more');
  });

  it('runs an unclosed highlight to the end of the post and warns', () => {
    const result = rewriteLiquid('a\n{% highlight sh %}\n# not a heading', context);
    expect(result.markdown).toBe('a\n```sh\n# not a heading\n```');
    expect(where(result)).toEqual(['template-tag@2']);
    expect(html(result.markdown)).not.toContain('<h1');
  });

  it('resolves post_url and link to permalinks, replacing a base URL written before them', () => {
    const body = [
      '[A]({% post_url 2010-07-21-name %})',
      '[B]({{ site.baseurl }}{% post_url 2010-07-21-name %})',
      '[C]({{ site.url }}{{ site.baseurl }}{% link _posts/2016-07-26-name.md %})',
      '[D]({% link assets/report.pdf %})',
    ].join('\n');
    const result = rewriteLiquid(body, context);
    expect(result.markdown).toBe(
      [
        '[A](https://example.org/blog/2010/07/21/name/)',
        '[B](https://example.org/blog/2010/07/21/name/)',
        '[C](https://example.org/blog/2016/07/26/name/)',
        '[D](https://example.org/blog/assets/report.pdf)',
      ].join('\n'),
    );
    expect(result.warnings).toEqual([]);
  });

  it('leaves out a reference to a post that does not exist, naming it', () => {
    const result = rewriteLiquid('ok\n[A]({% post_url 1999-01-01-gone %}) and {% link _posts/gone.md %}', context);
    expect(result.markdown).toBe('ok\n[A]() and ');
    expect(result.warnings).toEqual([
      { line: 2, code: 'unresolved-reference', message: 'Liquid tag {% post_url 1999-01-01-gone %} on line 2 left out: no post 1999-01-01-gone to link to' },
      { line: 2, code: 'unresolved-reference', message: 'Liquid tag {% link _posts/gone.md %} on line 2 left out: no post _posts/gone.md to link to' },
    ]);
  });

  it('replaces site.url and site.baseurl, alone or together, and URL filters on a quoted path, with the base URL', () => {
    const body = [
      '{{ site.url }}/x',
      '{{site.baseurl}}/x',
      '{{ site.url }}{{ site.baseurl }}/x',
      '![i]({{ "/assets/x.png" | relative_url }})',
      "![i]({{ 'assets/y.png' | absolute_url }})",
      '![i]({{ "/z.png" | prepend: site.baseurl }})',
      '![i]({{ "/z.png" | prepend: site.baseurl | prepend: site.url }})',
      '{{- site.url -}}',
    ].join('\n');
    const result = rewriteLiquid(body, context);
    expect(result.markdown).toBe(
      [
        'https://example.org/blog/x',
        'https://example.org/blog/x',
        'https://example.org/blog/x',
        '![i](https://example.org/blog/assets/x.png)',
        '![i](https://example.org/blog/assets/y.png)',
        '![i](https://example.org/blog/z.png)',
        '![i](https://example.org/blog/z.png)',
        'https://example.org/blog',
      ].join('\n'),
    );
    expect(result.warnings).toEqual([]);
  });

  it('removes comments silently and keeps their lines', () => {
    const result = rewriteLiquid('a\n{% comment %}\nsecret\n{% endcomment %}\nb', context);
    expect(result.markdown).toBe('a\n\n\n\nb');
    expect(result.warnings).toEqual([]);
  });

  it('leaves out includes, other tags and expressions, each named with its line, one warning per tag name', () => {
    const body = ['{% include toc.html %}', '{% if page.x %}', 'kept', '{% endif %}', '{% if y %}{{ page.title }}{% endif %}', '{% include toc.html %}{% include note.html %}'].join('\n');
    const result = rewriteLiquid(body, context);
    expect(result.markdown).toBe('\n\nkept\n\n\n');
    expect(result.warnings).toEqual([
      { line: 1, code: 'template-tag', message: 'Liquid tag {% include toc.html %} on line 1 left out: postfeed does not run templates' },
      { line: 2, code: 'template-tag', message: 'Liquid tag {% if page.x %} on line 2 left out: postfeed does not run templates' },
      { line: 4, code: 'template-tag', message: 'Liquid tag {% endif %} on line 4 left out: postfeed does not run templates' },
      { line: 5, code: 'template-tag', message: 'Liquid expression {{ page.title }} on line 5 left out: postfeed does not run templates' },
      { line: 6, code: 'template-tag', message: 'Liquid tag {% include note.html %} on line 6 left out: postfeed does not run templates' },
    ]);
  });

  it('keeps the line count when a tag spans lines', () => {
    const body = 'a\n{% include figure.html\n   src="x.png" %}\nb';
    const result = rewriteLiquid(body, context);
    expect(result.markdown).toBe('a\n\n\nb');
    expect(where(result)).toEqual(['template-tag@2']);
  });

  it('runs inside code fences too, as Jekyll does', () => {
    const result = rewriteLiquid('```\n{{ site.url }}/feed.xml\n{{ page.x }}\n```', context);
    expect(result.markdown).toBe('```\nhttps://example.org/blog/feed.xml\n\n```');
    expect(where(result)).toEqual(['template-tag@3']);
  });

  it('keeps an opener that is never closed as text, with one warning', () => {
    const result = rewriteLiquid('50{% off\n{{ a {{ site.url }}', context);
    expect(result.markdown).toBe('50{% off\n{{ a https://example.org/blog');
    expect(where(result)).toEqual(['template-tag@1', 'template-tag@2']);
  });

  it('reports a stray endhighlight', () => {
    expect(where(rewriteLiquid('x\n{% endhighlight %}', context))).toEqual(['template-tag@2']);
  });
});

describe('Hugo shortcodes', () => {
  it('turns figure into one line of HTML with escaped attributes', () => {
    const body = 'a\n{{< figure src="/img/a b.png" alt="A \\"big\\" <cat>" caption="Cats & dogs" link="https://example.org/?a=1&b=2" title="T" >}}\nb';
    const result = rewriteHugoShortcodes(body, context);
    expect(result.markdown).toBe(
      'a\n<figure><a href="https://example.org/?a=1&amp;b=2"><img src="/img/a b.png" alt="A &quot;big&quot; &lt;cat&gt;"></a><figcaption><strong>T</strong> Cats &amp; dogs</figcaption></figure>\nb',
    );
    expect(result.warnings).toEqual([]);
    expect(lineCount(result.markdown)).toBe(lineCount(body));
  });

  it('keeps the lines of a figure written over several', () => {
    const result = rewriteHugoShortcodes('{{< figure\n  src="a.png"\n  alt="A"\n>}}\nText', context);
    expect(result.markdown).toBe('<figure><img src="a.png" alt="A"></figure>\n\n\n\nText');
    expect(html(result.markdown)).toContain('<p>Text</p>');
  });

  it('takes figure attributes quoted with backticks, and a self-closing figure', () => {
    const result = rewriteHugoShortcodes('{{< figure src=`x.png` caption=`Cap` />}}', context);
    expect(result.markdown).toBe('<figure><img src="x.png" alt="Cap"><figcaption>Cap</figcaption></figure>');
  });

  it('turns youtube and vimeo into links to the video page', () => {
    const body = '{{< youtube w7Ft2ymGmfc >}}\n{{< youtube id="abc" title="A [talk]" >}}\n{{% vimeo 146022717 %}}';
    const result = rewriteHugoShortcodes(body, context);
    expect(result.markdown).toBe(
      '[YouTube video](https://www.youtube.com/watch?v=w7Ft2ymGmfc)\n[A \\[talk\\]](https://www.youtube.com/watch?v=abc)\n[Vimeo video](https://vimeo.com/146022717)',
    );
    expect(html(result.markdown)).toContain('<a href="https://www.youtube.com/watch?v=abc">A [talk]</a>');
  });

  it('resolves ref and relref to permalinks, keeping a fragment, and warns about unknown posts', () => {
    const body = '[a]({{< ref "posts/my-post.md" >}}) [b]({{< relref "my-post#part-2" >}})\n[c]({{< ref "gone.md" >}})';
    const result = rewriteHugoShortcodes(body, context);
    expect(result.markdown).toBe('[a](https://example.org/blog/my-post/) [b](https://example.org/blog/my-post/#part-2)\n[c]()');
    expect(result.warnings).toEqual([
      { line: 2, code: 'unresolved-reference', message: 'Shortcode {{< ref >}} on line 2 left out: no post gone.md to link to' },
    ]);
  });

  it('turns a paired highlight into a fenced block, escaped shortcodes inside written literally', () => {
    const body = '{{< highlight go "linenos=table" >}}\n# heading?\n{{</* figure src="x.png" */>}}\n{{< /highlight >}}';
    const result = rewriteHugoShortcodes(body, context);
    expect(result.markdown).toBe('```go\n# heading?\n{{< figure src="x.png" >}}\n```');
    expect(result.warnings).toEqual([]);
    const rendered = html(result.markdown);
    expect(rendered).toContain('<pre><code class="language-go">');
    expect(rendered).not.toContain('<h1');
  });

  it('writes escaped shortcodes of both kinds as the shortcode they show', () => {
    const result = rewriteHugoShortcodes('Write {{</* youtube id */>}} or {{%/* notice */%}}.', context);
    expect(result.markdown).toBe('Write {{< youtube id >}} or {{% notice %}}.');
    expect(result.warnings).toEqual([]);
  });

  it('unwraps other paired shortcodes, keeping the content, one warning per name at its first line', () => {
    const body = ['{{% notice tip %}}', '**Bold** advice', '{{% /notice %}}', '', '{{< notice >}}again{{< /notice >}}', '{{< details summary="More" >}}', 'Hidden', '{{< /details >}}'].join('\n');
    const result = rewriteHugoShortcodes(body, context);
    expect(result.markdown).toBe(['', '**Bold** advice', '', '', 'again', '', 'Hidden', ''].join('\n'));
    expect(result.warnings).toEqual([
      { line: 1, code: 'shortcode', message: 'Shortcode {{< notice >}} on line 1 left out, the content between its tags kept: postfeed does not run templates' },
      { line: 6, code: 'shortcode', message: 'Shortcode {{< details >}} on line 6 left out, the content between its tags kept: postfeed does not run templates' },
    ]);
    expect(html(result.markdown)).toContain('<strong>Bold</strong>');
  });

  it('leaves out unknown standalone and self-closing shortcodes and stray closers, with warnings', () => {
    const result = rewriteHugoShortcodes('a {{< param "x" >}}\n{{< gallery />}}\n{{< /notice >}}', context);
    expect(result.markdown).toBe('a \n\n');
    expect(where(result)).toEqual(['shortcode@1', 'shortcode@2', 'shortcode@3']);
  });

  it('keeps an opener that is never closed as text', () => {
    const result = rewriteHugoShortcodes('a {{< figure src="x"\n\n{{< youtube abc >}}', context);
    expect(result.markdown).toBe('a {{< figure src="x"\n\n[YouTube video](https://www.youtube.com/watch?v=abc)');
    expect(where(result)).toEqual(['shortcode@1']);
  });
});

describe('Zola shortcodes', () => {
  it('turns youtube and vimeo calls into links', () => {
    const result = rewriteZolaShortcodes('{{ youtube(id="dQw4w9WgXcQ", autoplay=true) }}\n{{ vimeo(id=\'124313553\') }}', context);
    expect(result.markdown).toBe('[YouTube video](https://www.youtube.com/watch?v=dQw4w9WgXcQ)\n[Vimeo video](https://vimeo.com/124313553)');
    expect(result.warnings).toEqual([]);
  });

  it('reads arrays among the arguments whole: what is inside one is no argument', () => {
    const result = rewriteZolaShortcodes('{{ youtube(id="abc", pairs=[1, id=2]) }}', context);
    expect(result.markdown).toBe('[YouTube video](https://www.youtube.com/watch?v=abc)');
  });

  it('keeps the body of other body shortcodes and warns once per name', () => {
    const body = '{% quote(author="A, B") %}\nA *quote*\n{% end %}\n{% quote() %}two{% end %}\n{{ gallery(dir="x") }}';
    const result = rewriteZolaShortcodes(body, context);
    expect(result.markdown).toBe('\nA *quote*\n\ntwo\n');
    expect(result.warnings).toEqual([
      { line: 1, code: 'shortcode', message: 'Shortcode quote() on line 1 left out, the content between its tags kept: postfeed does not run templates' },
      { line: 5, code: 'shortcode', message: 'Shortcode gallery() on line 5 left out: postfeed does not run templates' },
    ]);
  });

  it('leaves braces that are not calls alone and writes escapes literally', () => {
    const result = rewriteZolaShortcodes('{{ not a call }} {% if x %} {{/* youtube(id="x") */}} {%/* note() */%}', context);
    expect(result.markdown).toBe('{{ not a call }} {% if x %} {{ youtube(id="x") }} {% note() %}');
    expect(result.warnings).toEqual([]);
  });

  it('keeps the text after a body shortcode with no end, and warns', () => {
    const result = rewriteZolaShortcodes('a\n{% note() %}\nrest', context);
    expect(result.markdown).toBe('a\n\nrest');
    expect(result.warnings).toEqual([
      { line: 2, code: 'shortcode', message: 'Shortcode note() on line 2 has no {% end %}: its tag left out, the text after it kept' },
    ]);
  });
});

describe('MDX (Docusaurus, Astro, Gatsby, Next.js)', () => {
  it('removes import and export statements, also over several lines, keeping the line count', () => {
    const body = [
      "import Tabs from '@theme/Tabs';",
      'import {',
      '  Chart,',
      '  Table,',
      "} from '../components'",
      'export const meta = {',
      "  title: 'x',",
      '};',
      '',
      'Text that imports nothing.',
      'import is a word here.',
    ].join('\n');
    const result = rewriteMdx(body, context);
    expect(result.markdown).toBe(['', '', '', '', '', '', '', '', '', 'Text that imports nothing.', 'import is a word here.'].join('\n'));
    expect(result.warnings).toEqual([]);
  });

  it('warns when a statement never closes its brackets, naming the lines removed', () => {
    const result = rewriteMdx("import {\n  A,\nText meant as prose\n\nKept.", context);
    expect(result.markdown).toBe('\n\n\n\nKept.');
    expect(result.warnings).toEqual([
      { line: 1, code: 'mdx-expression', message: 'The import statement on line 1 never closes its brackets: lines 1 to 3 left out' },
    ]);
  });

  it('removes comments, keeping the truncate marker as the HTML comment the summary looks for', () => {
    const result = rewriteMdx('First.\n\n{/* truncate */}\n\nMore {/* a\nnote */} here.', context);
    expect(result.markdown).toBe('First.\n\n<!-- truncate -->\n\nMore \n here.');
    expect(result.warnings).toEqual([]);
  });

  it('quotes admonitions with their label or title, keeping the Markdown inside renderable', () => {
    const body = [':::note', 'Some **bold** text.', '', '- a list', ':::', '', ':::tip[Pro tip]', 'Use it.', ':::', ':::danger Take care', 'x', ':::'].join('\n');
    const result = rewriteMdx(body, context);
    expect(result.markdown).toBe(
      ['> **Note:**', '> Some **bold** text.', '>', '> - a list', '', '', '> **Pro tip**', '> Use it.', '', '> **Take care**', '> x', ''].join('\n'),
    );
    const rendered = html(result.markdown);
    expect(rendered).toContain('<blockquote>\n<p><strong>Note:</strong>\nSome <strong>bold</strong> text.</p>\n<ul>\n<li>a list</li>\n</ul>\n</blockquote>');
    expect(rendered.match(/<blockquote>/g)).toHaveLength(3);
  });

  it('nests admonitions with more colons outside, and quotes a code block inside one', () => {
    const body = ['::::info', 'Outer', '', ':::warning', 'Inner', ':::', '```js', ':::', '```', '::::', 'after'].join('\n');
    const result = rewriteMdx(body, context);
    expect(result.markdown).toBe(['> **Info:**', '> Outer', '>', '> > **Warning:**', '> > Inner', '>', '> ```js', '> :::', '> ```', '', 'after'].join('\n'));
    expect(html(result.markdown)).toContain('<pre><code class="language-js">:::\n</code></pre>');
  });

  it('runs an unclosed admonition to the end of the post and warns', () => {
    const result = rewriteMdx('a\n\n:::caution\nrest', context);
    expect(result.markdown).toBe('a\n\n> **Caution:**\n> rest');
    expect(where(result)).toEqual(['mdx-component@3']);
  });

  it('unwraps other directives, keeping their content, with a warning', () => {
    const result = rewriteMdx(':::details\nHidden\n:::', context);
    expect(result.markdown).toBe('\nHidden\n');
    expect(where(result)).toEqual(['mdx-component@1']);
  });

  it('unwraps JSX components, keeping their Markdown children, one warning per name at its first line', () => {
    const body = [
      '<Tabs>',
      '<TabItem value="apple" label="Apple" default>',
      '',
      'An **apple**.',
      '',
      '</TabItem>',
      '<TabItem',
      '  value="pear"',
      '  label={`Pear ${n > 1 ? "s" : ""}`}>',
      '',
      'A pear. <Highlight color="#f00">Red</Highlight> <Foo.Bar x=">" /> <>frag</>',
      '',
      '</TabItem>',
      '</Tabs>',
    ].join('\n');
    const result = rewriteMdx(body, context);
    expect(result.markdown).toBe(['', '', '', 'An **apple**.', '', '', '', '', '', '', 'A pear. Red  frag', '', '', ''].join('\n'));
    expect(result.warnings.map((warning) => [warning.line, warning.message])).toEqual([
      [1, 'MDX component <Tabs> on line 1 left out, any content between its tags kept: postfeed does not run components'],
      [2, 'MDX component <TabItem> on line 2 left out, any content between its tags kept: postfeed does not run components'],
      [11, 'MDX component <Highlight> on line 11 left out, any content between its tags kept: postfeed does not run components'],
      [11, 'MDX component <Foo.Bar /> on line 11 left out, any content between its tags kept: postfeed does not run components'],
    ]);
    expect(html(result.markdown)).toContain('<p>An <strong>apple</strong>.</p>');
  });

  it('dedents children indented inside components, which MDX never reads as indented code', () => {
    const body = ['<Tabs>', '  <TabItem value="a">', '    An apple:', '', '    - red', '      - and round', '', '    ```js', '    eat();', '    ```', '  </TabItem>', '</Tabs>', '', '    plain indented'].join('\n');
    const result = rewriteMdx(body, context);
    expect(result.markdown).toBe(['', '', 'An apple:', '', '- red', '  - and round', '', '```js', 'eat();', '```', '', '', '', '    plain indented'].join('\n'));
    const rendered = html(result.markdown);
    expect(rendered).toContain('<p>An apple:</p>');
    expect(rendered).toContain('<pre><code class="language-js">eat();\n</code></pre>');
  });

  it('leaves lowercase HTML alone, autolinks included', () => {
    const body = '<div class="x">A <b>bold</b> <a href="https://example.org/">link</a> a > b</div> <https://example.org/>';
    const result = rewriteMdx(body, context);
    expect(result.markdown).toBe(body);
    expect(result.warnings).toEqual([]);
  });

  it('keeps HTML elements without the attributes whose values are JavaScript, and warns', () => {
    const body = '<img src={logo} alt="Logo" {...rest} />\n<div style={{ color: "red" }}\n  class="x">y</div>';
    const result = rewriteMdx(body, context);
    expect(result.markdown).toBe('<img alt="Logo" />\n<div\n  class="x">y</div>');
    expect(result.warnings).toEqual([
      { line: 1, code: 'mdx-expression', message: 'MDX expression {logo} in <img> on line 1 left out: postfeed does not run JavaScript' },
      { line: 1, code: 'mdx-expression', message: 'MDX expression {...rest} in <img> on line 1 left out: postfeed does not run JavaScript' },
      { line: 2, code: 'mdx-expression', message: 'MDX expression {{ color: "red" }} in <div> on line 2 left out: postfeed does not run JavaScript' },
    ]);
  });

  it('leaves out JSX expressions with a warning naming each', () => {
    const result = rewriteMdx('Year {new Date().getFullYear()} and {props.name}.\n\n{props.name}', context);
    expect(result.markdown).toBe('Year  and .\n\n');
    expect(result.warnings).toEqual([
      { line: 1, code: 'mdx-expression', message: 'MDX expression {new Date().getFullYear()} on line 1 left out: postfeed does not run JavaScript' },
      { line: 1, code: 'mdx-expression', message: 'MDX expression {props.name} on line 1 left out: postfeed does not run JavaScript' },
    ]);
  });

  it('leaves fenced code blocks and inline code spans alone', () => {
    const body = ['Use `<Tabs>{x}</Tabs>` or ``a ` {b}``.', '', '~~~~jsx', "import X from 'x';", '<Tabs>{x}</Tabs>', ':::note', '~~~~', '```', '{/* kept */}', '```'].join('\n');
    const result = rewriteMdx(body, context);
    expect(result.markdown).toBe(body);
    expect(result.warnings).toEqual([]);
  });

  it('keeps the rest of a paragraph as written after a tag that never closes, and warns', () => {
    const result = rewriteMdx('a <Foo b="x\n\n<Bar>c</Bar>', context);
    expect(result.markdown).toBe('a <Foo b="x\n\nc');
    expect(where(result)).toEqual(['mdx-component@1', 'mdx-component@3']);
  });

  it('reads backslashes as escapes outside code spans only, as CommonMark does', () => {
    const result = rewriteMdx('\\`{a}` and `x\\` {b} \\``{c}`', context);
    // markdown-it reads the same spans: `{a}<code> and </code>x` {b} `<code>{c}</code>
    expect(result.markdown).toBe('\\`` and `x\\`  \\``{c}`');
    expect(where(result)).toEqual(['mdx-expression@1', 'mdx-expression@1']);
  });

  it('keeps escaped braces and angle brackets as text', () => {
    const result = rewriteMdx('Set \\{ and a < b and 3<4.', context);
    expect(result.markdown).toBe('Set \\{ and a < b and 3<4.');
    expect(result.warnings).toEqual([]);
  });
});

describe('names that are properties of every JavaScript object', () => {
  it('are unknown names like any other', () => {
    expect(where(rewriteHugoShortcodes('{{< constructor >}} {{< toString x >}}', context))).toEqual(['shortcode@1', 'shortcode@1']);
    expect(where(rewriteZolaShortcodes('{{ constructor() }}', context))).toEqual(['shortcode@1']);
    expect(where(rewriteLiquid('{% constructor %}{{ constructor }}', context))).toEqual(['template-tag@1', 'template-tag@1']);
    const mdx = rewriteMdx(':::constructor\nx\n:::\n<hasOwnProperty />', context);
    expect(mdx.markdown).toBe('\nx\n\n<hasOwnProperty />');
    expect(where(mdx)).toEqual(['mdx-component@1']);
  });
});

describe('hostile input: each rewrite is linear', () => {
  const SIZE = 200_000;
  const nested = (open: string, close: string, times: number) => open.repeat(times) + close.repeat(times);
  const cases: Array<[string, () => unknown]> = [
    ['Liquid: {% with no %}', () => rewriteLiquid('{%'.repeat(SIZE / 2), context)],
    ['Liquid: {{ with no }}', () => rewriteLiquid('{{ a '.repeat(SIZE / 5), context)],
    ['Liquid: unclosed raw', () => rewriteLiquid(`{% raw %}${'{% x %}'.repeat(SIZE / 7)}`, context)],
    ['Liquid: unclosed comments', () => rewriteLiquid('{% comment %}'.repeat(SIZE / 13), context)],
    ['Liquid: unclosed highlights', () => rewriteLiquid('{% highlight x %}`'.repeat(SIZE / 18), context)],
    ['Liquid: whitespace inside almost-end tags', () => rewriteLiquid(`{% raw %}${`{%-${' '.repeat(1000)}endra`.repeat(SIZE / 1010)}`, context)],
    ['Liquid: base URLs before links', () => rewriteLiquid('{{ site.url }}{% link a.pdf %}'.repeat(SIZE / 30), context)],
    ['Liquid: many tags on one line', () => rewriteLiquid('{% highlight a %}   {% endhighlight %}'.repeat(SIZE / 38), context)],
    ['Hugo: {{< with no >}}', () => rewriteHugoShortcodes('{{<'.repeat(SIZE / 3), context)],
    ['Hugo: escapes with no end', () => rewriteHugoShortcodes('{{</*'.repeat(SIZE / 5), context)],
    ['Hugo: nested pairs', () => rewriteHugoShortcodes(nested('{{< a >}}', '{{< /a >}}', SIZE / 20), context)],
    ['Hugo: unclosed quotes in arguments', () => rewriteHugoShortcodes(`{{< figure src="${'\\"'.repeat(SIZE / 2)} >}}`, context)],
    ['Zola: calls with no end', () => rewriteZolaShortcodes('{{ a('.repeat(SIZE / 5), context)],
    ['Zola: body shortcodes with no end', () => rewriteZolaShortcodes('{% a() %}'.repeat(SIZE / 9), context)],
    ['MDX: 10,000 nested components', () => rewriteMdx(nested('<Foo>', '</Foo>', 10_000), context)],
    ['MDX: tags with no >', () => rewriteMdx('<a b="'.repeat(SIZE / 6), context)],
    ['MDX: lowercase tags with no >', () => rewriteMdx('<a<b '.repeat(SIZE / 5), context)],
    ['MDX: braces with no end', () => rewriteMdx('{'.repeat(SIZE), context)],
    ['MDX: comments with no end', () => rewriteMdx('{/*'.repeat(SIZE / 3), context)],
    ['MDX: backtick runs of every length', () => rewriteMdx(Array.from({ length: 600 }, (_, n) => '`'.repeat(n + 1)).join(' '), context)],
    ['MDX: admonitions with no end', () => rewriteMdx(':::note\n'.repeat(SIZE / 8), context)],
    ['MDX: imports that never end', () => rewriteMdx(`import {\n${'a,\n'.repeat(SIZE / 3)}`, context)],
    ['MDX: spreads in an HTML tag', () => rewriteMdx(`<a${' {x}'.repeat(SIZE / 4)}>`, context)],
    ['MDX: attribute values with no end', () => rewriteMdx('<a b={'.repeat(SIZE / 6), context)],
    ['MDX: white space before attribute values', () => rewriteMdx(`<a${`${' '.repeat(100)}={x}`.repeat(SIZE / 104)}>`, context)],
    ['MDX: paragraphs', () => rewriteMdx('a {b} <C>\n\n'.repeat(SIZE / 12), context)],
  ];
  it.each(cases)('%s: under 2 s on 200 KB', (_name, work) => {
    work(); // warm up: compile the patterns
    const started = performance.now();
    work();
    expect((performance.now() - started) / 1000).toBeLessThan(2);
  });
});
