// Generator conventions: each generator's posts, as that generator's users write them, build
// unchanged — which files are posts, where the date comes from, which keys mean what, what is
// left out, and the URL. Every site is built twice: as written, and checked out with CRLF.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import type { ConfigInput } from '../src/config/schema.js';
import type { Diagnostic } from '../src/model.js';
import { makeProject, parseXml, text } from './helpers.js';

const NOW = new Date('2025-06-01T00:00:00Z');

interface Built {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** JSON Feed items: independent of the XML writers, and what the XML tests below compare against. */
  items: Array<{ id: string; url: string; title: string; summary: string; date_published: string; date_modified?: string; tags?: string[]; authors: Array<{ name: string; url?: string }>; image?: string; content_html?: string }>;
  atom: any;
}

async function site(posts: Record<string, string>, config: Partial<ConfigInput>, files: Record<string, string> = {}): Promise<Built> {
  const cwd = makeProject(posts, { limit: 0, ...config });
  for (const [name, contents] of Object.entries(files)) writeFileSync(path.join(cwd, name), contents);
  const result = await build({ cwd, now: NOW });
  const contents = (format: string) => result.files.find((file) => file.format === format)?.contents;
  return {
    ok: result.ok,
    diagnostics: result.diagnostics,
    items: result.ok ? JSON.parse(contents('json')!).items : [],
    atom: result.ok ? parseXml(contents('atom')!).feed : undefined,
  };
}

/** The same site checked out on Windows: every line ending CRLF. */
const crlf = (posts: Record<string, string>) => Object.fromEntries(Object.entries(posts).map(([name, body]) => [name, body.replace(/\n/g, '\r\n')]));

/** Builds as written and with CRLF; both must give the same feeds. */
async function bothEndings(posts: Record<string, string>, config: Partial<ConfigInput>, files: Record<string, string> = {}): Promise<Built> {
  const lf = await site(posts, config, files);
  const windows = await site(crlf(posts), config, files);
  expect(windows.items).toEqual(lf.items);
  expect(windows.diagnostics.map((d) => `${d.code} ${d.field}`)).toEqual(lf.diagnostics.map((d) => `${d.code} ${d.field}`));
  return lf;
}

const codes = (built: Built) => built.diagnostics.map((d) => `${d.severity} ${d.code} ${d.file?.split('/').slice(1).join('/')} ${d.field}`);

describe('jekyll', () => {
  const config: Partial<ConfigInput> = { conventions: 'jekyll', permalink: '/:categories/:year/:month/:day/:slug.html', timeZone: 'Europe/Moscow' };
  const posts = {
    '2024-01-31-Hello-World.md': '---\nlayout: post\ntitle: Hello\ncategories: [News, Tech]\ntags: ruby jekyll\ncomments: true\n---\n\nFirst paragraph.\n',
    // 23:30 UTC is already 1 February in Moscow: Jekyll puts the site zone's date in the URL.
    '2024-01-31-late.markdown': '---\ntitle: Late\ndate: 2024-01-31 23:30:00 +0000\nexcerpt: The author wrote this excerpt.\nmodified: 2024-02-03\n---\n\nBody.\n',
    '2024-02-01-hidden.md': '---\ntitle: Hidden\npublished: false\n---\n\nNot published.\n',
    '2013-11-22-one-digit-hour.md': '---\ntitle: Early\ndate: 2013-11-22 5:00:00 +0000\nauthor: Jane Doe\n---\n\nEarly text.\n\n<!--more-->\n\nThe rest.\n',
  };

  it('takes dates and slugs from file names, leaves published: false out, and reads the keys Jekyll knows without warnings', async () => {
    const built = await bothEndings(posts, config);
    expect(built.ok).toBe(true);
    expect(codes(built)).toEqual([]);
    expect(built.items.map((item) => item.title)).toEqual(['Late', 'Hello', 'Early']);
    const [late, hello, early] = built.items;
    expect(hello!.url).toBe('https://example.com/blog/news/tech/2024/01/31/Hello-World.html');
    expect(hello!.date_published).toBe('2024-01-30T21:00:00Z'); // midnight in Moscow
    expect(hello!.tags).toEqual(['ruby', 'jekyll', 'News', 'Tech']);
    expect(late!.url).toBe('https://example.com/blog/2024/02/01/late.html');
    expect(late!.summary).toBe('The author wrote this excerpt.');
    expect(late!.date_modified).toBe('2024-02-02T21:00:00Z');
    expect(early!.authors).toEqual([{ name: 'Jane Doe' }]);
    expect(early!.date_published).toBe('2013-11-22T05:00:00Z');
    expect(early!.summary).toBe('Early text.');
  });

  it('warns about keys unknown to Jekyll too, and --strict-worthy problems stay errors', async () => {
    const built = await site({ '2024-01-31-x.md': '---\ntitle: X\nlayout: post\nfavourite_colour: blue\n---\nBody.\n' }, config);
    expect(codes(built)).toEqual(['warning unknown-key 2024-01-31-x.md favourite_colour']);
    expect(built.diagnostics[0]!.message).toMatch(/unknown front matter key, ignored by postfeed or jekyll/);
  });

  it('says where a date could have come from when neither the front matter nor the name has one', async () => {
    const built = await site({ 'no-date.md': '---\ntitle: X\n---\nBody.\n' }, config);
    expect(built.ok).toBe(false);
    expect(codes(built)).toEqual(['error missing-field no-date.md date']);
  });

  it('honours a front-matter permalink as the post URL', async () => {
    const built = await site({ '2024-01-31-x.md': '---\ntitle: X\npermalink: /about/x/\n---\nBody.\n' }, config);
    expect(built.items[0]!.url).toBe('https://example.com/blog/about/x/');
  });
});

describe('hugo', () => {
  const config: Partial<ConfigInput> = { conventions: 'hugo', permalink: '/posts/:slug/' };
  const posts = {
    '_index.md': '---\ntitle: Posts\n---\nThe list page.\n',
    'My-Bundle/index.md': '+++\ntitle = "Bundle"\ndate = 2024-03-01T10:00:00Z\nlastMod = 2024-03-02\ntags = ["go"]\ncategories = ["web"]\nimages = ["https://cdn.example.org/cover.png"]\naliases = ["/old/"]\n+++\n\nThe teaser.\n\n<!--more-->\n\nThe rest.\n',
    'My-Bundle/notes.md': '---\ntitle: A page resource, not a post\n---\n',
    'future.md': '---\ntitle: Future\ndate: 2024-01-01\npublishDate: 2030-01-01\n---\nLater.\n',
    'expired.md': '---\ntitle: Expired\ndate: 2024-01-01\nexpiryDate: 2024-06-01\n---\nGone.\n',
    'custom.md': '---\ntitle: Custom\nDate: 2024-02-01\nURL: /Special/Place/\nDraft: false\n---\nHere.\n',
  };

  it('reads bundles by folder, skips list pages and resources, holds back publishDate and drops expired posts, lower-cases URLs', async () => {
    const built = await bothEndings(posts, config);
    expect(built.ok).toBe(true);
    expect(codes(built)).toEqual([]);
    expect(built.items.map((item) => item.title)).toEqual(['Bundle', 'Custom']);
    const [bundle, custom] = built.items;
    expect(bundle!.url).toBe('https://example.com/blog/posts/my-bundle/');
    expect(bundle!.summary).toBe('The teaser.');
    expect(bundle!.tags).toEqual(['go', 'web']);
    expect(bundle!.image).toBe('https://cdn.example.org/cover.png');
    expect(bundle!.date_modified).toBe('2024-03-02T00:00:00Z');
    expect(custom!.url).toBe('https://example.com/blog/special/place/');
  });

  it('publishes a held-back post once its publishDate has come (--future)', async () => {
    const cwd = makeProject(posts, { ...config, limit: 0 });
    const result = await build({ cwd, now: NOW, future: true });
    expect(JSON.parse(result.files.find((f) => f.format === 'json')!.contents).items.map((i: any) => i.title)).toContain('Future');
  });
});

describe('zola', () => {
  it('reads TOML front matter, taxonomies and the date in the file name', async () => {
    const built = await bothEndings(
      {
        '_index.md': '+++\ntitle = "Blog"\nsort_by = "date"\n+++\n',
        '2024-01-31-first-post.md': '+++\ntitle = "First"\ndescription = "Described."\n[taxonomies]\ntags = ["rust", "zola"]\n[extra]\nsubtitle = "x"\n+++\nBody <!-- more --> rest.\n',
        'dated/index.md': '+++\ntitle = "Folder"\ndate = 2024-02-01\ndraft = true\n+++\nDraft.\n',
      },
      { conventions: 'zola', permalink: '/blog/:slug/' },
    );
    expect(codes(built)).toEqual([]);
    expect(built.items).toHaveLength(1);
    expect(built.items[0]).toMatchObject({ title: 'First', url: 'https://example.com/blog/blog/first-post/', summary: 'Described.', tags: ['rust', 'zola'], date_published: '2024-01-31T00:00:00Z' });
  });
});

describe('astro', () => {
  it('reads pubDate, updatedDate, heroImage and .mdx entries', async () => {
    const built = await bothEndings(
      {
        'first-post.md': "---\ntitle: 'First post'\ndescription: 'Lorem ipsum'\npubDate: 'Jul 08 2022'\n---\nBody.\n".replace("'Jul 08 2022'", '2022-07-08'),
        'Using-MDX.mdx': "---\ntitle: MDX\npubDate: 2022-07-09\nupdatedDate: 2022-07-10\nheroImage: 'https://example.com/hero.jpg'\n---\n\nText here.\n",
      },
      { conventions: 'astro', permalink: '/blog/:slug/' },
    );
    expect(codes(built)).toEqual([]);
    expect(built.items.map((i) => [i.title, i.url, i.image])).toEqual([
      ['MDX', 'https://example.com/blog/blog/using-mdx/', 'https://example.com/hero.jpg'],
      ['First post', 'https://example.com/blog/blog/first-post/', undefined],
    ]);
    expect(built.items[0]!.date_modified).toBe('2022-07-10T00:00:00Z');
  });
});

describe('docusaurus', () => {
  const authorsYml = 'slorber:\n  name: Sébastien Lorber\n  title: Docusaurus maintainer\n  url: https://sebastienlorber.com\n  image_url: https://github.com/slorber.png\n  socials:\n    x: sebastienlorber\nyangshun:\n  name: Yangshun Tay\n';
  it('dates from file and folder names, authors by key from authors.yml, <!--truncate-->, unlisted left out', async () => {
    const built = await bothEndings(
      {
        '2021-08-26-welcome/index.md': '---\nslug: welcome\ntitle: Welcome\nauthors: [slorber, yangshun]\ntags: [hello, docusaurus]\n---\n\nIntro text.\n\n<!--truncate-->\n\nMore.\n',
        '2021-08-01-mdx-blog-post.mdx': '---\ntitle: MDX Blog Post\nauthors: slorber\n---\n\nBlog posts support MDX.\n\n{/* truncate */}\n\nMore.\n',
        '2019-05-28-first-blog-post.md': '---\ntitle: First\nauthor: Gao Wei\nauthor_title: Docusaurus Core Team\nauthor_url: https://github.com/wgao19\nauthor_image_url: https://x/y.png\n---\n\nLorem.\n',
        '2021-09-01-secret.md': '---\ntitle: Secret\nunlisted: true\n---\nHidden.\n',
      },
      { conventions: 'docusaurus', permalink: '/blog/:year/:month/:day/:slug', authors: 'authors.yml' },
      { 'authors.yml': authorsYml },
    );
    expect(codes(built)).toEqual([]);
    expect(built.items.map((i) => i.title)).toEqual(['Welcome', 'MDX Blog Post', 'First']);
    const [welcome, , first] = built.items;
    expect(welcome!.url).toBe('https://example.com/blog/blog/2021/08/26/welcome');
    expect(welcome!.summary).toBe('Intro text.');
    expect(welcome!.authors).toEqual([{ name: 'Sébastien Lorber', url: 'https://sebastienlorber.com/' }, { name: 'Yangshun Tay' }]);
    expect(first!.authors).toEqual([{ name: 'Gao Wei', url: 'https://github.com/wgao19' }]);
  });

  it('warns, naming it, about an author key the authors file does not have', async () => {
    const built = await site(
      { '2021-08-26-x.md': '---\ntitle: X\nauthors: [nobody]\n---\nBody.\n' },
      { conventions: 'docusaurus', authors: { slorber: { name: 'Sébastien Lorber' } } },
    );
    expect(codes(built)).toEqual(['warning unknown-author 2021-08-26-x.md authors[0]']);
    expect(built.diagnostics[0]!.message).toContain('"nobody"');
  });
});

describe('eleventy', () => {
  it('leaves out eleventyExcludeFromCollections and permalink: false, and reads a tag written as a string', async () => {
    const built = await bothEndings(
      {
        '2023-05-01-hello.md': '---\ntitle: Hello\ntags: post\nlayout: layouts/post.njk\n---\nHi.\n',
        'excluded.md': '---\ntitle: Excluded\ndate: 2023-01-01\neleventyExcludeFromCollections: true\n---\n',
        'no-page.md': '---\ntitle: No page\ndate: 2023-01-01\npermalink: false\n---\n',
      },
      { conventions: 'eleventy', permalink: '/posts/:slug/' },
    );
    expect(codes(built)).toEqual([]);
    expect(built.items.map((i) => [i.title, i.tags])).toEqual([['Hello', ['post']]]);
  });
});

describe('gatsby and next', () => {
  it('gatsby: a folder names its post', async () => {
    const built = await bothEndings({ 'hello-world/index.md': '---\ntitle: Hello World\ndate: "2015-05-01T22:12:03.284Z"\ndescription: "Hello World"\n---\nBody.\n' }, { conventions: 'gatsby', permalink: '/:slug/' });
    expect(built.items.map((i) => i.url)).toEqual(['https://example.com/blog/hello-world/']);
  });

  it('next: excerpt, coverImage and an author object with a picture', async () => {
    const built = await bothEndings(
      { 'dynamic-routing.md': "---\ntitle: 'Dynamic Routing'\nexcerpt: 'The excerpt.'\ncoverImage: 'https://example.com/cover.jpg'\ndate: '2020-03-16T05:35:07.322Z'\nauthor:\n  name: JJ Kasper\n  picture: '/assets/blog/authors/jj.jpeg'\nogImage:\n  url: '/assets/blog/dynamic-routing/cover.jpg'\n---\nBody.\n" },
      { conventions: 'next', permalink: '/posts/:slug' },
    );
    expect(codes(built)).toEqual([]);
    expect(built.items[0]).toMatchObject({ summary: 'The excerpt.', image: 'https://example.com/cover.jpg', authors: [{ name: 'JJ Kasper' }] });
  });
});

describe('fields and exclude', () => {
  it('reads site-specific keys and names them in messages', async () => {
    const built = await site(
      { 'a.md': '---\nnewstitle: A news item\npublishedDate: 2024-01-01\nspoiler: The gist.\n---\nBody.\n', 'b.md': '---\nnewstitle: [not, text]\npublishedDate: 2024-01-02\n---\n' },
      { fields: { title: 'newstitle', date: 'publishedDate', summary: 'spoiler' } },
    );
    expect(codes(built)).toEqual(['error wrong-type b.md newstitle']);
    expect(built.diagnostics[0]!.line).toBe(2);
  });

  it('builds with the mapped keys', async () => {
    const built = await site({ 'a.md': '---\nnewstitle: A news item\npublishedDate: 2024-01-01\nspoiler: The gist.\n---\nBody.\n' }, { fields: { title: 'newstitle', date: 'publishedDate', summary: 'spoiler' } });
    expect(built.items[0]).toMatchObject({ title: 'A news item', summary: 'The gist.', date_published: '2024-01-01T00:00:00Z' });
  });

  it('skips excluded files: a bare name anywhere, a path from the posts folder, ** across folders', async () => {
    const good = '---\ntitle: Good\ndate: 2024-01-01\n---\nBody.\n';
    const listing = '---\nlayout: list\n---\nNot a post.\n';
    const built = await site(
      { 'good.md': good, 'blog.md': listing, 'sub/blog.md': listing, 'drafts/a/b.md': listing, 'keep/drafts.md': good.replace('Good', 'Kept') },
      { exclude: ['blog.md', 'drafts/**'] },
    );
    expect(codes(built)).toEqual([]);
    expect(built.items.map((i) => i.title).sort()).toEqual(['Good', 'Kept']);
  });
});

describe('plain stays strict', () => {
  it('two keys for one field are an error, and a tag string with commas is one tag with a warning', async () => {
    const built = await site({ 'a.md': '---\ntitle: A\ndate: 2024-01-01\ntags: one, two\n---\nBody.\n' }, {});
    expect(built.items[0]!.tags).toEqual(['one, two']);
    expect(codes(built)).toEqual(['warning tags-comma a.md tags']);
    const both = await site({ 'a.md': '---\ntitle: A\ndate: 2024-01-01\ndescription: x\nsummary: y\n---\n' }, {});
    expect(codes(both)).toEqual(['error conflicting-fields a.md summary']);
  });

  it('reads the Atom entries the same as the JSON items', async () => {
    const built = await site({ 'a.md': '---\ntitle: A & B\ndate: 2024-01-01\n---\nBody.\n' }, { conventions: 'hugo' });
    expect(text([built.atom.entry].flat()[0].title)).toBe(built.items[0]!.title);
  });
});

describe('CRLF checkouts', () => {
  it('every bad-input fixture is classified the same with CRLF and with lone CR line endings as with LF, under every convention', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { parsePost } = await import('../src/parse/post.js');
    const { ConfigSchema } = await import('../src/config/schema.js');
    const { CONVENTION_NAMES } = await import('../src/parse/conventions/index.js');
    const dir = path.join(path.dirname(new URL(import.meta.url).pathname), 'bad-input');
    const fixtures = readdirSync(dir).filter((name) => name.endsWith('.md'));
    expect(fixtures.length).toBeGreaterThan(50);
    const classify = (file: string, text: string, conventions: (typeof CONVENTION_NAMES)[number]) => {
      const config = ConfigSchema.parse({ title: 'T', baseUrl: 'https://example.com/', author: { name: 'A' }, conventions });
      return parsePost({ file, text }, config).diagnostics.map((d) => `${d.severity} ${d.code} ${d.line} ${d.column ?? ''} ${d.field}: ${d.message}`);
    };
    for (const conventions of CONVENTION_NAMES) {
      for (const name of fixtures) {
        const text = readFileSync(path.join(dir, name), 'latin1').replace(/\r\n?/g, '\n');
        const lf = classify(name, text, conventions);
        expect(classify(name, text.replace(/\n/g, '\r\n'), conventions), `${conventions} ${name} CRLF`).toEqual(lf);
        expect(classify(name, text.replace(/\n/g, '\r'), conventions), `${conventions} ${name} CR`).toEqual(lf);
      }
    }
  });
});

describe('Markdown extensions of the generators', () => {
  it('heading ids and kramdown attribute lists are removed, :::note admonitions become labelled quotes, in any convention but plain', async () => {
    const body = '## Install {#install}\n\nText.\n{: .note}\n\n:::note[Heads up]\nMind the gap.\n:::\n\n```\n## Code {#kept}\n```\n';
    const built = await site({ 'a.md': `---\ntitle: A\ndate: 2024-01-01\n---\n${body}` }, { conventions: 'astro' });
    const html = built.items[0]!.content_html!;
    expect(html).toContain('<h2>Install</h2>');
    expect(html).not.toMatch(/\{: \.note\}|:::/);
    expect(html).toMatch(/<blockquote>\s*<p><strong>Heads up/);
    expect(html).toContain('## Code {#kept}');
    const plain = await site({ 'a.md': `---\ntitle: A\ndate: 2024-01-01\n---\n${body}` }, {});
    expect(plain.items[0]!.content_html).toContain('{#install}');
  });
});
