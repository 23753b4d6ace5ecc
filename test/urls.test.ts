// Every URL in feed content is absolute, resolved against the post's own permalink; nothing that
// can run script survives.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import { makeProject, post, SHARED, tempDir } from './helpers.js';

async function contentOf(body: string, permalink = '/posts/:slug/') {
  const cwd = makeProject({ 'x.md': post('title: X\ndate: 2023-07-01', body) }, { permalink });
  const result = await build({ cwd });
  expect(result.ok).toBe(true);
  return { html: JSON.parse(result.files[2]!.contents).items[0].content_html as string, result };
}

/** Every URL-valued attribute in `html`, via a regex independent of the renderer's own code. */
function urlAttributes(html: string): Array<[string, string]> {
  return [...html.matchAll(/\s(href|src|srcset|poster|cite|data|action)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]);
}

describe('URL absolutization', () => {
  it('resolves Markdown links and images against the permalink, trailing slash included', async () => {
    const body = '[up](../other/) [same](img/a.png) [root](/about/) [frag](#s2) [abs](https://x.example/) [mail](mailto:a@b.example) ![pic](img/p.png)';
    const withSlash = await contentOf(body);
    expect(urlAttributes(withSlash.html)).toEqual([
      ['href', 'https://example.com/blog/posts/other/'],
      ['href', 'https://example.com/blog/posts/x/img/a.png'],
      ['href', 'https://example.com/about/'],
      ['href', 'https://example.com/blog/posts/x/#s2'],
      ['href', 'https://x.example/'],
      ['href', 'mailto:a@b.example'],
      ['src', 'https://example.com/blog/posts/x/img/p.png'],
    ]);
    // Without the trailing slash, `img/a.png` is a sibling of the post, not a child.
    const withoutSlash = await contentOf('[same](img/a.png) [frag](#s2)', '/posts/:slug');
    expect(urlAttributes(withoutSlash.html)).toEqual([
      ['href', 'https://example.com/blog/posts/img/a.png'],
      ['href', 'https://example.com/blog/posts/x#s2'],
    ]);
  });

  it('resolves raw HTML attributes: src, srcset, poster, cite', async () => {
    const body = [
      '<figure><img src="a.png" srcset="a.png 1x, b/a@2x.png 2x" alt="a"><figcaption>c</figcaption></figure>',
      '',
      '<video poster="p.jpg" src="/v.mp4" controls></video>',
      '',
      '<blockquote cite="../source/">q</blockquote>',
      '',
      '<picture><source srcset="w.webp 480w,w2.webp 800w" type="image/webp"><img src="w.jpg"></picture>',
    ].join('\n');
    const { html } = await contentOf(body);
    expect(urlAttributes(html)).toEqual([
      ['src', 'https://example.com/blog/posts/x/a.png'],
      ['srcset', 'https://example.com/blog/posts/x/a.png 1x, https://example.com/blog/posts/x/b/a@2x.png 2x'],
      ['poster', 'https://example.com/blog/posts/x/p.jpg'],
      ['src', 'https://example.com/v.mp4'],
      ['cite', 'https://example.com/blog/posts/source/'],
      ['srcset', 'https://example.com/blog/posts/x/w.webp 480w, https://example.com/blog/posts/x/w2.webp 800w'],
      ['src', 'https://example.com/blog/posts/x/w.jpg'],
    ]);
  });
});

describe('sanitization', () => {
  it('removes script, event handlers and javascript: URLs, and says so', async () => {
    const body = [
      '<script>alert(1)</script>',
      '<img src="x.png" onerror="alert(2)">',
      '<a href="javascript:alert(3)">j</a> <a href=" JaVaScRiPt:alert(4)">k</a> <a href="vbscript:x">v</a>',
      '<a href="data:text/html,<script>alert(5)</script>">d</a>',
      '<iframe srcdoc="<script>alert(6)</script>"></iframe>',
      '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/">',
      '<form action="https://evil.example/"><input name="x"></form>',
      '<svg onload="alert(7)"></svg><math><mi xlink:href="javascript:alert(8)">m</mi></math>',
      '<style>body{display:none}</style><p style="background:url(javascript:alert(9))">styled</p>',
    ].join('\n');
    const { html, result } = await contentOf(body);
    expect(html).not.toMatch(/<script|onerror|onload|javascript:|vbscript:|data:text|<iframe|srcdoc|<base|<meta|<form|<input|<style|<svg|style=/i);
    expect(html).toContain('styled');
    const warning = result.diagnostics.find((d) => d.severity === 'warning' && d.field === 'body');
    expect(warning?.file).toBe(path.join('posts', 'x.md'));
    expect(warning?.message).toMatch(/<script>/);
    expect(warning?.message).toMatch(/onerror= attribute/);
  });
});

describe('Markdown without raw HTML (rendered without the HTML sanitizer)', () => {
  it('drops unsafe link and image URLs and makes the rest absolute', async () => {
    const body = '[a](javascript:alert(1)) [b](JAVASCRIPT:alert(2)) ![c](data:image/png;base64,AAAA) [d](irc://x/y) <https://auto.example/x> [e](rel/)';
    const { html, result } = await contentOf(body);
    // markdown-it leaves a link with a script URL as plain text; no attribute may carry one.
    expect(html).not.toMatch(/="\s*(javascript|data|irc):/i);
    expect(urlAttributes(html)).toEqual([
      ['href', 'https://auto.example/x'],
      ['href', 'https://example.com/blog/posts/x/rel/'],
    ]);
    const warning = result.diagnostics.find((d) => d.field === 'body');
    expect(warning?.message).toMatch(/src="data:image\/png/);
    expect(warning?.message).toMatch(/href="irc:/);
  });
});

describe('a corpus from make-corpus.mjs', () => {
  it('leaves no relative URL in any feed', async () => {
    const dir = tempDir();
    const posts = path.join(dir, 'posts');
    execFileSync(process.execPath, [path.join(SHARED, 'bench', 'make-corpus.mjs'), '--count', '400', '--out', posts, '--quiet']);
    // The corpus reuses slugs on different dates, as archives do: dated permalinks keep them apart.
    const cwd = makeProject({}, { permalink: '/:year/:month/:day/:slug/' });
    const result = await build({ cwd, posts, limit: 0, now: new Date('2030-01-01T00:00:00Z') });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const json = JSON.parse(result.files[2]!.contents);
    expect(json.items.length).toBeGreaterThan(380);

    const offenders: string[] = [];
    const check = (where: string, value: string) => {
      for (const candidate of value.split(/,\s*/).map((part) => part.trim().split(/\s+/)[0]!)) {
        if (!/^(https?:\/\/[^/]|mailto:|tel:|ftp:\/\/)/.test(candidate)) offenders.push(`${where}: ${candidate}`);
      }
    };
    for (const file of result.files) {
      // Content HTML appears raw in JSON and in CDATA, so one scan of the decoded text covers all formats.
      const decoded = file.format === 'json' ? JSON.parse(file.contents).items.map((i: { content_html: string }) => i.content_html).join('\n') : file.contents;
      for (const [attribute, value] of urlAttributes(decoded)) check(`${file.path} ${attribute}`, value);
    }
    expect(offenders).toEqual([]);
  });
});
