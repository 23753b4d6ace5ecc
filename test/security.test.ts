// No script reaches a feed: OWASP XSS filter-evasion vectors, code-running YAML, prototype keys.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import { makeProject, parseXml, post, ROOT, text } from './helpers.js';

/** Patterns that would run script or load active content if a reader rendered the HTML. */
const DANGEROUS = [
  /<\s*(script|iframe|frame|frameset|object|embed|applet|base|meta|link|style|form|input|button|svg|math|xml|bgsound|body|textarea)\b/i,
  /\son[a-z]+\s*=/i,
  /=\s*["']?\s*(javascript|vbscript|data|livescript)\s*:/i,
  /\s(style|srcdoc|formaction|background|dynsrc|lowsrc|xlink:href)\s*=/i,
  /expression\s*\(/i,
];

describe('OWASP XSS vectors', () => {
  it('never reach any feed, and the removal is reported with the file', async () => {
    const cwd = makeProject({ 'xss.md': readFileSync(path.join(ROOT, 'test', 'fixtures', 'xss-vectors.md')) });
    const result = await build({ cwd });
    expect(result.ok).toBe(true);
    const [rss, atom, json] = result.files.map((file) => file.contents);
    const contents = [
      text(parseXml(rss!).rss.channel.item[0]['content:encoded']),
      text(parseXml(atom!).feed.entry[0].content),
      JSON.parse(json!).items[0].content_html as string,
    ];
    for (const html of contents) {
      for (const pattern of DANGEROUS) expect(html).not.toMatch(pattern);
      expect(html).toContain('This sentence must survive: safe text &amp; a <a href="https://example.org/ok">safe link</a>.');
    }
    // Titles, summaries and tags are text: the markup in them is shown, never interpreted.
    expect(JSON.parse(json!).items[0].title).toBe("XSS vectors <script>alert('title')</script>");
    const atomTitle = parseXml(atom!).feed.entry[0].title;
    expect(atomTitle['@type']).toBe('text');
    expect(text(atomTitle)).toBe("XSS vectors <script>alert('title')</script>");
    expect(rss).toContain("<title>XSS vectors &#x3C;script&gt;alert('title')&#x3C;/script&gt;</title>");
    expect(text(parseXml(rss!).rss.channel.item[0].description)).not.toContain('<img');
    const warning = result.diagnostics.find((d) => d.field === 'body');
    expect(warning).toMatchObject({ severity: 'warning', file: path.join('posts', 'xss.md') });
    expect(warning?.message).toMatch(/<script>/);
  });
});

describe('front matter that tries to become code or objects', () => {
  it('leaves Object.prototype alone for __proto__ and constructor keys', async () => {
    const cwd = makeProject({
      'proto.md': post('title: P\ndate: 2023-07-01\n__proto__:\n  polluted: yes\nconstructor:\n  prototype:\n    polluted: yes\nprototype: x'),
    });
    const result = await build({ cwd });
    expect(result.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(result.diagnostics.map((d) => [d.field, d.severity])).toEqual([
      ['__proto__', 'warning'],
      ['constructor', 'warning'],
      ['prototype', 'warning'],
    ]);
  });
});
