// Front matter: no type guessing, YAML errors with file and line, no code evaluation, no silent loss.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, type Diagnostic } from '../src/index.js';
import { makeProject, post } from './helpers.js';

async function buildOne(text: string, name = 'p.md') {
  const cwd = makeProject({ [name]: text });
  const result = await build({ cwd, now: new Date('2030-01-01T00:00:00Z') });
  const json = result.ok ? JSON.parse(result.files.find((f) => f.format === 'json')!.contents) : undefined;
  return { result, json, errors: result.diagnostics.filter((d) => d.severity === 'error') };
}

const at = (line: number | undefined, field: string, message?: RegExp): Partial<Diagnostic> =>
  expect.objectContaining({
    severity: 'error',
    file: path.join('posts', 'p.md'),
    ...(line !== undefined ? { line } : {}),
    field,
    ...(message ? { message: expect.stringMatching(message) } : {}),
  });

describe('no type guessing', () => {
  it.each([
    ['title: 1.0', '1.0'],
    ['title: 2024', '2024'],
    ['title: 0x1F', '0x1F'],
    ['title: true', 'true'],
    ['title: null', 'null'],
    ['title: 1e3', '1e3'],
    ['title: 2023-07-01', '2023-07-01'],
    ["title: 'single: quoted'", 'single: quoted'],
  ])('%s stays the string the author wrote', async (line, expected) => {
    const { json, errors } = await buildOne(post(`${line}\ndate: 2023-07-01`));
    expect(errors).toEqual([]);
    expect(json.items[0].title).toBe(expected);
  });

  it('keeps slug: 007 as "007"', async () => {
    const { json } = await buildOne(post('title: Bond\ndate: 2023-07-01\nslug: 007'));
    expect(json.items[0].url).toBe('https://example.com/blog/posts/007/');
  });

  it('takes draft only as an unquoted true or false', async () => {
    expect((await buildOne(post('title: T\ndate: 2023-07-01\ndraft: false'))).errors).toEqual([]);
    expect((await buildOne(post('title: T\ndate: 2023-07-01\ndraft: "true"'))).errors).toEqual([at(4, 'draft', /without quotes/)]);
    expect((await buildOne(post('title: T\ndate: 2023-07-01\ndraft: yes'))).errors).toEqual([at(4, 'draft', /true or false/)]);
  });
});

describe('YAML errors name the file and the line', () => {
  it('rejects "Re: hello" unquoted', async () => {
    const { errors } = await buildOne('---\ndate: 2023-07-01\ntitle: Re: hello\n---\nbody\n');
    expect(errors).toEqual([at(3, 'front matter', /put the value in quotes/)]);
  });

  it('reports the error on every parse, not only the first (gray-matter caches without options)', async () => {
    const text = '---\ntitle: Re: hello\ndate: 2023-07-01\n---\nbody\n';
    expect((await buildOne(text)).errors).toHaveLength(1);
    expect((await buildOne(text)).errors).toHaveLength(1);
  });

  it('rejects duplicate keys', async () => {
    const { errors } = await buildOne('---\ntitle: A\ndate: 2023-07-01\ntitle: B\n---\n');
    expect(errors).toEqual([at(4, 'front matter', /repeated/)]);
  });

  it('points at the line in a longer file', async () => {
    const { errors } = await buildOne('---\ntitle: A\ndate: 2023-07-01\ntags:\n  - a\n  - [b\n---\n');
    expect(errors[0]).toEqual(at(undefined, 'front matter'));
    expect(errors[0]!.line).toBeGreaterThanOrEqual(6);
  });
});

describe('front matter that is never evaluated', () => {
  it.each(['js', 'javascript', 'coffee'])('refuses ---%s without running it', async (language) => {
    const marker = path.join(tmpdir(), `postfeed-pwned-${language}-${process.pid}`);
    const payload = `{ title: require('fs').writeFileSync(${JSON.stringify(marker)}, 'x') || 'x', date: '2023-07-01' }`;
    const { errors } = await buildOne(`---${language}\n${payload}\n---\nbody\n`);
    expect(errors).toEqual([at(1, 'front matter', /refused: postfeed never evaluates code/)]);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses YAML tags that some parsers turn into code', async () => {
    const { errors } = await buildOne('---\ntitle: !!js/function "function () { return 1 }"\ndate: 2023-07-01\n---\n');
    expect(errors).toEqual([at(2, 'front matter', /!!js\/function is not allowed/)]);
  });
});

describe('no silent data loss', () => {
  it('rejects a missing closing ---', async () => {
    const { errors } = await buildOne('---\ntitle: A\ndate: 2023-07-01\n\nThe body that would vanish.\n');
    expect(errors).toEqual([at(1, 'front matter', /never closed/)]);
  });

  it('rejects TOML front matter', async () => {
    const { errors } = await buildOne('+++\ntitle = "A"\n+++\nbody\n');
    expect(errors).toEqual([at(1, 'front matter', /TOML/)]);
  });

  it.each([
    ['a single value', '---\njust a string\n---\nbody\n', 2],
    ['a list', '---\n- title\n- date\n---\nbody\n', 2],
  ])('rejects front matter that is %s', async (_kind, text, line) => {
    const { errors } = await buildOne(text);
    expect(errors).toEqual([at(line, 'front matter', /must be a mapping/)]);
  });

  it('rejects a file with no front matter, and one whose front matter starts late', async () => {
    expect((await buildOne('# Just Markdown\n')).errors).toEqual([at(1, 'front matter', /no front matter/)]);
    expect((await buildOne('\n\n---\ntitle: A\ndate: 2023-07-01\n---\n')).errors).toEqual([at(3, 'front matter', /must start on line 1/)]);
  });

  it('reports every problem of a post at once', async () => {
    const { errors } = await buildOne('---\ntitle: [a, b]\ndate: 2023-02-30\ntags: {a: 1}\nslug: "../x"\nid: nope\n---\n');
    expect(errors.map((e) => [e.field, e.line])).toEqual([
      ['title', 2],
      ['date', 3],
      ['tags', 4],
      ['slug', 5],
      ['id', 6],
    ]);
  });

  it('accepts unknown keys with a warning, and --strict makes it an error', async () => {
    const cwd = makeProject({ 'p.md': post('title: A\ndate: 2023-07-01\nlayout: post') });
    const relaxed = await build({ cwd });
    expect(relaxed.ok).toBe(true);
    expect(relaxed.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', field: 'layout', line: 4 })]);
    const strict = await build({ cwd, strict: true });
    expect(strict.ok).toBe(false);
    expect(strict.files).toEqual([]);
  });

  it('accepts the documented fields and author forms', async () => {
    const { json, errors } = await buildOne(
      post(`title: Full
date: 2023-07-01T10:00:00+02:00
updated: 2023-07-02T00:00:00Z
summary: The summary
authors:
  - Ann
  - { name: Bob, email: bob@example.com, url: "https://bob.example/" }
tags: [x]
id: "tag:example.com,2023:full"
slug: full-post
lang: de-DE`),
    );
    expect(errors).toEqual([]);
    expect(json.items[0]).toMatchObject({
      id: 'tag:example.com,2023:full',
      url: 'https://example.com/blog/posts/full-post/',
      summary: 'The summary',
      date_published: '2023-07-01T08:00:00Z',
      date_modified: '2023-07-02T00:00:00Z',
      authors: [{ name: 'Ann' }, { name: 'Bob', url: 'https://bob.example/' }],
      language: 'de-DE',
    });
  });

  it('derives the slug from the file name without its date prefix', async () => {
    const { json } = await buildOne(post('title: A\ndate: 2023-07-01'), '2023-07-01-hello-world.md');
    expect(json.items[0].url).toBe('https://example.com/blog/posts/hello-world/');
  });
});
