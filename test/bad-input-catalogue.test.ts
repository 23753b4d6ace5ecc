// The bad-input catalogue: one fixture per class of broken or hostile input (test/bad-input/),
// each run through the CLI against a project whose dist/ already holds good feeds. Errors must
// exit 1, name the file, the line (where there is one) and the field, and leave dist/ byte for
// byte as it was; recoverable classes warn, and --strict turns their warnings into errors.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync, chmodSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_CONFIG, makeProject, post, ROOT, runCliAsync, snapshotDir } from './helpers.js';

const FIXTURES = path.join(ROOT, 'test', 'bad-input');
const GOOD = post('title: Good\ndate: 2020-01-01');

/** A project with good feeds already published in dist/. */
async function publishedProject(config: object = {}): Promise<{ cwd: string; before: Record<string, string> }> {
  const cwd = makeProject({ 'good.md': GOOD }, config);
  const first = await runCliAsync(cwd, ['build', '--quiet'], { POSTFEED_BASE_URL: '', SOURCE_DATE_EPOCH: '' });
  expect(first.status).toBe(0);
  return { cwd, before: snapshotDir(path.join(cwd, 'dist')) };
}

async function run(cwd: string, args: string[] = []) {
  const started = performance.now();
  const result = await runCliAsync(cwd, ['build', ...args], { POSTFEED_BASE_URL: '', SOURCE_DATE_EPOCH: '' });
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

// [fixture, line (undefined when the problem has no line), field, message]
const ERRORS: Array<[string, number | undefined, string, RegExp]> = [
  ['yaml-unquoted-colon.md', 2, 'front matter', /put the value in quotes/],
  ['yaml-tab-indent.md', 5, 'front matter', /tabs/i],
  ['yaml-unclosed-quote.md', undefined, 'front matter', /YAML: .*quote/i],
  ['yaml-unclosed-bracket.md', undefined, 'front matter', /YAML/],
  ['yaml-duplicate-key.md', 4, 'front matter', /repeated/],
  ['missing-closing-delimiter.md', 1, 'front matter', /never closed/],
  ['blank-line-before-opener.md', 2, 'front matter', /must start on line 1/],
  ['opener-with-comment.md', 1, 'front matter', /opening line must be exactly "---"/],
  ['front-matter-string.md', 2, 'front matter', /must be a mapping/],
  ['front-matter-list.md', 2, 'front matter', /must be a mapping/],
  ['front-matter-empty.md', 1, 'title', /is required/],
  // ---js is read as literal values, never run: the call in the payload is refused where it starts.
  ['engine-js.md', 2, 'title', /not a literal value; postfeed reads JavaScript front matter without running it/],
  ['engine-javascript.md', 2, 'title', /not a literal value; postfeed reads JavaScript front matter without running it/],
  ['engine-js-statements.md', 3, 'date', /not a literal value; postfeed reads JavaScript front matter without running it/],
  ['engine-coffee.md', 1, 'front matter', /refused/],
  ['yaml-js-function-tag.md', 2, 'front matter', /!!js\/function is not allowed/],
  ['title-missing.md', 1, 'title', /is required/],
  ['title-empty.md', 2, 'title', /is required/],
  ['title-list.md', 2, 'title', /must be text, found a list/],
  ['title-mapping.md', 2, 'title', /must be text, found a mapping/],
  ['title-whitespace.md', 2, 'title', /is empty/],
  ['title-only-control-characters.md', 2, 'title', /is empty/],
  ['date-missing.md', 1, 'date', /is required/],
  ['date-february-30.md', 3, 'date', /day 30 does not exist/],
  ['date-hour-25.md', 3, 'date', /hour 25 does not exist/],
  ['date-month-13.md', 3, 'date', /month 13 does not exist/],
  ['date-before-1900.md', 3, 'date', /year 1899 is outside/],
  ['date-after-9999.md', 3, 'date', /is not a date/],
  ['date-number.md', 3, 'date', /"12345" is not a date/],
  ['date-boolean.md', 3, 'date', /"true" is not a date/],
  ['updated-invalid.md', 4, 'updated', /is not a date/],
  ['tags-mapping.md', 4, 'tags', /must be a list/],
  ['tag-object.md', 6, 'tags[1]', /must be text, found a mapping/],
  ['author-list-of-lists.md', 5, 'authors[0]', /must be a name or \{name, email, url\}/],
  ['author-bad-email.md', 4, 'author.email', /not an e-mail address/],
  ['draft-yes.md', 4, 'draft', /must be true or false/],
  ['draft-quoted-true.md', 4, 'draft', /without quotes/],
  ['id-not-a-url.md', 4, 'id', /must be an absolute http\(s\) URL, a tag: URI .* or a urn:/],
  ['id-relative-url.md', 4, 'id', /must be an absolute http\(s\) URL, a tag: URI/],
  ['id-javascript.md', 4, 'id', /must be an absolute http\(s\) URL, a tag: URI/],
  ['slug-dot-dot.md', 4, 'slug', /not URL-safe/],
  ['slug-slash.md', 4, 'slug', /not URL-safe/],
  ['slug-encoded-dot-dot.md', 4, 'slug', /not URL-safe/],
  ['slug-unsafe-characters.md', 4, 'slug', /not URL-safe/],
  ['lang-invalid.md', 4, 'lang', /BCP 47/],
  ['image-unknown-type.md', 4, 'image', /no known media type/],
  ['image-missing-file.md', 4, 'image', /not found/],
  ['image-outside-posts.md', 4, 'image', /outside the posts folder/],
  ['alias-bomb.md', 1, 'front matter', /too many YAML aliases/],
  ['deeply-nested.md', 4, 'front matter', /nested too deeply/],
  ['latin-1.md', 2, 'file', /not valid UTF-8/],
  ['utf-16-bom.md', undefined, 'file', /UTF-16/],
  ['nul-byte.md', 5, 'file', /NUL byte/],
  ['binary.md', 1, 'file', /NUL byte/],
];

describe('errors: exit 1, file:line: field, dist/ untouched', () => {
  it.concurrent.each(ERRORS)('%s', async (fixture, line, field, message) => {
    const { cwd, before } = await publishedProject();
    copyFileSync(path.join(FIXTURES, fixture), path.join(cwd, 'posts', fixture));
    const result = await run(cwd);
    expect(result.status).toBe(1);
    const location = line === undefined ? `posts/${fixture}(:\\d+)*` : `posts/${fixture}:${line}(:\\d+)?`;
    const expected = new RegExp(`^${location}: ${field.replace(/[[\]]/g, '\\$&')}: `, 'm');
    expect(result.stderr).toMatch(expected);
    const lineOfField = result.stderr.split('\n').find((text) => expected.test(text)) ?? '';
    expect(lineOfField).toMatch(message);
    expect(result.stderr).toMatch(/nothing written, dist\/ left as it was/);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
    // Hostile input is refused quickly, not after a hang (a sanity bound, not a benchmark).
    // A sanity bound for a whole CLI run on a loaded 2-core machine, not a benchmark.
    expect(result.seconds).toBeLessThan(20);
  });

  it('never evaluates front matter code: no engine payload wrote its file', () => {
    for (const marker of ['js', 'javascript', 'js-statements', 'coffee', 'tag']) expect(existsSync(`/tmp/postfeed-pwned-${marker}`)).toBe(false);
  });
});

describe('recoverable: a warning, feeds written; --strict makes it an error', () => {
  it.concurrent.each([
    ['control-characters.md', [['title', 2], ['description', 4], ['tags[0]', 5], ['author', 6], ['body', 8]]],
    ['unknown-keys.md', [['layout', 4], ['categories', 5]]],
    ['prototype-keys.md', [['__proto__', 4], ['constructor', 6]]],
  ] as Array<[string, Array<[string, number]>]>)('%s', async (fixture, warnings) => {
    const { cwd, before } = await publishedProject();
    copyFileSync(path.join(FIXTURES, fixture), path.join(cwd, 'posts', fixture));
    const strict = await run(cwd, ['--strict']);
    expect(strict.status).toBe(1);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
    const relaxed = await run(cwd);
    expect(relaxed.status).toBe(0);
    for (const [field, line] of warnings) {
      expect(relaxed.stderr).toMatch(new RegExp(`^posts/${fixture}:${line}: warning: ${field.replace(/[[\]]/g, '\\$&')}: `, 'm'));
    }
    for (const name of ['rss.xml', 'atom.xml', 'feed.json']) {
      expect(readFileSync(path.join(cwd, 'dist', name), 'utf8')).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]/);
    }
  });

  it('keeps ]]>, CDATA sections and HTML comments from breaking the XML', async () => {
    const { cwd } = await publishedProject();
    copyFileSync(path.join(FIXTURES, 'cdata-and-comments.md'), path.join(cwd, 'posts', 'cdata-and-comments.md'));
    const result = await run(cwd);
    expect(result.status).toBe(0);
    const { XMLValidator } = await import('fast-xml-parser');
    for (const name of ['rss.xml', 'atom.xml']) expect(XMLValidator.validate(readFileSync(path.join(cwd, 'dist', name), 'utf8'))).toBe(true);
    expect(readFileSync(path.join(cwd, 'dist', 'feed.json'), 'utf8')).toContain('Text ]]&gt; and ]]&gt; again.');
  });
});

describe('the file system', () => {
  const expectRefused = async (cwd: string, before: Record<string, string>, pattern: RegExp, args: string[] = [], status = 1) => {
    const result = await run(cwd, args);
    expect(result.status).toBe(status);
    expect(result.stderr).toMatch(pattern);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
  };

  it('refuses a symlink that points outside posts/', async () => {
    const { cwd, before } = await publishedProject();
    writeFileSync(path.join(cwd, 'secret.md'), GOOD);
    symlinkSync(path.join(cwd, 'secret.md'), path.join(cwd, 'posts', 'link.md'));
    await expectRefused(cwd, before, /^posts\/link\.md: file: symlink points outside the posts folder/m);
  });

  it('refuses a symlink loop', async () => {
    const { cwd, before } = await publishedProject();
    symlinkSync(path.join(cwd, 'posts', 'loop-b.md'), path.join(cwd, 'posts', 'loop-a.md'));
    symlinkSync(path.join(cwd, 'posts', 'loop-a.md'), path.join(cwd, 'posts', 'loop-b.md'));
    mkdirSync(path.join(cwd, 'posts', 'sub'));
    symlinkSync(path.join(cwd, 'posts'), path.join(cwd, 'posts', 'sub', 'up'));
    await expectRefused(cwd, before, /^posts\/loop-a\.md: file: symlink loop/m);
    const result = await run(cwd);
    expect(result.stderr).toMatch(/^posts\/sub\/up: file: symlink loop/m);
  });

  it('refuses an unreadable file', async () => {
    const { cwd, before } = await publishedProject();
    writeFileSync(path.join(cwd, 'posts', 'locked.md'), GOOD.replace('Good', 'Locked'));
    chmodSync(path.join(cwd, 'posts', 'locked.md'), 0o000);
    if (process.getuid?.() === 0) {
      // root reads mode-000 files anyway: the case cannot arise for root, so there is nothing to refuse.
      chmodSync(path.join(cwd, 'posts', 'locked.md'), 0o644);
      return;
    }
    await expectRefused(cwd, before, /^posts\/locked\.md: file: cannot be read: permission denied/m);
  });

  it('refuses a folder named x.md', async () => {
    const { cwd, before } = await publishedProject();
    mkdirSync(path.join(cwd, 'posts', 'x.md'));
    await expectRefused(cwd, before, /^posts\/x\.md: file: is a folder, not a Markdown file/m);
  });

  it('refuses an empty posts/ and a missing posts/', async () => {
    const { cwd, before } = await publishedProject();
    rmSync(path.join(cwd, 'posts', 'good.md'));
    await expectRefused(cwd, before, /^posts: posts: holds no posts \(\.md .*\); refusing to publish empty feeds/m);
    rmSync(path.join(cwd, 'posts'), { recursive: true });
    await expectRefused(cwd, before, /^posts: posts: the posts folder does not exist/m);
  });

  it('refuses --out pointing at a file or at posts/ itself', async () => {
    const { cwd, before } = await publishedProject();
    writeFileSync(path.join(cwd, 'file.txt'), 'keep me');
    await expectRefused(cwd, before, /^file\.txt: out: the output folder is an existing file, not a folder/m, ['--out', 'file.txt']);
    expect(readFileSync(path.join(cwd, 'file.txt'), 'utf8')).toBe('keep me');
    const postsBefore = snapshotDir(path.join(cwd, 'posts'));
    await expectRefused(cwd, before, /^posts: out: the output folder may not be or overlap the posts folder/m, ['--out', 'posts']);
    await expectRefused(cwd, before, /out: the output folder may not be or overlap/, ['--out', 'posts/feeds']);
    expect(snapshotDir(path.join(cwd, 'posts'))).toEqual(postsBefore);
  });
});

describe('size limits: a clear error, no out-of-memory', () => {
  it('refuses a 100 MB post without reading it', async () => {
    const { cwd, before } = await publishedProject();
    const file = path.join(cwd, 'posts', 'huge.md');
    writeFileSync(file, GOOD);
    const descriptor = openSync(file, 'r+');
    ftruncateSync(descriptor, 100 * 1024 * 1024);
    closeSync(descriptor);
    const result = await run(cwd);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^posts\/huge\.md: file: is 104857600 bytes; the limit is 10485760 \(limits\.maxFileBytes\)/m);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
  });

  it('refuses a 1 MB title and 10,000 tags, with the configurable limits named', async () => {
    const { cwd, before } = await publishedProject();
    writeFileSync(path.join(cwd, 'posts', 'long-title.md'), post(`title: "${'x'.repeat(1024 * 1024)}"\ndate: 2023-07-01`));
    const tags = Array.from({ length: 10_000 }, (_, index) => `t${index}`).join(', ');
    writeFileSync(path.join(cwd, 'posts', 'many-tags.md'), post(`title: Tags\ndate: 2023-07-01\ntags: [${tags}]`));
    const result = await run(cwd);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^posts\/long-title\.md:2: title: is 1048576 characters long; the limit is 1000 \(limits\.maxTitleLength\)/m);
    expect(result.stderr).toMatch(/^posts\/many-tags\.md:4: tags: has 10000 tags; the limit is 100 \(limits\.maxTags\)/m);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
  });

  it('refuses feeds too large to build, with advice instead of a crash', async () => {
    const { cwd, before } = await publishedProject({ limit: 0, limits: { maxFeedCharacters: 50_000 } });
    for (let index = 0; index < 30; index++) {
      writeFileSync(path.join(cwd, 'posts', `big-${index}.md`), post(`title: Big ${index}\ndate: 2023-07-01`, 'word '.repeat(500)));
    }
    const result = await run(cwd);
    expect(result.status).toBe(1);
    // The build stops as soon as the items rendered so far pass the limit, before it holds the rest.
    expect(result.stderr).toMatch(/^postfeed\.config\.json: limit: the newest ([1-9]|1\d|2\d) of the 31 items already come to \d+ bytes in one feed, more than one feed may hold \(limits\.maxFeedCharacters: 50000\); set "limit"/m);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
    expect((await run(cwd, ['--limit', '5'])).status).toBe(0);
  });

  it('counts every field in the feed-size estimate, not only content: authors and tags too', async () => {
    // Before, only HTML and summaries counted: 20 posts with long author names and tags passed a
    // limit their feeds were far beyond (each name and tag is written three times over, escaped).
    // Each item is about 6.6 KB in every format, nearly all of it the name and tags: 21 of them pass 100,000.
    const { cwd, before } = await publishedProject({ limit: 0, limits: { maxFeedCharacters: 100_000 } });
    const name = 'N'.repeat(2_000);
    const tags = Array.from({ length: 20 }, (_, index) => `${'t'.repeat(200)}${index}`).join(', ');
    for (let index = 0; index < 20; index++) {
      writeFileSync(path.join(cwd, 'posts', `wide-${index}.md`), post(`title: Wide ${index}\ndate: 2023-07-01\nauthor: ${name}\ntags: [${tags}]`, 'Short.'));
    }
    const result = await run(cwd);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^postfeed\.config\.json: limit: the newest 1\d of the 21 items already come to \d+ bytes in one feed, more than one feed may hold/m);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
  });

  it('lets the config raise the limits', async () => {
    const { cwd } = await publishedProject({ limits: { maxTags: 20000 } });
    const tags = Array.from({ length: 10_000 }, (_, index) => `t${index}`).join(', ');
    writeFileSync(path.join(cwd, 'posts', 'many-tags.md'), post(`title: Tags\ndate: 2023-07-01\ntags: [${tags}]`));
    expect((await run(cwd)).status).toBe(0);
  });
});

describe('duplicates and ids across files', () => {
  it('names both files of a duplicate slug and of a duplicate explicit id', async () => {
    const { cwd, before } = await publishedProject();
    writeFileSync(path.join(cwd, 'posts', 'one.md'), post('title: One\ndate: 2023-07-01\nslug: same'));
    writeFileSync(path.join(cwd, 'posts', 'two.md'), post('title: Two\ndate: 2023-07-02\nslug: same'));
    writeFileSync(path.join(cwd, 'posts', 'three.md'), post('title: Three\ndate: 2023-07-03\nid: "urn:isbn:0451450523"'));
    writeFileSync(path.join(cwd, 'posts', 'four.md'), post('title: Four\ndate: 2023-07-04\nid: "urn:isbn:0451450523"'));
    const result = await run(cwd);
    expect(result.status).toBe(1);
    // Each side of a duplicate is named with the line that set the value.
    expect(result.stderr).toMatch(/^posts\/two\.md:4: slug: permalink ".*\/posts\/same\/" is also used by posts\/one\.md:4$/m);
    expect(result.stderr).toMatch(/^posts\/three\.md:4: id: id "urn:isbn:0451450523" is also used by posts\/four\.md:4$/m);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
  });
});

describe('invalid config', () => {
  it.concurrent.each([
    [{ baseUrl: 42 }, 'baseUrl'],
    [{ baseUrl: 'example.com/blog' }, 'baseUrl'],
    [{ timeZone: 'Europe/Atlantis' }, 'timeZone'],
    [{ limit: -5 }, 'limit'],
    [{ limit: '20' }, 'limit'],
    [{ author: 'Jane' }, 'author'],
    [{ output: { rss: 'x/../../rss.xml' } }, 'output.rss'],
    // Every config string is checked like the post field it stands beside (hostile input, round two).
    [{ icon: 'javascript:alert(1)' }, 'icon'],
    [{ logo: 'data:image/png;base64,AAAA' }, 'logo'],
    [{ icon: 'https://[bad' }, 'icon'],
    [{ title: 'Site\u0007' }, 'title'],
    [{ description: 'about\u001b[31m red' }, 'description'],
    [{ copyright: '\u0085 2023' }, 'copyright'],
    [{ author: { name: 'Jane\u0000Doe' } }, 'author.name'],
    [{ author: { name: 'Jane', email: 'a@b.c;d' } }, 'author.email'],
    [{ author: { name: 'Jane', url: 'ftp://example.com/' } }, 'author.url'],
    [{ baseUrl: 'https://user:secret@example.com/' }, 'baseUrl'],
    [{ baseUrl: 'ftp://example.com/' }, 'baseUrl'],
    [{ permalink: '/posts/:slug/%zz' }, 'permalink'],
    [{ permalink: '/posts/{:slug}|/' }, 'permalink'],
    // Post URLs stay below baseUrl: no host, no dot segments, encoded or not (found by the fuzzer).
    [{ permalink: '//evil.example/:slug/' }, 'permalink'],
    [{ permalink: '/%2e%2e/:slug/' }, 'permalink'],
    [{ permalink: '/posts/../../:slug/' }, 'permalink'],
    // Output names: postfeed's own lock, journal and staging names, any dot name, one name twice.
    [{ output: { rss: '.postfeed.lock' } }, 'output.rss'],
    [{ output: { atom: '.postfeed-commit.json' } }, 'output.atom'],
    [{ output: { json: '.hidden.json' } }, 'output.json'],
    [{ output: { rss: 'feed.xml', atom: 'feed.xml' } }, 'output'],
  ])('%j names %s', async (override, field) => {
    const { cwd, before } = await publishedProject();
    writeFileSync(path.join(cwd, 'postfeed.config.json'), JSON.stringify({ ...BASE_CONFIG, ...override }));
    const result = await run(cwd);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^postfeed\\.config\\.json: ${field}: `, 'm'));
    expect(result.stderr).not.toMatch(/internal error|    at /);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
  });
});

describe('flags and environment variables', () => {
  it.concurrent.each([
    [['--limit', '99999999999999999999'], {}, /^postfeed: --limit: must be a whole number/m],
    [['--limit', '-1'], {}, /--limit/],
    [['--base-url', 'ftp://example.com/'], {}, /^postfeed: --base-url: "ftp:\/\/example.com\/" must be an http or https URL/m],
    [[], { POSTFEED_BASE_URL: 'javascript:alert(1)' }, /^postfeed: POSTFEED_BASE_URL: /m],
    [[], { SOURCE_DATE_EPOCH: '1688169600000000' }, /^postfeed: SOURCE_DATE_EPOCH: .*seconds, not milliseconds/m],
    [[], { SOURCE_DATE_EPOCH: 'yesterday' }, /^postfeed: SOURCE_DATE_EPOCH: must be whole seconds/m],
  ] as Array<[string[], Record<string, string>, RegExp]>)('%j %j: exit 2, naming the flag or variable', async (args, env, message) => {
    const { cwd, before } = await publishedProject();
    const result = await runCliAsync(cwd, ['build', ...args], { POSTFEED_BASE_URL: '', SOURCE_DATE_EPOCH: '', ...env });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/postfeed\.config\.json/);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
  });
});

describe('a commit a killed run left half done', () => {
  it('is completed first, even by a run whose input has errors, so "left as it was" is true of a complete set', async () => {
    const { cwd } = await publishedProject();
    const dist = path.join(cwd, 'dist');
    // Killed right after the commit point: journal written, staged files not yet moved.
    const staging = '.postfeed-staging-4242-0badc0de';
    mkdirSync(path.join(dist, staging));
    for (const name of ['rss.xml', 'atom.xml']) writeFileSync(path.join(dist, staging, name), `new ${name}`);
    writeFileSync(path.join(dist, '.postfeed-commit.json'), JSON.stringify({ staging, files: ['rss.xml', 'atom.xml'] }));
    writeFileSync(path.join(cwd, 'posts', 'broken.md'), post('title: Broken\ndate: 2023-02-30'));
    const result = await run(cwd);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/nothing written, dist\/ left as it was/);
    expect(readFileSync(path.join(dist, 'rss.xml'), 'utf8')).toBe('new rss.xml');
    expect(readFileSync(path.join(dist, 'atom.xml'), 'utf8')).toBe('new atom.xml');
    expect(existsSync(path.join(dist, '.postfeed-commit.json'))).toBe(false);
    expect(existsSync(path.join(dist, staging))).toBe(false);
  });
});

describe('emptied feeds', () => {
  it('warns, naming why, when posts exist but none is published; --strict refuses to empty the feeds', async () => {
    const { cwd, before } = await publishedProject();
    writeFileSync(path.join(cwd, 'posts', 'good.md'), post('title: Good\ndate: 2020-01-01\ndraft: true'));
    writeFileSync(path.join(cwd, 'posts', 'later.md'), post('title: Later\ndate: 2999-01-01'));
    const strict = await run(cwd, ['--strict']);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/^posts: warning: posts: none of the 2 posts is published, so the feeds would be empty: 1 is a draft .*; 1 is dated after /m);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
    const lenient = await run(cwd);
    expect(lenient.status).toBe(0);
    expect(lenient.stderr).toMatch(/none of the 2 posts is published/);
  });
});
