// Front matter: no type guessing, YAML errors with file and line, no code evaluation, no silent loss.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, type Diagnostic } from '../src/index.js';
import { splitFrontMatter } from '../src/parse/front-matter.js';
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

  it('reports the error on every parse, not only the first', async () => {
    const text = '---\ntitle: Re: hello\ndate: 2023-07-01\n---\nbody\n';
    expect((await buildOne(text)).errors).toHaveLength(1);
    expect((await buildOne(text)).errors).toHaveLength(1);
  });

  it('rejects duplicate keys, naming both lines', async () => {
    const { errors } = await buildOne('---\ntitle: A\ndate: 2023-07-01\ntitle: B\n---\n');
    expect(errors).toEqual([at(4, 'front matter', /"title" is repeated \(first set on line 2\)/)]);
  });

  it('points at the line in a longer file', async () => {
    const { errors } = await buildOne('---\ntitle: A\ndate: 2023-07-01\ntags:\n  - a\n  - [b\n---\n');
    expect(errors[0]).toEqual(at(undefined, 'front matter'));
    expect(errors[0]!.line).toBeGreaterThanOrEqual(6);
  });
});

describe('front matter that is never evaluated', () => {
  it.each([
    ['js', at(2, 'title', /^not a literal value; postfeed reads JavaScript front matter without running it$/)],
    ['javascript', at(2, 'title', /^not a literal value; postfeed reads JavaScript front matter without running it$/)],
    ['coffee', at(1, 'front matter', /refused: postfeed never evaluates code/)],
  ])('refuses code in ---%s without running it', async (language, expected) => {
    const marker = path.join(tmpdir(), `postfeed-pwned-${language}-${process.pid}`);
    const payload = `{ title: require('fs').writeFileSync(${JSON.stringify(marker)}, 'x') || 'x', date: '2023-07-01' }`;
    const { errors } = await buildOne(`---${language}\n${payload}\n---\nbody\n`);
    expect(errors).toEqual([expected]);
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

  it('reads TOML front matter (+++), as Zola and Hugo write it', async () => {
    const { json, errors } = await buildOne('+++\ntitle = "A"\ndate = 2023-07-01T10:00:00+02:00\ntags = ["x"]\n+++\nbody\n');
    expect(errors).toEqual([]);
    expect(json.items[0]).toMatchObject({ title: 'A', date_published: '2023-07-01T08:00:00Z', tags: ['x'] });
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

// ---------------------------------------------------------------------------------------------
// The splitter and the YAML reader on their own: exact lines, columns and codes.

const LINE_ENDINGS = [
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  ['CR', '\r'],
] as const;

/** The problems of a post that must fail, as [line, column, code, message]. */
function problemsOf(text: string) {
  const result = splitFrontMatter(text);
  expect(result.ok, 'the front matter is refused').toBe(false);
  return result.ok ? [] : result.problems.map((problem) => [problem.line, problem.column, problem.code, problem.message]);
}

describe('line endings: CRLF and lone CR read exactly like LF', () => {
  const accepted: Array<[string, string, Record<string, unknown>]> = [
    ['ends in draft: false', '---\ntitle: A\ndraft: false\n---\nBody.\n', { title: 'A', draft: 'false' }],
    ['ends in a flow list', '---\ntitle: A\ntags: [a, b]\n---\nBody.\n', { title: 'A', tags: ['a', 'b'] }],
    ['ends in a quoted value', '---\ndate: 2023-07-01\ntitle: "Quoted"\n---\nBody.\n', { date: '2023-07-01', title: 'Quoted' }],
    ['has a block scalar', '---\ntitle: A\ndescription: |\n  one\n  two\n---\nBody.\n', { title: 'A', description: 'one\ntwo\n' }],
    ['has trailing spaces on the delimiters', '---  \ntitle: A\n--- \nBody.\n', { title: 'A' }],
    ['is empty', '---\n---\nBody.\n', {}],
    ['is JavaScript (---js)', '---js\nconst title = "A";\n// draft: true\n---\nBody.\n', { title: 'A' }],
    ['is an MDX export', "import x from 'y'\nexport const meta = {\n  title: 'A',\n}\nBody.\n", { title: 'A' }],
  ];
  describe.each(LINE_ENDINGS)('%s', (_name, newline) => {
    it.each(accepted)('front matter that %s', (_case, text, data) => {
      const result = splitFrontMatter(text.replaceAll('\n', newline));
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect({ ...result.frontMatter.data }).toEqual(data);
      expect(result.body).toBe('Body.\n');
      expect(result.bodyLine).toBe(text.split('\n').indexOf('Body.') + 1);
      expect(result.warnings).toEqual([]);
    });

    it.each([
      ['no closing line', '---\ntitle: A\n\nBody.\n', [[1, undefined, 'front-matter-delimiter', expect.stringMatching(/never closed/)]]],
      ['a comment on the closing line', '---\ntitle: A\n--- # comment\nBody.\n', [[3, undefined, 'front-matter-delimiter', 'the closing line must be exactly "---", found "--- # comment"']]],
      ['a comment on the opening line', '--- # comment\ntitle: A\n---\n', [[1, undefined, 'front-matter-delimiter', expect.stringMatching(/opening line must be exactly "---", found "--- # comment"$/)]]],
      ['a comment on the TOML opening line', '+++ # toml\ntitle = "A"\n+++\n', [[1, undefined, 'front-matter-delimiter', 'the opening line must be exactly "+++", found "+++ # toml"']]],
      ['a code engine', '---coffee\ntitle: "A"\n---\n', [[1, undefined, 'front-matter-language', expect.stringMatching(/"coffee" is refused/)]]],
      ['code in ---js', '---js\nconst title = String("A");\n---\n', [[2, 15, 'js-not-literal', expect.stringMatching(/^not a literal value/)]]],
      ['a blank line before the opener', '\n---\ntitle: A\n---\n', [[2, undefined, 'front-matter-delimiter', expect.stringMatching(/must start on line 1/)]]],
      ['no front matter', '# Title\n\ntext\n', [[1, undefined, 'front-matter-missing', expect.stringMatching(/no front matter/)]]],
      ['a single value', '---\njust text\n---\n', [[2, undefined, 'front-matter-not-mapping', expect.stringMatching(/not a single value/)]]],
      ['a list', '---\n- a\n---\n', [[2, undefined, 'front-matter-not-mapping', expect.stringMatching(/not a list/)]]],
      ['an unquoted ": "', '---\ntitle: Re: hello\n---\n', [[2, 8, 'yaml-syntax', expect.stringMatching(/put the value in quotes/)]]],
      ['a repeated key', '---\ntitle: A\ndate: 2023-07-01\ntitle: B\n---\n', [[4, 1, 'yaml-duplicate-key', 'YAML: the key "title" is repeated (first set on line 2); each key may appear once']]],
      ['an unclosed quote', '---\ntitle: "A\ndate: 2023-07-01\n---\n', [[2, 8, 'yaml-unclosed', 'YAML: the quote (") opened here is never closed']]],
    ])('refuses %s at the same place', (_case, text, expected) => {
      expect(problemsOf(text.replaceAll('\n', newline))).toEqual(expected);
    });

    it('warns about a comment that cuts a value short', () => {
      const result = splitFrontMatter('---\ntitle: Episode #1\n---\n'.replaceAll('\n', newline));
      expect(result.ok && result.warnings.map((warning) => [warning.line, warning.field, warning.code])).toEqual([[2, 'title', 'yaml-comment-in-value']]);
    });
  });
});

describe('the closing delimiter is checked like the opening one', () => {
  it.each([
    ['--- # comment', 3],
    ['----', 3],
    ['---yaml', 3],
  ])('refuses %j and publishes nothing of it', (closing, line) => {
    expect(problemsOf(`---\ntitle: A\n${closing}\nBody.\n`)).toEqual([[line, undefined, 'front-matter-delimiter', `the closing line must be exactly "---", found "${closing}"`]]);
  });

  it.each(['\u2028', '\u2029', '\u0085'])('reads --- after %j inside a value as text, not as the closing line', (separator) => {
    const result = splitFrontMatter(`---\ntitle: A\ntags: ["${separator}---"]\n---\nBody.\n`);
    expect(result.ok && [{ ...result.frontMatter.data }, result.body]).toEqual([{ title: 'A', tags: [`${separator}---`] }, 'Body.\n']);
  });

  it('keeps a body that contains more --- lines as it is', () => {
    const result = splitFrontMatter('---\ntitle: A\n---\nOne\n---\nTwo\n--- # not front matter\n');
    expect(result.ok && [result.body, result.bodyLine]).toEqual(['One\n---\nTwo\n--- # not front matter\n', 4]);
  });
});

describe('a repeated YAML key names both lines', () => {
  it('in a nested mapping too, and for each repetition', () => {
    const problems = problemsOf('---\ntitle: A\nauthor:\n  name: Ann\n  email: a@example.com\n  name: Bob\ntitle: B\ntitle: C\n---\n');
    expect(problems.sort(([a], [b]) => Number(a) - Number(b))).toEqual([
      [6, 3, 'yaml-duplicate-key', 'YAML: the key "name" is repeated (first set on line 4); each key may appear once'],
      [7, 1, 'yaml-duplicate-key', 'YAML: the key "title" is repeated (first set on line 2); each key may appear once'],
      [8, 1, 'yaml-duplicate-key', 'YAML: the key "title" is repeated (first set on line 2); each key may appear once'],
    ]);
  });
});

describe('YAML tags are refused, whatever the tag', () => {
  it.each([
    ['date: !!timestamp 2023-07-01', '!!timestamp', 7],
    ['title: !!binary SGVsbG8=', '!!binary', 8],
    ['tags: !!set {a, b}', '!!set', 7],
    ['tags: !!omap [a: 1]', '!!omap', 7],
    ['tags: !!pairs [a: 1]', '!!pairs', 7],
    ['title: !!str Hello', '!!str', 8],
    ['title: !custom Hello', '!custom', 8],
    ['title: !<tag:example.com,2023:x> Hello', '!<tag:example.com,2023:x>', 8],
    ['title: !!js/function "function () {}"', '!!js/function', 8],
    ['title: &anchor !!str Hello', '!!str', 16],
    ['!!str title: Hello', '!!str', 1],
  ])('%s', (line, tag, column) => {
    expect(problemsOf(`---\nslug: a\n${line}\n---\n`)).toEqual([
      [3, column, 'yaml-tag', `YAML tag ${tag} is not allowed: front matter is plain data; remove the tag (quote the value if it must stay text)`],
    ]);
  });

  it('reports every tag, each on its own line', () => {
    expect(problemsOf('---\ntitle: !!str A\ndate: !x 2023-07-01\ntags:\n  - !!binary SGk=\n---\n').map(([line]) => line)).toEqual([2, 3, 5]);
  });

  it('still reads an exclamation mark in a value as text', () => {
    const result = splitFrontMatter('---\ntitle: Hello! World!!\nquoted: "!!str"\n---\n');
    expect(result.ok && { ...result.frontMatter.data }).toEqual({ title: 'Hello! World!!', quoted: '!!str' });
  });
});

describe('unclosed quotes and brackets are reported where they open', () => {
  it.each([
    ['title: "Unclosed\ndate: 2023-07-01', [2, 8, 'YAML: the quote (") opened here is never closed']],
    ["title: 'Unclosed\ndate: 2023-07-01\ndescription: fine", [2, 8, "YAML: the quote (') opened here is never closed"]],
    ['title: A\ntags: [news, politics\ndate: 2023-07-01', [3, 7, 'YAML: the [ opened here is never closed with ]']],
    ['title: A\ndate: 2023-07-01\ntags: [a, b', [4, 7, 'YAML: the [ opened here is never closed with ]']],
    ['author: {name: Ann\ndate: 2023-07-01', [2, 9, 'YAML: the { opened here is never closed with }']],
  ])('%j', (lines, [line, column, message]) => {
    expect(problemsOf(`---\n${lines}\n---\n`)).toEqual([[line, column, 'yaml-unclosed', message]]);
  });

  it('reports each of two nested unclosed brackets where it opens', () => {
    expect(problemsOf('---\ntitle: A\nx: {a: [b, c}\ndate: 2023-07-01\n---\n')).toEqual([
      [3, 4, 'yaml-unclosed', 'YAML: the { opened here is never closed with }'],
      [3, 8, 'yaml-unclosed', 'YAML: the [ opened here is never closed with ]'],
    ]);
  });
});

describe('aliases', () => {
  it('names an alias to an anchor that does not exist (not an alias bomb)', () => {
    expect(problemsOf('---\ntitle: *headline\ndate: 2023-07-01\n---\n')).toEqual([
      [2, 8, 'yaml-alias-undefined', 'YAML: alias *headline refers to no anchor (define &headline on an earlier value)'],
    ]);
  });

  it('refuses an alias used before its anchor', () => {
    expect(problemsOf('---\ntitle: *t\nx: &t Hello\n---\n').map(([line, , code]) => [line, code])).toEqual([[2, 'yaml-alias-undefined']]);
  });

  it('refuses an alias inside the value it refers to', () => {
    expect(problemsOf('---\ntags: &t [a, *t]\n---\n')).toEqual([[2, 14, 'yaml-alias-cycle', 'YAML: alias *t refers to a value that contains it']]);
  });

  it('reads ordinary anchors and aliases', () => {
    const result = splitFrontMatter('---\nname: &n Ann\nauthor: {name: *n}\ntags: &t [a, b]\nmore: *t\n---\n');
    expect(result.ok && JSON.parse(JSON.stringify(result.frontMatter.data))).toEqual({ name: 'Ann', author: { name: 'Ann' }, tags: ['a', 'b'], more: ['a', 'b'] });
  });

  it('still calls a billion laughs an alias bomb', () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [index, name] of [...'bcdefghi'].entries()) levels.push(`${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[index]}`).join(', ')}]`);
    expect(problemsOf(`---\n${levels.join('\n')}\n---\n`)).toEqual([[1, undefined, 'yaml-alias-bomb', expect.stringMatching(/too many YAML aliases/)]]);
  });
});

describe('a comment that swallows part of a value', () => {
  it.each([
    ['title: Episode #1', 'title', 2, 15, '"#1" is a YAML comment and is left out of the value "Episode"; put the whole value in quotes to keep it'],
    ['tags:\n  - c #sharp', 'tags[0]', 3, 6, '"#sharp" is a YAML comment and is left out of the value "c"; put the whole value in quotes to keep it'],
    ['author:\n  name: Ann #2', 'author.name', 3, 12, '"#2" is a YAML comment and is left out of the value "Ann"; put the whole value in quotes to keep it'],
  ])('%j warns', (line, field, lineNumber, column, message) => {
    const result = splitFrontMatter(`---\n${line}\n---\n`);
    expect(result.ok && result.warnings).toEqual([{ line: lineNumber, column, field, code: 'yaml-comment-in-value', message }]);
  });

  it.each(['title: "Episode #1"', 'title: Episode#1', '# a comment line\ntitle: A', 'tags:\n  # a comment\n  - a'])('%j does not warn', (lines) => {
    const result = splitFrontMatter(`---\n${lines}\n---\n`);
    expect(result.ok && result.warnings).toEqual([]);
  });
});

describe('bounded work on hostile front matter', () => {
  const seconds = (run: () => void) => {
    const started = performance.now();
    run();
    return (performance.now() - started) / 1000;
  };

  it('refuses 20,000 keys quickly (the YAML library compares every key with every other: 10,000 took ~5 s, 20,000 ~19 s)', () => {
    const text = `---\ntitle: A\ndate: 2023-07-01\n${Array.from({ length: 20_000 }, (_, index) => `k${index}: v`).join('\n')}\n---\n`;
    let problems: unknown[] = [];
    expect(seconds(() => (problems = problemsOf(text)))).toBeLessThan(5);
    // The 1,001st key (title and date come first) is on line 1002.
    expect(problems).toEqual([[1002, 1, 'front-matter-too-many-keys', "has 20,002 keys; the limit is 1,000 (front matter is for a post's metadata)"]]);
  });

  it('refuses brackets nested more than 100 deep before parsing them, at the bracket', () => {
    expect(problemsOf(`---\ntitle: A\nx: ${'{a: '.repeat(10_000)}\n---\n`)).toEqual([
      [3, 4 + 100 * 4, 'yaml-too-deep', 'YAML: nested too deeply to read (more than 100 levels of [ and {)'],
    ]);
    expect(problemsOf(`---\ntags: ${'['.repeat(101)}${']'.repeat(101)}\n---\n`).map(([, , code]) => code)).toEqual(['yaml-too-deep']);
    expect(splitFrontMatter(`---\ntags: ${'['.repeat(100)}a${']'.repeat(100)}\n---\n`).ok).toBe(true);
  });

  it('points at the key over the limit, tabs counted as characters', () => {
    const pairs = Array.from({ length: 1_001 }, (_, index) => `k${index}:\tv`);
    const line = `x: {${pairs.join(',\t')}}`;
    expect(problemsOf(`---\n${line}\n---\n`)).toEqual([
      [2, line.indexOf('k999:') + 1, 'front-matter-too-many-keys', "has 1,002 keys; the limit is 1,000 (front matter is for a post's metadata)"],
    ]);
  });

  it('counts keys written without ":" (a flow mapping of bare keys)', () => {
    const bare = Array.from({ length: 1_001 }, (_, index) => `k${index}`).join(', ');
    expect(problemsOf(`---\ntitle: A\nx: {${bare}}\n---\n`)).toEqual([
      [3, expect.any(Number), 'front-matter-too-many-keys', "has at least 1,003 keys; the limit is 1,000 (front matter is for a post's metadata)"],
    ]);
  });

  it('counts nested keys too', () => {
    const nested = Array.from({ length: 40 }, (_, outer) => `m${outer}:\n${Array.from({ length: 30 }, (_, inner) => `  k${inner}: v`).join('\n')}`).join('\n');
    expect(problemsOf(`---\n${nested}\n---\n`).map(([, , code]) => code)).toEqual(['front-matter-too-many-keys']);
  });

  it('accepts 1,000 keys and finds the line of each without scanning (lineOf is not linear per key)', () => {
    const text = `---\n${Array.from({ length: 1_000 }, (_, index) => `k${index}: v`).join('\n')}\n---\n`;
    const result = splitFrontMatter(text);
    expect(result.ok).toBe(true);
    if (result.ok) expect(Array.from({ length: 1_000 }, (_, index) => result.frontMatter.lineOf([`k${index}`]))).toEqual(Array.from({ length: 1_000 }, (_, index) => index + 2));
  });

  it('refuses more than 20,000 values (10,000 tags stay for the maxTags check, which names the field)', () => {
    const text = `---\ntags: [${Array.from({ length: 21_000 }, (_, index) => `t${index}`).join(', ')}]\n---\n`;
    expect(problemsOf(text)).toEqual([[2, expect.any(Number), 'front-matter-too-many-nodes', "has more than 20,000 values; front matter is for a post's metadata"]]);
    expect(splitFrontMatter(`---\ntags: [${Array.from({ length: 10_000 }, (_, index) => `t${index}`).join(', ')}]\n---\n`).ok).toBe(true);
  });

  it('bounds what aliases expand to, and names the alias that goes over', () => {
    const long = 'lorem ipsum '.repeat(100_000); // 1.2 MB
    const text = `---\ntitle: A\nx: &a "${long}"\ndescription: *a\nauthors: [${Array(20).fill('*a').join(', ')}]\n---\n`;
    // The limit is ten times the front matter (1.2 MB, from after the opening "---" to the newline
    // before the closing one): x, description and eight of the authors fit.
    const limit = (10 * (text.indexOf('\n---\n', 3) - '---'.length)).toLocaleString('en-US');
    expect(problemsOf(text)).toEqual([
      [5, 11 + 8 * 4, 'front-matter-too-large', `YAML alias *a expands the front matter to more than ${limit} characters; refused as a resource-exhaustion attack`],
    ]);
  });

  it('allows a long value to be reused a few times', () => {
    const long = 'lorem ipsum '.repeat(100_000);
    const result = splitFrontMatter(`---\ntitle: A\nx: &a "${long}"\ndescription: *a\nsummary: *a\n---\n`);
    expect(result.ok).toBe(true);
  });
});
