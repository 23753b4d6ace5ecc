// The config: one schema with its defaults, errors that name the key, flags and env on top.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, ConfigSchema } from '../src/index.js';
import { configJsonSchema } from '../src/config/json-schema.js';
import { BASE_CONFIG, makeProject, post, ROOT, runCli } from './helpers.js';

const onePost = { 'a.md': post('title: A\ndate: 2023-07-01') };

describe('config errors name the key', () => {
  it.each([
    [{ baseUrl: '/relative/' }, 'baseUrl', /must be an absolute URL that starts with https:\/\/ or http:\/\//],
    [{ baseUrl: 'ftp://example.com/' }, 'baseUrl', /must be an http or https URL, not ftp:/],
    [{ timeZone: 'Mars/Olympus' }, 'timeZone', /IANA time zone/],
    [{ limit: -1 }, 'limit', /0 \(all posts\) or more/],
    [{ limit: 2.5 }, 'limit', /must be a whole number, found number/],
    [{ language: 'not a language!' }, 'language', /BCP 47/],
    [{ title: 42 }, 'title', /must be text, found number/],
    [{ author: { name: '' } }, 'author.name', /must not be empty/],
    [{ author: { name: 'A', email: 'nope' } }, 'author.email', /must be an e-mail address/],
    [{ content: 'everything' }, 'content', /full|summary/],
    [{ permalink: 'posts/:slug' }, 'permalink', /starting with "\/"/],
    [{ permalink: '/posts/' }, 'permalink', /:slug/],
    [{ output: { rss: '../escape.xml' } }, 'output.rss', /plain file name/],
    [{ titel: 'typo' }, '(root)', /unknown key\(s\): titel/],
  ])('%j → %s', async (override, field, message) => {
    const cwd = makeProject(onePost, override as object);
    const result = await build({ cwd });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'error', file: 'postfeed.config.json', field, message: expect.stringMatching(message) }),
    );
  });

  it('reports a missing required key', async () => {
    const cwd = makeProject(onePost);
    const { baseUrl: _dropped, ...rest } = BASE_CONFIG;
    writeFileSync(path.join(cwd, 'postfeed.config.json'), JSON.stringify(rest));
    const result = await build({ cwd });
    expect(result.diagnostics).toEqual([expect.objectContaining({ field: 'baseUrl' })]);
  });

  it('reports a missing config file and malformed JSON with its line', async () => {
    const cwd = makeProject(onePost);
    writeFileSync(path.join(cwd, 'postfeed.config.json'), '{\n  "title": "x",\n  oops\n}');
    const malformed = await build({ cwd });
    expect(malformed.diagnostics).toEqual([expect.objectContaining({ file: 'postfeed.config.json', line: 3, field: 'config' })]);
    rmSync(path.join(cwd, 'postfeed.config.json'));
    const missing = await build({ cwd });
    expect(missing.diagnostics).toEqual([expect.objectContaining({ field: 'config', message: expect.stringMatching(/not found/) })]);
  });
});

describe('defaults live in the schema', () => {
  it('fills every default from ConfigSchema', () => {
    const parsed = ConfigSchema.parse({ title: 'T', baseUrl: 'https://x.example/', author: { name: 'A' } });
    expect(parsed).toMatchObject({
      limit: 20,
      content: 'full',
      timeZone: 'UTC',
      language: 'en',
      permalink: '/:year/:month/:day/:slug/',
      posts: 'posts',
      out: 'dist',
      output: { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' },
    });
  });

  it('ships a JSON Schema that matches the config schema', () => {
    const shipped = JSON.parse(readFileSync(path.join(ROOT, 'postfeed.schema.json'), 'utf8'));
    expect(shipped).toEqual(configJsonSchema());
    expect(shipped.required).toEqual(expect.arrayContaining(['title', 'baseUrl', 'author']));
  });
});

describe('flags and environment over the config file', () => {
  it('--base-url and POSTFEED_BASE_URL move every URL (deploy previews)', () => {
    const cwd = makeProject(onePost);
    const byFlag = runCli(cwd, ['build', '--base-url', 'https://preview-1.example.net/', '--quiet']);
    expect(byFlag.status).toBe(0);
    const fromFlag = readFileSync(path.join(cwd, 'dist', 'feed.json'), 'utf8');
    expect(fromFlag).toContain('https://preview-1.example.net/posts/a/');
    expect(fromFlag).not.toContain('https://example.com/');

    const byEnv = runCli(cwd, ['build', '--quiet'], { POSTFEED_BASE_URL: 'https://preview-2.example.net/' });
    expect(byEnv.status).toBe(0);
    expect(readFileSync(path.join(cwd, 'dist', 'atom.xml'), 'utf8')).toContain('https://preview-2.example.net/posts/a/');
  });

  it('--limit, --posts, --out and --config', () => {
    const cwd = makeProject({
      'a.md': post('title: A\ndate: 2023-07-01'),
      'b.md': post('title: B\ndate: 2023-07-02'),
      'c.md': post('title: C\ndate: 2023-07-03'),
    });
    writeFileSync(path.join(cwd, 'other.json'), JSON.stringify({ ...BASE_CONFIG, title: 'Other' }));
    const run = runCli(cwd, ['build', '--limit', '2', '--posts', 'posts', '--out', 'public/feeds', '--config', 'other.json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const json = JSON.parse(readFileSync(path.join(cwd, 'public', 'feeds', 'feed.json'), 'utf8'));
    expect(json.title).toBe('Other');
    expect(json.items.map((item: { title: string }) => item.title)).toEqual(['C', 'B']);
  });
});

describe('content mode', () => {
  it('"summary" publishes the summary without the full HTML, in every format', async () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2023-07-01\ndescription: Short.', 'The **full** body.') }, { content: 'summary' });
    const result = await build({ cwd });
    expect(result.ok).toBe(true);
    const [rss, atom, json] = result.files.map((file) => file.contents) as [string, string, string];
    expect(rss).not.toContain('content:encoded');
    expect(rss).toContain('<description><![CDATA[Short.]]></description>');
    expect(atom).not.toContain('<content');
    expect(atom).toContain('<summary type="text">Short.</summary>');
    expect(JSON.parse(json).items[0]).toMatchObject({ summary: 'Short.', content_text: 'Short.' });
    expect(JSON.parse(json).items[0].content_html).toBeUndefined();
    for (const output of [rss, atom, json]) expect(output).not.toContain('full');
  });
});
