// JavaScript front matter (Eleventy `---js`, an MDX `export const meta = {…}`) read as literal data,
// never run: values as written, file lines of keys, names left out with a warning, everything that
// would have to run refused at its line and column, and bounded work on hostile input.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/resolve.js';
import { splitFrontMatter } from '../src/parse/front-matter.js';
import { readJsFrontMatter, readMdxExportFrontMatter, type JsFrontMatterResult } from '../src/parse/js-front-matter.js';
import { parsePost } from '../src/parse/post.js';
import { BASE_CONFIG, ROOT } from './helpers.js';

const ELEVENTY = '---js\nconst title = "This is a fifth post";\nconst date = "2023-01-23";\nconst draft = true;\n---\nbody\n';

const TAILWIND = `import { adamwathan } from '@/authors'
import image from './card.jpg'

export const meta = {
  title: 'Building the Tailwind Blog with Next.js',
  description: \`One of the things we've always wanted...\`,
  date: '2020-06-30T18:05:31Z',
  authors: [adamwathan],
  image,
  discussion: 'https://github.com/tailwindcss/tailwindcss.com/discussions/1',
}

Body markdown… it's <Image src={image} />
`;

function split(text: string) {
  const result = splitFrontMatter(text);
  if (!result.ok) expect.fail(JSON.stringify(result.problems));
  return result;
}

function read(source: string, firstLine = 1) {
  const result = readJsFrontMatter(source, firstLine);
  if (!result.ok) expect.fail(JSON.stringify(result.problems));
  return result;
}

/** The one problem of refused JavaScript, as [line, column, code, field]. */
function refusal(result: JsFrontMatterResult) {
  expect(result.ok, 'the JavaScript is refused').toBe(false);
  return result.ok ? [] : result.problems.map((problem) => [problem.line, problem.column, problem.code, problem.field]);
}

describe('Eleventy ---js front matter', () => {
  it('reads const statements, with draft as an unquoted word', () => {
    const result = split(ELEVENTY);
    expect({ ...result.frontMatter.data }).toEqual({ title: 'This is a fifth post', date: '2023-01-23', draft: 'true' });
    expect(['title', 'date', 'draft'].map((key) => [result.frontMatter.lineOf([key]), result.frontMatter.isPlainScalar(key)])).toEqual([
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect([result.body, result.bodyLine, result.warnings]).toEqual(['body\n', 6, []]);
  });

  it.each([
    ['a bare object', '---js\n{ title: "x", date: "2023-01-23" }\n---\nbody\n'],
    ['---javascript and module.exports', '---javascript\nmodule.exports = {\n  title: "x",\n  date: "2023-01-23",\n};\n---\nbody\n'],
    ['export default', '---js\nexport default { title: "x", date: "2023-01-23" }\n---\nbody\n'],
    ['--- js (spaced) and let, var, one statement per line without ;', '--- js\nlet title = "x"\nvar date = "2023-01-23"\n---\nbody\n'],
    ['several declarations in one statement', '---js\nconst title = "x", date = "2023-01-23";\n---\nbody\n'],
    ['imports, skipped', '---js\nimport { a } from "./a.js";\nimport "./side.js"\nconst title = "x";\nexport const date = "2023-01-23";\n---\nbody\n'],
  ])('reads %s', (_shape, text) => {
    const result = split(text);
    expect({ ...result.frontMatter.data }).toEqual({ title: 'x', date: '2023-01-23' });
    expect(result.body).toBe('body\n');
  });

  it('keeps every value as written, with comments and trailing commas', () => {
    const source = [
      '// a comment',
      'module.exports = {',
      '  /* block',
      '     comment */',
      '  n: 1.0, hex: 0x1F, big: 1_000n, negative: -1, exponent: 1e3,',
      "  single: 'it\\'s', double: \"a \\\"q\\\" \\u00e9 \\u{1F600} \\x41\\n\", template: `two",
      'lines`,',
      '  words: [true, false, null],',
      "  'quoted key': 1, 42: 'answer',",
      '  __proto__: { polluted: "no" },',
      '  nested: { list: [[1, 2], { deep: "yes", },], },',
      '};',
    ].join('\n');
    const { frontMatter, warnings } = read(source, 10);
    expect(warnings).toEqual([]);
    expect(JSON.parse(JSON.stringify(frontMatter.data))).toEqual({
      n: '1.0',
      hex: '0x1F',
      big: '1_000n',
      negative: '-1',
      exponent: '1e3',
      single: "it's",
      double: 'a "q" é 😀 A\n',
      template: 'two\nlines',
      words: ['true', 'false', 'null'],
      'quoted key': '1',
      '42': 'answer',
      ['__proto__']: { polluted: 'no' },
      nested: { list: [['1', '2'], { deep: 'yes' }] },
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(frontMatter.data)).toBeNull();
    expect(['n', 'single', 'template', 'words'].map((key) => frontMatter.isPlainScalar(key))).toEqual([true, false, false, false]);
    // File lines: the source starts on line 10.
    expect(frontMatter.lineOf(['n'])).toBe(14);
    expect(frontMatter.lineOf(['words', 2])).toBe(17);
    expect(frontMatter.lineOf(['nested', 'list', 1, 'deep'])).toBe(20);
    expect(frontMatter.lineOf(['single', 0])).toBe(15);
    expect(frontMatter.lineOf(['missing'])).toBeUndefined();
  });

  it('leaves out names it cannot look up, with a warning at each', () => {
    const { frontMatter, warnings } = read('const author = someone;\nconst title = "T";\nconst tags = ["a", tag, "b"];\nconst image = { src, alt: "x" };\n');
    expect(JSON.parse(JSON.stringify(frontMatter.data))).toEqual({ title: 'T', tags: ['a', 'b'], image: { alt: 'x' } });
    expect(warnings.map((warning) => [warning.line, warning.column, warning.field, warning.code])).toEqual([
      [1, 16, 'author', 'js-reference'],
      [3, 20, 'tags[1]', 'js-reference'],
      [4, 17, 'image.src', 'js-reference'],
    ]);
    expect(warnings[0]!.message).toBe('refers to `someone`, which postfeed cannot look up without running the code; left out');
    expect(frontMatter.lineOf(['tags', 1])).toBe(3);
  });

  it('joins a string continued with a backslash at the end of a line (LF or CRLF)', () => {
    expect(read('const a = "one \\\ntwo", b = \'one \\\r\ntwo\'').frontMatter.data).toEqual(Object.assign(Object.create(null), { a: 'one two', b: 'one two' }));
  });

  it('leaves out undefined, like a key not written, and a list of names only', () => {
    const { frontMatter, warnings } = read('export default {\n  title: "T",\n  image: undefined,\n  authors: [adam, steve],\n  tags: [undefined, "x"],\n}');
    expect(JSON.parse(JSON.stringify(frontMatter.data))).toEqual({ title: 'T', tags: ['x'] });
    expect(warnings.map((warning) => warning.field)).toEqual(['authors[0]', 'authors[1]']);
  });

  it('refuses prose that starts with "import" after 1,000 tokens, not at the end of the file', () => {
    expect(refusal(readJsFrontMatter(`import ${'word '.repeat(1_500)}from 'x'`, 1))).toEqual([[1, 1, 'js-syntax', 'front matter']]);
    expect(read(`import { ${'a, '.repeat(300)} } from 'x'\nconst title = "T"`).frontMatter.data.title).toBe('T');
  });
});

describe('MDX: export const meta = {…} at the top of the post', () => {
  it('reads the Tailwind blog shape; the imports and the export are not part of the body', () => {
    const result = split(TAILWIND);
    expect({ ...result.frontMatter.data }).toEqual({
      title: 'Building the Tailwind Blog with Next.js',
      description: "One of the things we've always wanted...",
      date: '2020-06-30T18:05:31Z',
      discussion: 'https://github.com/tailwindcss/tailwindcss.com/discussions/1',
    });
    expect(result.warnings.map((warning) => [warning.line, warning.field, warning.message])).toEqual([
      [8, 'authors[0]', 'refers to `adamwathan`, which postfeed cannot look up without running the code; left out'],
      [9, 'image', 'refers to `image`, which postfeed cannot look up without running the code; left out'],
    ]);
    expect(['title', 'description', 'date', 'discussion'].map((key) => result.frontMatter.lineOf([key]))).toEqual([5, 6, 7, 10]);
    expect(result.body).toBe("\nBody markdown… it's <Image src={image} />\n");
    expect(result.bodyLine).toBe(12);
  });

  it('gives the end of the statement (with its ;) and the line the body starts on', () => {
    const text = "import x from 'y'\nexport const metadata = { title: 'A' };\nText.\n";
    const found = readMdxExportFrontMatter(text);
    expect(found && [text.slice(0, found.endOffset).endsWith("'A' };"), found.bodyLine, found.result.ok]).toEqual([true, 3, true]);
    expect(split(text).body).toBe('Text.\n');
    expect(split('export const frontmatter = {\n  title: "B",\n}').body).toBe('');
  });

  it.each([
    ['Markdown', "# It's a title\n\nexport const meta = { title: 'x' }\n"],
    ['an import and no export', "import x from 'y'\n\nIt's Markdown.\n"],
    ['another export', "export const title = 'x'\n"],
    ['an export that is not an object', "export const meta = 'x'\n"],
    ['prose that starts with "import"', "import this: it's not code\n"],
  ])('finds none in %s', (_case, text) => {
    expect(readMdxExportFrontMatter(text)).toBeUndefined();
    expect(splitFrontMatter(text)).toMatchObject({ ok: false, problems: [{ code: 'front-matter-missing' }] });
  });

  it('refuses code in the export at its file line', () => {
    const text = "import data from './data'\n\nexport const meta = {\n  title: data.title,\n}\n";
    expect(refusal(readMdxExportFrontMatter(text)!.result)).toEqual([[4, 10, 'js-not-literal', 'title']]);
    expect(splitFrontMatter(text).ok).toBe(false);
  });
});

describe('anything that would have to run is refused at its line and column', () => {
  it.each([
    ['a call', "{ title: require('fs').readFileSync('/etc/passwd', 'utf8') }", 1, 10, 'title'],
    ['a call on a later line', "const a = 'x';\nconst title = String(1);", 2, 15, 'title'],
    ['an operator', "const title = 'a' + 'b';", 1, 15, 'title'],
    ['an operator after an object', 'module.exports = { title: "x" } || {}', 1, 18, 'front matter'],
    ['an operator in an object', "{ title: 'a' + 'b' }", 1, 14, 'title'],
    ['a name in an operation', 'const count = total * 2', 1, 15, 'count'],
    ['a member', '{ home: process.env.HOME }', 1, 9, 'home'],
    ['spread', '{ ...defaults, title: "x" }', 1, 3, 'front matter'],
    ['new Date(…)', 'const date = new Date("2020-01-01")', 1, 14, 'date'],
    ['an arrow function', 'const title = () => "x"', 1, 15, 'title'],
    ['a function', '{ title: function () { return "x" } }', 1, 10, 'title'],
    ['a method', '{ title() { return "x" } }', 1, 3, 'title'],
    ['a getter', '{ get title() { return "x" } }', 1, 3, 'front matter'],
    ['a computed key', '{ [key]: "x" }', 1, 3, 'front matter'],
    ['a tagged template', '{ title: html`<b>x</b>` }', 1, 10, 'title'],
    ['a regular expression', '{ pattern: /x+/ }', 1, 12, 'pattern'],
    ['an IIFE', '{ title: (function () { return "x" })() }', 1, 10, 'title'],
    ['a statement', 'console.log("hi")', 1, 1, 'front matter'],
    ['an if', 'if (a) { b }', 1, 1, 'front matter'],
    ['export default of a call', 'export default makeMeta()', 1, 16, 'front matter'],
    ['a destructuring declaration', 'const { a } = b', 1, 7, 'front matter'],
    ['a nested call', '{ list: [1, [2, f()]] }', 1, 17, 'list[1][1]'],
  ])('%s', (_case, source, line, column, field) => {
    const result = readJsFrontMatter(source, 1);
    expect(refusal(result)).toEqual([[line, column, 'js-not-literal', field]]);
    expect(!result.ok && result.problems[0]!.message).toMatch(/postfeed reads JavaScript front matter without running it$/);
  });

  it.each([
    ['${} in a template literal', 'const title = `Hi ${name}`', 1, 19, 'js-template-substitution'],
    ['an unclosed quote', "{\n  title: 'x,\n}", 2, 10, 'js-unclosed'],
    ['an unclosed template', 'const title = `x', 1, 15, 'js-unclosed'],
    ['an unclosed comment', 'const title = "x" /* note', 1, 19, 'js-syntax'],
    ['a missing comma', '{ title: "x"\n  date: "2023-01-23" }', 2, 3, 'js-syntax'],
    ['a repeated key', 'const title = "a";\nexport default { title: "b" }', 2, 18, 'js-duplicate-key'],
    ['a list hole', '{ tags: [1,,2] }', 1, 12, 'js-syntax'],
    ['an octal escape', 'const title = "\\1"', 1, 16, 'js-syntax'],
    ['a statement cut short', 'const title =', 1, 14, 'js-syntax'],
    ['a key without a value', '{ title: , date: "x" }', 1, 10, 'js-syntax'],
    ['a line continuation with CRLF, then no closing quote', 'const title = "a\\\r\nb', 1, 15, 'js-unclosed'],
  ])('%s', (_case, source, line, column, code) => {
    const result = readJsFrontMatter(source, 1);
    expect(refusal(result).map(([problemLine, problemColumn, problemCode]) => [problemLine, problemColumn, problemCode])).toEqual([[line, column, code]]);
  });

  it('names the repeated key and its first line', () => {
    const result = readJsFrontMatter('const title = "a";\nexport default { title: "b" }', 5);
    expect(!result.ok && result.problems[0]!.message).toBe('JavaScript: the key "title" is repeated (first set on line 5); each key may appear once');
  });
});

describe('never evaluated', () => {
  it.each(['engine-js.md', 'engine-javascript.md', 'engine-js-spaced.md'])('refuses test/bad-input/%s at the call, and writes no file', (fixture) => {
    const text = readFileSync(path.join(ROOT, 'test', 'bad-input', fixture), 'utf8');
    const marker = /writeFileSync\('([^']+)'/.exec(text)![1]!;
    const result = splitFrontMatter(text);
    expect(result).toMatchObject({ ok: false, problems: [{ line: 2, column: 10, field: 'title', code: 'js-not-literal' }] });
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses test/bad-input/engine-js-statements.md (a call, then code that would throw) at the call', () => {
    const text = readFileSync(path.join(ROOT, 'test', 'bad-input', 'engine-js-statements.md'), 'utf8');
    expect(splitFrontMatter(text)).toMatchObject({ ok: false, problems: [{ line: 3, column: 14, field: 'date', code: 'js-not-literal' }] });
    expect(existsSync('/tmp/postfeed-pwned-js-statements')).toBe(false);
  });

  it('reads past code that would throw or set a global if it ran, and refuses it', () => {
    const global = globalThis as { postfeedEvaluated?: string };
    const text = '---js\nconst title = (() => { throw new Error("evaluated") })();\nconst date = globalThis.postfeedEvaluated = "yes";\n---\n';
    expect(() => splitFrontMatter(text)).not.toThrow();
    expect(splitFrontMatter(text)).toMatchObject({ ok: false, problems: [{ line: 2, column: 15, code: 'js-not-literal' }] });
    expect(refusal(readJsFrontMatter('const date = globalThis.postfeedEvaluated = "yes";', 1))).toEqual([[1, 14, 'js-not-literal', 'date']]);
    expect(global.postfeedEvaluated).toBeUndefined();
  });

  it('still refuses ---coffee and ---json', () => {
    expect(splitFrontMatter('---coffee\ntitle: "x"\n---\n')).toMatchObject({ ok: false, problems: [{ line: 1, code: 'front-matter-language' }] });
    expect(splitFrontMatter('---json\n{ "title": "x" }\n---\n')).toMatchObject({ ok: false, problems: [{ line: 1, code: 'front-matter-language' }] });
  });
});

describe('limits, the same as for YAML and TOML', () => {
  const timed = (source: string) => {
    const started = performance.now();
    const result = readJsFrontMatter(source, 1);
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeLessThan(5);
    return result.ok ? 'ok' : result.problems.map((problem) => problem.code);
  };

  it('reads 100 levels of [ and {, and refuses 101 where the 101st opens', () => {
    expect(timed(`const x = ${'['.repeat(100)}${']'.repeat(100)}`)).toBe('ok');
    expect(timed(`const x = ${'{a: '.repeat(99)}{}${'}'.repeat(99)}`)).toBe('ok');
    const result = readJsFrontMatter(`const x = ${'['.repeat(101)}${']'.repeat(101)}`, 1);
    expect(refusal(result)).toEqual([[1, 111, 'js-too-deep', 'x' + '[0]'.repeat(100)]]);
  });

  it('allows 1,000 keys and refuses the 1,001st', () => {
    const keys = (count: number) => `module.exports = {${Array.from({ length: count }, (_, index) => `k${index}: 1`).join(',\n')}}`;
    expect(timed(keys(1000))).toBe('ok');
    expect(refusal(readJsFrontMatter(keys(1001), 1))).toEqual([[1001, 1, 'front-matter-too-many-keys', 'front matter']]);
  });

  it('allows 20,000 values and refuses the 20,001st', () => {
    expect(timed(`const x = [${'1,'.repeat(19_999)}]`)).toBe('ok');
    expect(timed(`const x = [${'1,'.repeat(20_000)}]`)).toEqual(['front-matter-too-many-nodes']);
  });

  it.each([
    ['200 KB of [', `const x = ${'['.repeat(200_000)}`, 'js-too-deep'],
    ['200 KB of {a:', `const x = ${'{a:'.repeat(70_000)}`, 'js-too-deep'],
    ['200 KB of names in a list', `const x = [${'abcdefghi,'.repeat(20_000)}]`, 'front-matter-too-many-nodes'],
    ['200 KB of keys', `export default {${Array.from({ length: 30_000 }, (_, index) => `k${index}:1,`).join('')}}`, 'front-matter-too-many-keys'],
    ['an unclosed string of 200 KB', `const x = "${'\\u0041'.repeat(35_000)}`, 'js-unclosed'],
    ['an unclosed template of 200 KB', `const x = \`${'a\\n'.repeat(70_000)}`, 'js-unclosed'],
    ['an unclosed comment of 200 KB', `const x = 1 /*${'*'.repeat(200_000)}`, 'js-syntax'],
    ['an import of 200 KB that never ends', `import ${'a, '.repeat(70_000)}`, 'js-syntax'],
    ['200 KB of comments', `${'/* x */ // y\n'.repeat(15_000)}const x = 1 +`, 'js-not-literal'],
    ['a member chain of 200 KB', `const x = ${'a.'.repeat(100_000)}`, 'js-not-literal'],
  ])('%s is refused within 5 s', (_case, source, code) => {
    expect(timed(source)).toEqual([code]);
  });

  it('finds an MDX export after 200 KB of imports within 5 s', () => {
    const started = performance.now();
    const found = readMdxExportFrontMatter(`${"import a from 'a'\n".repeat(11_000)}export const meta = { title: 'x' }\n`);
    expect(found?.result.ok).toBe(true);
    expect(readMdxExportFrontMatter(`import ${"x, don't ".repeat(20_000)}`)).toBeUndefined();
    expect((performance.now() - started) / 1000).toBeLessThan(5);
  });
});

describe('through parsePost', () => {
  const config = () => {
    const resolved = resolveConfig(BASE_CONFIG);
    if (!resolved.ok) expect.fail(JSON.stringify(resolved.issues));
    return resolved.config;
  };

  it('an Eleventy ---js post is a draft with its title and date', () => {
    const { post, diagnostics } = parsePost({ file: 'posts/fifth.md', text: ELEVENTY }, config());
    expect(diagnostics).toEqual([]);
    expect(post).toMatchObject({ title: 'This is a fifth post', date: new Date('2023-01-23T00:00:00Z'), draft: true, markdown: 'body\n', bodyLine: 6 });
  });

  it('a quoted "true" in ---js is text, refused as a draft flag like in YAML', () => {
    const text = '---js\nconst title = "x";\nconst date = "2023-01-23";\nconst draft = "true";\n---\n';
    expect(parsePost({ file: 'p.md', text }, config()).diagnostics.map((diagnostic) => [diagnostic.field, diagnostic.line, diagnostic.message])).toEqual([
      ['draft', 4, 'must be true or false without quotes, found the text "true"'],
    ]);
  });

  it('an MDX post has its title, date and description, and warns about what it left out', () => {
    const { post, diagnostics } = parsePost({ file: 'posts/tailwind.mdx', text: TAILWIND }, config());
    expect(post).toMatchObject({
      title: 'Building the Tailwind Blog with Next.js',
      date: new Date('2020-06-30T18:05:31Z'),
      description: "One of the things we've always wanted...",
      draft: false,
      bodyLine: 12,
    });
    expect(diagnostics.map((diagnostic) => [diagnostic.severity, diagnostic.code, diagnostic.field, diagnostic.line])).toEqual([
      ['warning', 'js-reference', 'authors[0]', 8],
      ['warning', 'js-reference', 'image', 9],
      ['warning', 'unknown-key', 'discussion', 10],
    ]);
  });
});
