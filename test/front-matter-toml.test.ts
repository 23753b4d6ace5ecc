// TOML front matter (+++ … +++, as Zola and Hugo write it): the same FrontMatter as YAML, every
// scalar as written, file lines for keys and list items, one-line errors with line and column.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.js';
import { splitFrontMatter, type FrontMatter } from '../src/parse/front-matter.js';
import { parsePost } from '../src/parse/post.js';
import { BASE_CONFIG } from './helpers.js';

/** The front matter of a post that must be accepted. */
function frontMatterOf(text: string): FrontMatter {
  const result = splitFrontMatter(text);
  if (!result.ok) expect.fail(`refused: ${JSON.stringify(result.problems)}`);
  expect(result.warnings).toEqual([]);
  return result.frontMatter;
}

/** The data as plain JSON (null-prototype records compare like any other). */
const dataOf = (text: string) => JSON.parse(JSON.stringify(frontMatterOf(text).data));

/** The problems of a post that must fail, as [line, column, code, message]. */
function problemsOf(text: string) {
  const result = splitFrontMatter(text);
  expect(result.ok, 'the front matter is refused').toBe(false);
  return result.ok ? [] : result.problems.map((problem) => [problem.line, problem.column, problem.code, problem.message]);
}

const toml = (lines: string) => `+++\n${lines}\n+++\nBody.\n`;

describe('values keep the shape the YAML reader gives', () => {
  it.each([
    ['a basic string', 'title = "Hello \\"world\\" \\u00e9"', 'Hello "world" é'],
    ['a literal string', "title = 'C:\\path'", 'C:\\path'],
    ['a multi-line string', 'title = """\none\ntwo"""', 'one\ntwo'],
    ['a multi-line literal string ending in quotes', "title = '''\nsay ''yes'''''", "say ''yes''"],
    ['an integer', 'weight = 10', '10'],
    ['an integer with underscores', 'weight = 1_000', '1_000'],
    ['a signed integer', 'weight = +10', '+10'],
    ['a hexadecimal integer', 'weight = 0x1F', '0x1F'],
    ['an integer past 2^53', 'weight = 9007199254740993', '9007199254740993'],
    ['a float', 'weight = 1.0', '1.0'],
    ['a float with an exponent', 'weight = 2e3', '2e3'],
    ['infinity', 'weight = -inf', '-inf'],
    ['true', 'draft = true', 'true'],
    ['false', 'draft = false', 'false'],
    ['a local date', 'date = 2024-01-31', '2024-01-31'],
    ['a UTC date-time', 'date = 2024-01-31T10:00:00Z', '2024-01-31T10:00:00Z'],
    ['a date-time with an offset and a space', 'date = 1979-05-27 07:32:00-08:00', '1979-05-27 07:32:00-08:00'],
    ['a date-time with fractions', 'date = 1979-05-27T00:32:00.999999+02:00', '1979-05-27T00:32:00.999999+02:00'],
    ['a local date-time', 'date = 1979-05-27T07:32:00', '1979-05-27T07:32:00'],
    ['a lower-case z', 'date = 1979-05-27t07:32:00z', '1979-05-27t07:32:00z'],
    ['a local time', 'time = 07:32:00', '07:32:00'],
    ['a value with a comment after it', 'weight = 10 # heavy', '10'],
  ])('%s stays as written', (_case, line, expected) => {
    const data = dataOf(toml(line));
    expect(Object.values(data)).toEqual([expected]);
  });

  it('reads arrays, tables, inline tables and arrays of tables as lists and records', () => {
    const text = toml(
      [
        'title = "x"',
        'nums = [1, 2.5, true, 2024-01-31, "s", [3]]',
        'author = { name = "Ann", email = "ann@example.com" }',
        'site.name = "Blog"',
        '[taxonomies]',
        'tags = ["a", \'b\']',
        '[extra.deep]',
        '"dotted.key" = 1',
        '[[authors]]',
        'name = "Ann"',
        '[[authors]]',
        'name = "Bob"',
        '[[authors.links]]',
        'url = "https://bob.example/"',
      ].join('\n'),
    );
    expect(dataOf(text)).toEqual({
      title: 'x',
      nums: ['1', '2.5', 'true', '2024-01-31', 's', ['3']],
      author: { name: 'Ann', email: 'ann@example.com' },
      site: { name: 'Blog' },
      taxonomies: { tags: ['a', 'b'] },
      extra: { deep: { 'dotted.key': '1' } },
      authors: [{ name: 'Ann' }, { name: 'Bob', links: [{ url: 'https://bob.example/' }] }],
    });
  });

  it('gives null-prototype records, so a table named __proto__ is only data', () => {
    const { data } = frontMatterOf(toml('[__proto__]\npolluted = "yes"\n[table]\nconstructor = 1'));
    expect(Object.getPrototypeOf(data)).toBe(null);
    expect(Object.getPrototypeOf(data.table)).toBe(null);
    expect(Object.keys(data)).toEqual(['__proto__', 'table']);
    expect({ ...(data['__proto__'] as object) }).toEqual({ polluted: 'yes' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('calls a value without quotes a plain scalar, so only draft = true is a boolean', () => {
    const frontMatter = frontMatterOf(toml('draft = true\nquoted = "true"\nlist = [true]\ntable = { a = true }'));
    expect(['draft', 'quoted', 'list', 'table', 'missing'].map((key) => frontMatter.isPlainScalar(key))).toEqual([true, false, false, false, false]);
  });

  it('reads empty front matter as no keys, and the body after the closing line', () => {
    const result = splitFrontMatter('+++\n+++\nBody.\n+++\nmore\n');
    expect(result.ok && [{ ...result.frontMatter.data }, result.body, result.bodyLine]).toEqual([{}, 'Body.\n+++\nmore\n', 3]);
    const bare = splitFrontMatter('+++\ntitle = "A"\n+++');
    expect(bare.ok && [bare.body, bare.bodyLine]).toEqual(['', 3]);
  });

  it('keeps characters no feed may carry for the field parsers to strip (TOML itself refuses raw C0 controls)', () => {
    expect(dataOf(toml('title = "a\u0085b\uFFFEc"'))).toEqual({ title: 'a\u0085b\uFFFEc' });
    expect(dataOf(toml('title = "a\\u0001b\\u007Fc"'))).toEqual({ title: 'a\u0001b\u007Fc' });
    expect(problemsOf(toml('title = "a\u0001b"'))).toEqual([[2, 11, 'toml-syntax', 'TOML: control characters are not allowed in strings']]);
  });
});

describe('lines are file lines (the opening +++ is line 1)', () => {
  const text = toml(
    [
      'title = "x"', // 2
      'description = """', // 3
      'one', // 4
      'two""""', // 5: the string ends in a quote
      'tags = [', // 6
      '  "a", # a comment', // 7
      '  "b",', // 8
      ']', // 9
      'author = { name = "Ann" }', // 10
      '', // 11
      '[taxonomies]', // 12
      '# categories first', // 13
      'categories = ["c"]', // 14
      'tags = ["t1", "t2"]', // 15
      '[[authors]]', // 16
      'name = "Ann"', // 17
      '[[authors]]', // 18
      'name = "Bob"', // 19
      '[[authors.links]]', // 20
      'url = "https://bob.example/"', // 21
      '[authors.extra]', // 22
      'x = 1', // 23
    ].join('\n'),
  );

  it.each([
    [['title'], 2],
    [['description'], 3],
    [['tags'], 6],
    [['tags', 0], 7],
    [['tags', 1], 8],
    [['author'], 10],
    [['author', 'name'], 10],
    [['taxonomies'], 12],
    [['taxonomies', 'categories'], 14],
    [['taxonomies', 'tags'], 15],
    [['taxonomies', 'tags', 1], 15],
    [['authors'], 16],
    [['authors', 0], 16],
    [['authors', 1], 18],
    [['authors', 1, 'name'], 19],
    [['authors', 1, 'links', 0], 20],
    [['authors', 1, 'links', 0, 'url'], 21],
    [['authors', 1, 'extra', 'x'], 23],
  ] as const)('%j is on line %i', (path, line) => {
    expect(frontMatterOf(text).lineOf(path)).toBe(line);
  });

  it('falls back to the nearest key above a path it does not know, and has no line for a missing key', () => {
    const frontMatter = frontMatterOf(text);
    expect(frontMatter.lineOf(['title', 0])).toBe(2);
    expect(frontMatter.lineOf(['missing'])).toBeUndefined();
  });

  it('finds the line of each of 1,000 keys', () => {
    const frontMatter = frontMatterOf(toml(Array.from({ length: 1_000 }, (_, index) => `k${index} = ${index}`).join('\n')));
    expect(Array.from({ length: 1_000 }, (_, index) => frontMatter.lineOf([`k${index}`]))).toEqual(Array.from({ length: 1_000 }, (_, index) => index + 2));
  });
});

describe('errors: one line, with the file line and column', () => {
  it.each([
    ['a value that is not TOML', 'title = "A"\ndate = 2024-01-31\nslug = hello', [4, 8, 'toml-syntax', 'TOML: invalid value']],
    ['YAML between +++ lines', 'title: A', [2, 6, 'toml-syntax', 'TOML: illegal character in key']],
    ['an unclosed string', 'title = "A\ndate = 2024-01-31', [2, 11, 'toml-syntax', 'TOML: a quoted string is not closed on its line']],
    ['an unclosed array', 'tags = ["a"\ndate = 2024-01-31', [3, 1, 'toml-syntax', 'TOML: expected comma or end of structure']],
    ['two values on a line', 'title = "A" date = 2024-01-31', [2, 13, 'toml-syntax', 'TOML: each key-value declaration must be followed by an end-of-line']],
    ['a date with a bad month', 'date = 2024-13-01', [2, 8, 'toml-syntax', expect.stringMatching(/^TOML: invalid date/)]],
  ])('%s', (_case, lines, expected) => {
    expect(problemsOf(toml(lines))).toEqual([expected]);
  });

  it.each([
    ['a key', 'title = "A"\ndate = 2024-01-31\ntitle = "B"', [4, 1, 'the key "title" is repeated (first set on line 2)']],
    ['a dotted key', 'site.name = "A"\n\nsite.name = "B"', [4, 1, 'the key "site.name" is repeated (first set on line 2)']],
    ['a key that is already a value', 'site = "A"\nsite.name = "B"', [3, 1, 'the key "site.name" is repeated (first set on line 2)']],
    ['a table', '[extra]\na = 1\n[extra]\nb = 2', [4, 2, 'the key "extra" is repeated (first set on line 2)']],
    ['a key in a table', '[extra]\na = 1\nb = 2\na = 3', [5, 1, 'the key "a" is repeated (first set on line 3)']],
    ['a key in an inline table', 'title = "A"\nauthor = { name = "A", name = "B" }', [3, 24, 'the key "name" is repeated (first set on line 3)']],
  ])('names both lines of a repeated %s', (_case, lines, [line, column, message]) => {
    expect(problemsOf(toml(lines as string))).toEqual([[line, column, 'toml-duplicate-key', `TOML: ${message}; each key may appear once`]]);
  });
});

describe('delimiters follow the --- rules', () => {
  it('accepts trailing spaces and tabs on both delimiter lines', () => {
    expect(dataOf('+++ \t\ntitle = "A"\n+++  \nBody.\n')).toEqual({ title: 'A' });
  });

  it.each([
    ['no closing line', '+++\ntitle = "A"\n\nBody.\n', [1, undefined, 'front-matter-delimiter', 'the front matter opened on line 1 is never closed with a "+++" line']],
    ['only the opening line', '+++', [1, undefined, 'front-matter-delimiter', 'the front matter opened on line 1 is never closed with a "+++" line']],
    ['a closing --- line', '+++\ntitle = "A"\n---\nBody.\n', [1, undefined, 'front-matter-delimiter', 'the front matter opened on line 1 is never closed with a "+++" line']],
    ['a comment on the closing line', '+++\ntitle = "A"\n+++ # end\n', [3, undefined, 'front-matter-delimiter', 'the closing line must be exactly "+++", found "+++ # end"']],
    ['a comment on the opening line', '+++ # toml\ntitle = "A"\n+++\n', [1, undefined, 'front-matter-delimiter', 'the opening line must be exactly "+++", found "+++ # toml"']],
    ['four plus signs', '++++\ntitle = "A"\n+++\n', [1, undefined, 'front-matter-delimiter', 'the opening line must be exactly "+++", found "++++"']],
    ['a blank line before the opening line', '\n+++\ntitle = "A"\n+++\n', [2, undefined, 'front-matter-delimiter', 'front matter must start on line 1; remove the 1 blank line(s) before "+++"']],
  ])('refuses %s', (_case, text, expected) => {
    expect(problemsOf(text)).toEqual([expected]);
  });
});

describe('line endings: CRLF and lone CR read exactly like LF', () => {
  const text = toml('title = "A"\ndate = 2024-01-31\ndescription = """\none\ntwo"""\n[taxonomies]\ntags = ["a",\n  "b"]');

  it.each([
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('%s', (_name, newline) => {
    const result = splitFrontMatter(text.replaceAll('\n', newline));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(JSON.parse(JSON.stringify(result.frontMatter.data))).toEqual({ title: 'A', date: '2024-01-31', description: 'one\ntwo', taxonomies: { tags: ['a', 'b'] } });
    expect([['date'], ['taxonomies', 'tags'], ['taxonomies', 'tags', 1]].map((path) => result.frontMatter.lineOf(path))).toEqual([3, 8, 9]);
    expect([result.body, result.bodyLine]).toEqual(['Body.\n', 11]);
  });

  it.each([
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('%s: errors keep their lines and columns', (_name, newline) => {
    expect(problemsOf(toml('title = "A"\ntitle = "B"').replaceAll('\n', newline))).toEqual([
      [3, 1, 'toml-duplicate-key', 'TOML: the key "title" is repeated (first set on line 2); each key may appear once'],
    ]);
    expect(problemsOf('+++\r\ntitle = "A"\r\n+++ x\r\n').map(([line]) => line)).toEqual([3]);
  });
});

describe('bounded work on hostile front matter', () => {
  const seconds = (run: () => void) => {
    const started = performance.now();
    run();
    return (performance.now() - started) / 1000;
  };
  /** Problem codes, timed: every case must end within five seconds on a loaded machine. */
  const timedCodes = (text: string) => {
    let codes: unknown[] = [];
    expect(seconds(() => (codes = problemsOf(text).map(([, , code]) => code)))).toBeLessThan(5);
    return codes;
  };

  it('refuses more than 1,000 keys at the key over the limit, without reading on', () => {
    const text = toml(`title = "A"\n${Array.from({ length: 20_000 }, (_, index) => `k${index} = "v"`).join('\n')}`);
    expect(problemsOf(text)).toEqual([[1002, 1, 'front-matter-too-many-keys', "has at least 1,001 keys; the limit is 1,000 (front matter is for a post's metadata)"]]);
    expect(splitFrontMatter(toml(Array.from({ length: 1_000 }, (_, index) => `k${index} = "v"`).join('\n'))).ok).toBe(true);
  });

  it('counts keys in tables, dotted keys and inline tables', () => {
    const tables = Array.from({ length: 40 }, (_, outer) => `[m${outer}]\n${Array.from({ length: 30 }, (_, inner) => `k${inner} = 1`).join('\n')}`).join('\n');
    expect(problemsOf(toml(tables)).map(([, , code]) => code)).toEqual(['front-matter-too-many-keys']);
    const inline = `x = { ${Array.from({ length: 1_001 }, (_, index) => `k${index} = 1`).join(', ')} }`;
    expect(problemsOf(toml(inline))).toEqual([[2, inline.indexOf('k999 ') + 1, 'front-matter-too-many-keys', "has at least 1,001 keys; the limit is 1,000 (front matter is for a post's metadata)"]]);
    expect(problemsOf(toml(Array.from({ length: 501 }, (_, index) => `a${index}.b = 1`).join('\n'))).map(([, , code]) => code)).toEqual(['front-matter-too-many-keys']);
  });

  it('refuses more than 20,000 values, but takes 10,000 tags (the maxTags check names the field)', () => {
    expect(problemsOf(toml(`tags = [${Array.from({ length: 21_000 }, (_, index) => `"t${index}"`).join(', ')}]`))).toEqual([
      [2, expect.any(Number), 'front-matter-too-many-nodes', "has more than 20,000 values; front matter is for a post's metadata"],
    ]);
    expect(splitFrontMatter(toml(`tags = [${Array.from({ length: 10_000 }, (_, index) => `"t${index}"`).join(', ')}]`)).ok).toBe(true);
  });

  it('refuses arrays and inline tables nested more than 100 deep, at the bracket', () => {
    expect(problemsOf(toml(`x = ${'['.repeat(200_000)}`))).toEqual([[2, 5 + 100, 'toml-too-deep', 'TOML: nested too deeply to read (more than 100 levels of [ and {)']]);
    expect(timedCodes(toml(`x = ${'{ a = '.repeat(40_000)}`))).toEqual(['toml-too-deep']);
    expect(splitFrontMatter(toml(`x = ${'['.repeat(100)}1${']'.repeat(100)}`)).ok).toBe(true);
  });

  it('refuses dotted keys and table headers more than 100 deep', () => {
    const deep = Array.from({ length: 101 }, () => 'a').join('.');
    expect(problemsOf(toml(`title = "A"\n${deep} = 1`))).toEqual([[3, 1, 'toml-too-deep', 'TOML: nested too deeply to read (more than 100 levels of tables and keys)']]);
    expect(problemsOf(toml(`[${deep}]`)).map(([line, , code]) => [line, code])).toEqual([[2, 'toml-too-deep']]);
    expect(splitFrontMatter(toml(`${deep.slice(2)} = 1`)).ok).toBe(true);
  });

  it.each([
    ['200 KB of [[a]] headers', '[[a]]\n'.repeat(40_000), 'front-matter-too-many-nodes'],
    ['200 KB of [ after a key', `a = ${'['.repeat(200_000)}`, 'toml-too-deep'],
    ['a dotted key 100,000 deep', `${'a.'.repeat(100_000)}a = 1`, 'toml-too-deep'],
    ['a table header 100,000 deep', `[${'a.'.repeat(100_000)}a]`, 'toml-too-deep'],
    ['100,000 keys', Array.from({ length: 100_000 }, (_, index) => `k${index} = 1`).join('\n'), 'front-matter-too-many-keys'],
    ['a repeated key after 200 KB', `x = "y"\n${'# filler\n'.repeat(25_000)}x = 1`, 'toml-duplicate-key'],
    ['an unclosed string of 1 MB', `title = """${'a\\\n'.repeat(300_000)}`, 'toml-syntax'],
  ])('%s is refused within 5 s', (_case, lines, code) => {
    expect(timedCodes(toml(lines))).toEqual([code]);
  });
});

describe('a Zola post builds', () => {
  const zola = '+++\ntitle = "x"\ndate = 2024-01-31\n[taxonomies]\ntags = ["a"]\n+++\nbody';

  it('through parsePost, with title, date and body', () => {
    const config = resolveConfig(BASE_CONFIG);
    if (!config.ok) expect.fail(JSON.stringify(config.issues));
    const { post, diagnostics } = parsePost({ file: 'posts/zola.md', text: zola }, config.config);
    // taxonomies is not a key postfeed maps (yet): an unknown key, line 4.
    expect(diagnostics.map((diagnostic) => [diagnostic.severity, diagnostic.field, diagnostic.line])).toEqual([['warning', 'taxonomies', 4]]);
    expect(post).toMatchObject({ title: 'x', date: new Date('2024-01-31T00:00:00Z'), markdown: 'body', bodyLine: 7 });
  });

  it('with its tags under taxonomies', () => {
    expect(dataOf(zola).taxonomies).toEqual({ tags: ['a'] });
  });

  it('reports field errors at the TOML line, and takes draft = true as a boolean', () => {
    const config = resolveConfig(BASE_CONFIG);
    if (!config.ok) expect.fail(JSON.stringify(config.issues));
    const text = '+++\ntitle = "x"\ndate = 2024-02-30\ndraft = true\n+++\n';
    expect(parsePost({ file: 'p.md', text }, config.config).diagnostics.map((diagnostic) => [diagnostic.field, diagnostic.line])).toEqual([['date', 3]]);
    const draft = parsePost({ file: 'p.md', text: '+++\ntitle = "x"\ndate = 2024-01-31\ndraft = true\n+++\n' }, config.config);
    expect(draft.post?.draft).toBe(true);
    const quoted = parsePost({ file: 'p.md', text: '+++\ntitle = "x"\ndate = 2024-01-31\ndraft = "true"\n+++\n' }, config.config);
    expect(quoted.diagnostics.map((diagnostic) => [diagnostic.field, diagnostic.line, diagnostic.message])).toEqual([['draft', 4, 'must be true or false without quotes, found the text "true"']]);
  });

  it('strips characters no feed may carry from a value, with a warning at its line', () => {
    const config = resolveConfig(BASE_CONFIG);
    if (!config.ok) expect.fail(JSON.stringify(config.issues));
    const { post, diagnostics } = parsePost({ file: 'p.md', text: '+++\ndate = 2024-01-31\ntitle = "a\\u0001b"\n+++\n' }, config.config);
    expect(post?.title).toBe('ab');
    expect(diagnostics.map((diagnostic) => [diagnostic.severity, diagnostic.code, diagnostic.field, diagnostic.line])).toEqual([['warning', 'forbidden-characters', 'title', 3]]);
  });
});
