// `postfeed init`: one small site per generator (test/fixtures/init/), copied to a temporary folder
// and initialized there. The written config must hold what the site's own config says, pass the
// schema and build the site's post; no site config is ever run; no config is replaced without --force.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { Terminal } from '../src/cli/terminal.js';
import { build, init } from '../src/index.js';
import { detectGenerator } from '../src/init/detect.js';
import { hugoPermalink, jekyllPermalink } from '../src/init/permalinks.js';
import { literalString, objectLiteral, shallowText } from '../src/init/script-literals.js';
import type { SiteEntry } from '../src/source/site-files.js';
import { ROOT, tempDir } from './helpers.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'init');
const SCHEMA = './node_modules/postfeed/postfeed.schema.json';

/** The fixture copied to a temporary folder of the same name (the name is the title's placeholder). */
function siteCopy(fixture: string): string {
  const dir = path.join(tempDir('postfeed-init-'), fixture);
  cpSync(path.join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

/** A site made of the given files (path → text) in a temporary folder named `name`. */
function makeSite(name: string, files: Record<string, string>): string {
  const dir = path.join(tempDir('postfeed-init-'), name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

async function runInit(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const terminal: Terminal = { stdout: (line) => out.push(line), stderr: (line) => err.push(line), interrupt: new AbortController(), writing: false };
  const status = await main(['init', ...args], terminal);
  return { status, stdout: out.join('\n'), stderr: err.join('\n') };
}

function writtenConfig(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, 'postfeed.config.json'), 'utf8')) as Record<string, unknown>;
}

/** Each fixture: the file that decides its generator, the config init must write, and the URL its one post then gets. */
const SITES: Record<string, { decidedBy: string; config: Record<string, unknown>; url: string }> = {
  jekyll: {
    decidedBy: '_config.yml',
    config: {
      $schema: SCHEMA,
      title: 'Jekyll fixture',
      baseUrl: 'https://jekyll.example.com/blog/',
      description: 'Posts from a Jekyll site',
      language: 'de-DE',
      author: { name: 'Jane Doe', email: 'jane@example.com' },
      timeZone: 'Europe/Berlin',
      conventions: 'jekyll',
      posts: '_posts',
      permalink: '/:categories/:year/:month/:slug.html',
      authors: '_data/authors.yml',
    },
    url: 'https://jekyll.example.com/blog/news/2023/07/hello.html',
  },
  hugo: {
    decidedBy: 'hugo.toml',
    config: {
      $schema: SCHEMA,
      title: 'Hugo fixture',
      baseUrl: 'https://hugo.example.com/',
      description: 'Posts from a Hugo site',
      language: 'en-US',
      author: { name: 'Hugo Author' },
      timeZone: 'America/New_York',
      conventions: 'hugo',
      posts: 'content/posts',
      permalink: '/posts/:year/:slug/',
    },
    url: 'https://hugo.example.com/posts/2023/hello/',
  },
  zola: {
    decidedBy: 'config.toml',
    config: {
      $schema: SCHEMA,
      title: 'Zola fixture',
      baseUrl: 'https://zola.example.com/',
      description: 'Posts from a Zola site',
      language: 'fr',
      author: { name: 'Zola Author' },
      timeZone: 'UTC',
      conventions: 'zola',
      posts: 'content/blog',
      permalink: '/blog/:slug/',
    },
    url: 'https://zola.example.com/blog/hello/',
  },
  astro: {
    decidedBy: 'astro.config.mjs',
    config: {
      $schema: SCHEMA,
      title: 'Astro fixture',
      baseUrl: 'https://astro.example.com/',
      description: 'Posts from an Astro site',
      language: 'en',
      author: { name: 'Astro fixture' },
      timeZone: 'UTC',
      conventions: 'astro',
      posts: 'src/content/blog',
      permalink: '/blog/:slug/',
    },
    url: 'https://astro.example.com/blog/hello/',
  },
  docusaurus: {
    decidedBy: 'docusaurus.config.js',
    config: {
      $schema: SCHEMA,
      title: 'Docusaurus fixture',
      baseUrl: 'https://docusaurus.example.com/site/',
      description: 'Posts from a Docusaurus site',
      language: 'en',
      author: { name: 'Docusaurus fixture' },
      timeZone: 'UTC',
      conventions: 'docusaurus',
      posts: 'blog',
      permalink: '/blog/:year/:month/:day/:slug',
      authors: 'blog/authors.yml',
    },
    url: 'https://docusaurus.example.com/site/blog/2023/07/01/hello',
  },
  eleventy: {
    decidedBy: 'eleventy.config.js',
    config: {
      $schema: SCHEMA,
      title: 'Eleventy fixture',
      baseUrl: 'https://eleventy.example.com/',
      description: 'Posts from an Eleventy site',
      language: 'en-GB',
      author: { name: 'Eleventy Author', email: 'author@eleventy.example.com', url: 'https://eleventy.example.com/about/' },
      timeZone: 'UTC',
      conventions: 'eleventy',
      posts: 'posts',
      permalink: '/posts/:slug/',
    },
    url: 'https://eleventy.example.com/posts/hello/',
  },
  gatsby: {
    decidedBy: 'gatsby-config.js',
    config: {
      $schema: SCHEMA,
      title: 'Gatsby fixture',
      baseUrl: 'https://gatsby.example.com/',
      description: 'Posts from a Gatsby site',
      language: 'en',
      author: { name: 'Gatsby Author' },
      timeZone: 'UTC',
      conventions: 'gatsby',
      posts: 'content/blog',
      permalink: '/:slug/',
    },
    url: 'https://gatsby.example.com/hello-world/',
  },
  next: {
    decidedBy: 'next.config.mjs',
    config: {
      $schema: SCHEMA,
      title: 'next',
      baseUrl: 'https://example.org/',
      language: 'en',
      author: { name: 'next' },
      timeZone: 'UTC',
      conventions: 'next',
      posts: '_posts',
      permalink: '/posts/:slug',
    },
    url: 'https://example.org/posts/hello',
  },
};

describe('postfeed init on a site of each generator', () => {
  for (const [generator, expected] of Object.entries(SITES)) {
    it(`${generator}: detects it by ${expected.decidedBy}, reads the site's values and writes a config that builds the post`, async () => {
      const dir = siteCopy(generator);
      const run = await runInit(['--dir', dir]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`(decided by ${expected.decidedBy})`);
      expect(writtenConfig(dir)).toEqual(expected.config);

      // The written file, as `postfeed build` reads it, with the generator's conventions.
      const result = await build({ cwd: dir, now: new Date('2024-01-01T00:00:00Z') });
      expect(result.diagnostics).toEqual([]);
      expect(JSON.parse(result.files.find((file) => file.format === 'json')!.contents).items.map((item: { url: string }) => item.url)).toEqual([expected.url]);
      expect(existsSync(path.join(dir, 'EXECUTED'))).toBe(false);
    });
  }

  it('each JavaScript fixture config does leave EXECUTED when it is run, so its absence above means init never ran it', () => {
    for (const [generator, { decidedBy }] of Object.entries(SITES)) {
      if (!/\.m?js$/.test(decidedBy)) continue;
      const dir = siteCopy(generator);
      spawnSync(process.execPath, [decidedBy], { cwd: dir });
      expect(existsSync(path.join(dir, 'EXECUTED')), generator).toBe(true);
    }
  });

  it('says which values are placeholders to check', async () => {
    const dir = siteCopy('next');
    const run = await runInit(['--dir', dir]);
    expect(run.stdout).toMatch(/^ {2}baseUrl +"https:\/\/example\.org\/" +placeholder$/m);
    expect(run.stdout).toMatch(/^ {2}title +"next" +placeholder$/m);
    expect(run.stdout).toContain('Check before the first build:');
    expect(run.stdout).toContain('  - baseUrl: no site URL found; set the address the site is published at');
    expect(run.stdout).toContain('  - author: no author name found; the site title stands in');
    expect(run.stdout).toMatch(/^ {2}posts +"_posts" +holds posts$/m);
  });

  it('names the file and key each value came from', async () => {
    const dir = siteCopy('jekyll');
    const run = await runInit(['--dir', dir]);
    expect(run.stdout).toMatch(/^ {2}baseUrl +"https:\/\/jekyll\.example\.com\/blog\/" +_config\.yml \(url \+ baseurl\)$/m);
    expect(run.stdout).toMatch(/^ {2}permalink +"\/:categories\/:year\/:month\/:slug\.html" +_config\.yml \(permalink\)$/m);
    expect(run.stdout).toMatch(/^Wrote .*postfeed\.config\.json\. Check the values above/m);
  });

  it('writes a plain folder of posts as "plain" and says no generator was found', async () => {
    const dir = siteCopy('plain');
    const run = await runInit(['--dir', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('No site generator detected');
    expect(writtenConfig(dir)).toMatchObject({ conventions: 'plain', posts: 'posts', baseUrl: 'https://example.org/', permalink: '/:year/:month/:day/:slug/' });
    expect((await build({ cwd: dir })).posts).toBe(1);
  });

  it('init() in the library proposes the same config and writes nothing', async () => {
    const dir = siteCopy('zola');
    const proposal = await init({ dir });
    expect(proposal).toMatchObject({ generator: 'zola', decidedBy: 'config.toml', config: SITES.zola!.config });
    expect(proposal.text).toBe(`${JSON.stringify(SITES.zola!.config, null, 2)}\n`);
    expect(proposal.lines[0]).toBe('Detected Zola (decided by config.toml).');
    expect(existsSync(path.join(dir, 'postfeed.config.json'))).toBe(false);
  });

  it('writes pretty JSON with a final newline, keys in a fixed order', async () => {
    const dir = siteCopy('jekyll');
    await runInit(['--dir', dir]);
    const text = readFileSync(path.join(dir, 'postfeed.config.json'), 'utf8');
    expect(text).toBe(`${JSON.stringify(SITES.jekyll!.config, null, 2)}\n`);
    expect(Object.keys(writtenConfig(dir))).toEqual(Object.keys(SITES.jekyll!.config));
  });
});

describe('site config variants', () => {
  const post = '---\ntitle: A post\ndate: 2023-07-01\n---\n\nText.\n';

  it('Jekyll: posts under collections_dir, the site e-mail for the author, the default date permalink', async () => {
    const dir = makeSite('collections', {
      '_config.yml': 'title: Collected\nurl: https://c.example\nemail: me@c.example\nauthor: Me\ncollections_dir: my_collections\n',
      'my_collections/_posts/2023-07-01-a.md': post,
    });
    await runInit(['--dir', dir]);
    expect(writtenConfig(dir)).toMatchObject({
      baseUrl: 'https://c.example/',
      author: { name: 'Me', email: 'me@c.example' },
      posts: 'my_collections/_posts',
      permalink: '/:categories/:year/:month/:day/:slug.html',
    });
  });

  it('Jekyll: a collections_dir outside the site is not followed', async () => {
    const dir = makeSite('escape', { '_config.yml': 'title: Escape\ncollections_dir: ../../elsewhere\n', '_posts/2023-07-01-a.md': post });
    const run = await runInit(['--dir', dir]);
    expect(writtenConfig(dir)).toMatchObject({ posts: '_posts' });
    expect(run.stdout).toContain("  - _config.yml (collections_dir): leaves the site's folder; ignored");
  });

  it('Hugo: config.yaml beside content/, keys in any case, permalinks by page kind, posts in content/blog', async () => {
    const dir = makeSite('hugo-legacy', {
      'config.yaml': 'BaseURL: https://h.example/\nTitle: Legacy\nauthor:\n  name: Hugh\n  email: hugh@h.example\npermalinks:\n  page:\n    blog: /:year/:month/:day/:slug/\n',
      'content/blog/a.md': post,
    });
    const run = await runInit(['--dir', dir]);
    expect(run.stdout).toContain('(decided by config.yaml)');
    expect(writtenConfig(dir)).toMatchObject({
      title: 'Legacy',
      baseUrl: 'https://h.example/',
      author: { name: 'Hugh', email: 'hugh@h.example' },
      posts: 'content/blog',
      permalink: '/:year/:month/:day/:slug/',
    });
  });

  it('Zola: posts directly in content/ when content/blog has none', async () => {
    const dir = makeSite('zola-flat', { 'zola.toml': 'base_url = "https://z.example"\ntitle = "Flat"\n', 'content/a.md': post, 'content/blog/.keep': '' });
    await runInit(['--dir', dir]);
    expect(writtenConfig(dir)).toMatchObject({ posts: 'content', permalink: '/:slug/' });
  });

  it("Astro: a folder of .mdx posts holds posts, since Astro's convention reads them", async () => {
    const dir = makeSite('astro-mdx', { 'astro.config.ts': 'export default {};\n', 'src/content/posts/a.mdx': post, 'src/content/blog/.keep': '' });
    const run = await runInit(['--dir', dir]);
    expect(writtenConfig(dir)).toMatchObject({ posts: 'src/content/posts', permalink: '/posts/:slug/' });
    expect(run.stdout).not.toContain('holds no posts');
  });

  it('Eleventy: metadata as a JavaScript module is read for literals only', async () => {
    const dir = makeSite('eleventy-js', {
      '.eleventy.js': 'module.exports = () => {};\n',
      'src/_data/metadata.js': [
        '// Don\'t run this: it only holds data.',
        'export default {',
        '  author: { name: "Ele", email: "ele@e.example", url: "https://e.example/ele/" },',
        '  title: "JS metadata",',
        '  url: "https://e.example/",',
        '  language: "nl",',
        '};',
        '',
      ].join('\n'),
      'blog/a.md': post,
    });
    await runInit(['--dir', dir]);
    expect(writtenConfig(dir)).toMatchObject({
      title: 'JS metadata',
      baseUrl: 'https://e.example/',
      language: 'nl',
      author: { name: 'Ele', email: 'ele@e.example', url: 'https://e.example/ele/' },
      posts: 'blog',
      permalink: '/blog/:slug/',
    });
  });
});

describe('postfeed init never replaces a config without --force', () => {
  it('exits 1 naming the file and --force, and leaves it as it was; --force replaces it', async () => {
    const dir = siteCopy('hugo');
    const target = path.join(dir, 'postfeed.config.json');
    writeFileSync(target, '{"title": "mine"}\n');
    const refused = await runInit(['--dir', dir]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/postfeed\.config\.json already exists; nothing written\. Run postfeed init --force to replace it\./);
    expect(refused.stdout).toBe('');
    expect(readFileSync(target, 'utf8')).toBe('{"title": "mine"}\n');

    const forced = await runInit(['--dir', dir, '--force']);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(/^Replaced .*postfeed\.config\.json/m);
    expect(writtenConfig(dir)).toEqual(SITES.hugo!.config);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('is in the help with its options', async () => {
    const out: string[] = [];
    const terminal: Terminal = { stdout: (line) => out.push(line), stderr: () => undefined, interrupt: new AbortController(), writing: false };
    expect(await main(['--help'], terminal)).toBe(0);
    expect(out.join('\n')).toMatch(/postfeed init: .*\n {2}--dir <path> .*\n {2}--force /);
  });

  it('refuses a --dir that is not a folder as a usage error', async () => {
    const run = await runInit(['--dir', path.join(tempDir(), 'missing')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--dir: ".*missing" is not a folder/);
  });
});

describe('values the site has that postfeed would refuse', () => {
  it('are dropped, named with their file, and replaced by placeholders', async () => {
    const dir = path.join(tempDir(), 'odd-site');
    mkdirSync(path.join(dir, '_posts'), { recursive: true });
    writeFileSync(
      path.join(dir, '_config.yml'),
      [
        'title: Odd site',
        'url: "javascript:alert(1)"',
        'timezone: Mars/Olympus_Mons',
        'lang: "not a language"',
        'author: { name: Odd, email: not-an-address }',
        'permalink: /:year/:i_month/:title/',
        '',
      ].join('\n'),
    );
    const run = await runInit(['--dir', dir]);
    expect(run.status).toBe(0);
    expect(writtenConfig(dir)).toMatchObject({
      baseUrl: 'https://example.org/',
      timeZone: 'UTC',
      language: 'en',
      author: { name: 'Odd' },
      permalink: '/:year/:slug/',
      posts: '_posts',
    });
    const checks = run.stdout.split('\n').filter((line) => line.startsWith('  - '));
    expect(checks).toEqual([
      '  - baseUrl: "javascript:alert(1)/" from _config.yml (url) must be an http or https URL, not javascript:; "https://example.org/" stands in',
      '  - language: "not a language" from _config.yml (lang) must be a BCP 47 language tag, like "en" or "en-GB"; "en" stands in',
      '  - author.email: "not-an-address" from _config.yml (author.email) must be an e-mail address, like "desk@example.org"; left out',
      '  - timeZone: "Mars/Olympus_Mons" from _config.yml (timezone) must be an IANA time zone name, like "UTC" or "Europe/Moscow"; "UTC" stands in',
      '  - posts: _posts/ holds no posts yet',
      '  - permalink "/:year/:i_month/:title/": dropped :i_month, which postfeed has no token for; check the URLs',
    ]);
  });

  it('a config the parser refuses leaves placeholders and says so', async () => {
    const dir = path.join(tempDir(), 'broken');
    mkdirSync(path.join(dir, 'content'), { recursive: true });
    writeFileSync(path.join(dir, 'hugo.toml'), 'title = "unclosed\n');
    const run = await runInit(['--dir', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/ {2}- hugo\.toml: could not be read \(.+\); its values are placeholders/);
    expect(writtenConfig(dir)).toMatchObject({ title: 'broken', conventions: 'hugo', posts: 'content', permalink: '/:slug/' });
  });
});

describe('detection order', () => {
  const site = (entries: Record<string, SiteEntry>) => new Map(Object.entries(entries));
  const file = (text = ''): SiteEntry => ({ kind: 'file', text });
  const folder: SiteEntry = { kind: 'folder', hasPosts: true };

  it('config.toml is Zola when it names base_url, Hugo when a content/ folder is beside it, else nothing', () => {
    expect(detectGenerator(site({ 'config.toml': file('base_url = "https://x.example/"\n'), content: folder }))).toEqual({ generator: 'zola', decidedBy: 'config.toml' });
    expect(detectGenerator(site({ 'config.toml': file('baseURL = "https://x.example/"\n'), content: folder }))).toEqual({ generator: 'hugo', decidedBy: 'config.toml' });
    expect(detectGenerator(site({ 'config.yaml': file('baseURL: https://x.example/\n'), content: folder }))).toEqual({ generator: 'hugo', decidedBy: 'config.yaml' });
    expect(detectGenerator(site({ 'config.toml': file('baseURL = "https://x.example/"\n') }))).toEqual({ generator: 'plain' });
    expect(detectGenerator(site({ 'zola.toml': file(), 'config.toml': file(), content: folder }))).toEqual({ generator: 'zola', decidedBy: 'zola.toml' });
  });

  it('the first rule that matches wins: Jekyll before Hugo before the JavaScript generators', () => {
    expect(detectGenerator(site({ '_config.yml': file(), 'hugo.toml': file(), 'next.config.js': file() }))).toEqual({ generator: 'jekyll', decidedBy: '_config.yml' });
    expect(detectGenerator(site({ 'hugo.json': file(), 'astro.config.ts': file() }))).toEqual({ generator: 'hugo', decidedBy: 'hugo.json' });
    expect(detectGenerator(site({ 'gatsby-config.ts': file(), 'next.config.ts': file() }))).toEqual({ generator: 'gatsby', decidedBy: 'gatsby-config.ts' });
    expect(detectGenerator(site({ '.eleventy.js': file() }))).toEqual({ generator: 'eleventy', decidedBy: '.eleventy.js' });
  });

  it('a folder named like a config file does not count', () => {
    expect(detectGenerator(site({ '_config.yml': folder }))).toEqual({ generator: 'plain' });
  });
});

describe('permalinks in postfeed tokens', () => {
  it("Jekyll's styles and custom patterns", () => {
    expect(jekyllPermalink('date').permalink).toBe('/:categories/:year/:month/:day/:slug.html');
    expect(jekyllPermalink('pretty').permalink).toBe('/:categories/:year/:month/:day/:slug/');
    expect(jekyllPermalink('none').permalink).toBe('/:categories/:slug.html');
    expect(jekyllPermalink('ordinal')).toEqual({ permalink: '/:categories/:slug.html', notes: [expect.stringContaining(':y_day')] });
    expect(jekyllPermalink('/blog/:year/:title:output_ext')).toEqual({ permalink: '/blog/:year/:slug.html', notes: [] });
    expect(jekyllPermalink('/:short_year/:title/')).toEqual({ permalink: '/:slug/', notes: [expect.stringContaining('dropped :short_year')] });
    expect(jekyllPermalink('/:year/:month/').permalink).toBeUndefined();
    // A style name is looked up as the table's own key, never an inherited one.
    expect(jekyllPermalink('constructor')).toEqual({ notes: [expect.stringContaining('names no post')] });
  });

  it("Hugo's tokens, :section named by the posts folder", () => {
    expect(hugoPermalink('/:year/:month/:title/', 'posts')).toEqual({ permalink: '/:year/:month/:slug/', notes: [] });
    expect(hugoPermalink('/:sections/:slugorfilename', 'blog').permalink).toBe('/blog/:slug');
    expect(hugoPermalink('/:weekdayname/:filename/', 'posts')).toEqual({ permalink: '/:slug/', notes: [expect.stringContaining('dropped :weekdayname')] });
  });
});

describe('reading site configs as text', () => {
  it('reads quoted and template literals, keys quoted or not, and only whole keys', () => {
    expect(literalString(`og_url: 'https://og.example/', editUrl: 'https://edit.example/', url: "https://site.example"`, 'url')).toBe('https://site.example');
    expect(literalString("subtitle: 'Not it', $title: 'Nor this', title: 'It'", 'title')).toBe('It');
    expect(literalString('"title": `It\\`s a title`', 'title')).toBe('It`s a title');
    expect(literalString("title: 'Don\\'t'", 'title')).toBe("Don't");
    expect(literalString('title: `${name} blog`', 'title')).toBeUndefined();
    expect(literalString('title: siteConfig.title', 'title')).toBeUndefined();
    expect(objectLiteral("siteMetadata: { a: '}', b: { c: 1 } }, x: 2", 'siteMetadata')).toBe(" a: '}', b: { c: 1 } ");
    expect(objectLiteral("siteMetadata: {\n  // it's a comment\n  a: 1 }, b: '}'", 'siteMetadata')).toBe("\n  // it's a comment\n  a: 1 ");
    const nested = "{ title: 'B', s: '{' }";
    expect(shallowText(`x = { title: 'A', nav: ${nested} }`, 1)).toBe(`x = { title: 'A', nav: ${' '.repeat(nested.length)} }`);
  });

  it('run in linear time on 200 KB worst cases', async () => {
    const cases: Array<() => unknown> = [
      () => literalString(`title: '${'a'.repeat(200_000)}`, 'title'),
      () => literalString("title:'".repeat(30_000), 'title'),
      () => literalString(`title${' '.repeat(200_000)}`, 'title'),
      () => literalString('title: `'.repeat(25_000), 'title'),
      () => literalString(`title: '${'\\'.repeat(200_000)}`, 'title'),
      () => objectLiteral(`siteMetadata: {${'{'.repeat(200_000)}`, 'siteMetadata'),
      () => objectLiteral('siteMetadata: {'.repeat(15_000), 'siteMetadata'),
      () => shallowText(`{${"'{\\".repeat(70_000)}`, 0),
    ];
    const slashes = '/'.repeat(200_000);
    const site = makeSite('slashes', { '_config.yml': `url: "https://x.example${slashes}a"\nbaseurl: "${slashes}b"\ncollections_dir: "${slashes}c"\n` });
    cases.push(() => init({ dir: site }));
    for (const run of cases) {
      const started = performance.now();
      await run();
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});
