// The HTML a post's content carries: valid HTML for void elements, nothing that reaches into the
// reader's page (ids, names, classes), no silent U+FFFD, and warnings that point at the right line.
// Read back through htmlparser2's DOM, not through the renderer's own code.
import path from 'node:path';
import { parseDocument, DomUtils } from 'htmlparser2';
import type { Element } from 'domhandler';
import { describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import { makeProject, post, runCli } from './helpers.js';

async function render(body: string) {
  const cwd = makeProject({ 'x.md': post('title: X\ndate: 2023-07-01', body) });
  const result = await build({ cwd });
  expect(result.ok).toBe(true);
  const json = result.files.find((file) => file.format === 'json')!;
  const html = JSON.parse(json.contents).items[0].content_html as string;
  const body_ = result.diagnostics.filter((d) => d.field === 'body');
  return { html, elements: DomUtils.findAll(() => true, parseDocument(html).children) as Element[], warnings: body_ };
}

const VOID_ELEMENTS = ['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'];

describe('void elements', () => {
  it('are written without end tags or a self-closing slash, in Markdown and raw HTML alike', async () => {
    const body = [
      '<picture><source srcset="a.webp" type="image/webp"><img src="a.png" alt="A"></picture>',
      '',
      '<video src="v.mp4" controls><track src="t.vtt" kind="captions"></video>',
      '',
      '<p>long<wbr>word<br/>next</p>',
      '',
      '<table><colgroup><col><col></colgroup><tr><td>1</td><td>2</td></tr></table>',
      '',
      '<hr/>',
      '',
      'Markdown ![b](b.png)  ',
      'break',
    ].join('\n');
    const { html, elements } = await render(body);
    for (const name of VOID_ELEMENTS) expect(html).not.toContain(`</${name}>`);
    expect(html).not.toContain('/>');
    // Every void element parses as an empty element, and what follows it is its sibling.
    for (const element of elements.filter((e) => VOID_ELEMENTS.includes(e.name))) expect(element.children).toEqual([]);
    const picture = elements.find((e) => e.name === 'picture')!;
    expect(picture.children.map((child) => (child as Element).name)).toEqual(['source', 'img']);
    expect(elements.filter((e) => e.name === 'col')).toHaveLength(2);
    expect(elements.map((e) => e.name).filter((name) => VOID_ELEMENTS.includes(name))).toEqual([
      'source', 'img', 'track', 'wbr', 'br', 'col', 'col', 'hr', 'img', 'br',
    ]);
  });
});

describe('ids, names and classes', () => {
  it('never reach a reader page; code keeps its language class; fragment links go to the post', async () => {
    const body = [
      '<h2 id="top" class="hero">Top</h2>',
      '',
      'See the note<sup><a href="#fn1" id="ref1" class="footnote-ref">1</a></sup> and <a name="anchor">here</a>.',
      '',
      '<pre><code class="language-js hljs">let x;</code></pre>',
      '',
      '```c++',
      'int x;',
      '```',
      '',
      '<ol><li id="fn1" class="footnote">A note. <a href="#ref1">↩</a></li></ol>',
    ].join('\n');
    const { elements, warnings } = await render(body);
    for (const element of elements) {
      expect(Object.keys(element.attribs)).not.toContain('id');
      expect(Object.keys(element.attribs)).not.toContain('name');
      if (element.name !== 'code') expect(Object.keys(element.attribs)).not.toContain('class');
    }
    expect(elements.filter((e) => e.name === 'code').map((e) => e.attribs.class)).toEqual(['language-js', 'language-c++']);
    expect(elements.filter((e) => e.name === 'a' && e.attribs.href).map((e) => e.attribs.href)).toEqual([
      'https://example.com/blog/posts/x/#fn1',
      'https://example.com/blog/posts/x/#ref1',
    ]);
    // They only style the site's own pages: dropped without a warning (real sites carry them on most posts).
    expect(warnings).toEqual([]);
  });
});

describe('character references to noncharacters and surrogates', () => {
  it('are removed and named in the warning, in Markdown text and raw HTML, never turned into U+FFFD', async () => {
    const body = [
      'Text &#xFFFE; and &#xD800; and &#xFFFF; and &#65534; end.',
      '',
      '<p title="a&#xDFFF;b">raw &#xD800; &#0; &#x110000; &#xFDD0; kept: &#x93;quoted&#x94; &#xFFFD;</p>',
    ].join('\n');
    const { html, elements, warnings } = await render(body);
    const texts = elements.map((e) => DomUtils.textContent(e)).join('|');
    expect(texts).toContain('Text  and  and  and  end.');
    expect(texts).toContain('raw     kept: \u201Cquoted\u201D \uFFFD');
    expect(elements.find((e) => e.attribs.title !== undefined)?.attribs.title).toBe('ab');
    expect(html.match(/\uFFFD/g)).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('character references to U+FFFE, U+D800, U+FFFF, U+DFFF, U+0000, U+110000, U+FDD0');
    expect(warnings[0]!.code).toBe('content-removed');
  });
});

describe('the "removed" warning', () => {
  it('points at the line of the first thing removed, not at the body', async () => {
    const lines = [
      'Clean first paragraph.', // file line 6
      '',
      'Another clean one',
      'with a second line and <b>bold</b>',
      'and an <iframe src="x"></iframe> on its third line.', // file line 10
      '',
      '<div>',
      '<p>fine</p>',
      '<script>alert(1)</script>', // file line 14
      '</div>',
    ];
    const { warnings } = await render(lines.join('\n'));
    expect(warnings).toMatchObject([{ severity: 'warning', code: 'content-removed', line: 10 }]);
    expect(warnings[0]!.message).toMatch(/<iframe>.*<script>/);

    const { warnings: blockOnly } = await render(lines.slice(6).join('\n'));
    expect(blockOnly).toMatchObject([{ line: 8 }]);
  });
});

describe('srcset and style attributes that sanitize-html cannot parse', () => {
  it('become a warning and never reach standard output, even with --quiet', async () => {
    const body = [
      '<img src="a.png" srcset="a.png 1q, b.png 2x" alt="A">',
      '',
      '<img src="c.png" srcset="c.png 100w 2x" alt="C">',
      '',
      '<table><tr><td style="}{ color: red">x</td><td style="text-align: right">y</td></tr></table>',
    ].join('\n');
    const cwd = makeProject({ 'x.md': post('title: X\ndate: 2023-07-01', body) });
    const quiet = runCli(cwd, ['--quiet']);
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).not.toMatch(/srcset|Failed to parse|1q/);
    const loud = runCli(cwd);
    expect(loud.status).toBe(0);
    expect(loud.stdout).not.toMatch(/srcset|Failed to parse|1q/);
    expect(loud.stderr).toMatch(
      new RegExp(`^${path.join('posts', 'x.md')}:6: warning: body: removed from the feed content.*srcset="a.png 1q, b.png 2x".*srcset="c.png 100w 2x"`, 'm'),
    );
    expect(loud.stderr).not.toMatch(/Invalid srcset|Failed to parse/);
  });
});

describe('a post that removes many different things', () => {
  it('names the first eight and ends the list with "…"', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `<a href="javascript:x${i}">a</a> &#x${(0x110000 + i).toString(16)}; <span title="&#x${(0x110000 + i).toString(16)};">b</span>`);
    const { warnings } = await render(`Start.\n\n${lines.join('\n')}`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.line).toBe(8);
    expect(warnings[0]!.message).toMatch(/^removed from the feed content, unsafe or not allowed in feeds: (href="javascript:x\d+", ){7}href="javascript:x\d+", …$/);
  });
});
