// The fast reader of flat front matter (src/parse/flat-yaml.ts) must answer exactly as the full
// YAML parser does whenever it answers at all: compared here on generated near-miss front matter,
// and on whole posts (body and body line included). It must also answer for the front matter real
// posts have, or it saves nothing.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFlatYaml } from '../src/parse/flat-yaml.js';
import { parseYaml, splitFrontMatter, type FrontMatter } from '../src/parse/front-matter.js';

/** Everything a caller can ask of front matter, for the keys in `keys`. */
function answers(frontMatter: FrontMatter, keys: readonly string[]) {
  const out: Record<string, unknown> = { data: Object.entries(frontMatter.data) };
  for (const key of keys) {
    const value = frontMatter.data[key];
    const indexes: Array<string | number> = ['x', -1, 0.5, '', '01', 0, '0', 1, '1', 2, 7, 'name', 'url', 'title', 'constructor'];
    if (Array.isArray(value)) indexes.push(...value.map((_, i) => i), value.length);
    else if (value && typeof value === 'object') indexes.push(...Object.keys(value));
    out[key] = {
      line: frontMatter.lineOf([key]),
      plain: frontMatter.isPlainScalar(key),
      items: indexes.map((index) => frontMatter.lineOf([key, index])),
      deeper: frontMatter.lineOf([key, 0, 0]),
    };
  }
  return out;
}

// Pieces chosen to sit on both sides of every rule the fast reader has.
const VALUE_PIECES = [
  'word', 'Two words', 'x', '7', '2024-01-02', '2024-01-02T10:20:30Z', 'null', 'true', '~', '...', '---', 'a:b', 'a: b', 'a:',
  ':a', '#', ' #c', 'a#b', '"', "'", "''", '\\"', '\\\\', '\\n', '\\x41', ',', ', ', '[', ']', '{', '}', '-', '- ', '?', '&a', '*a', '!t',
  '|', '>', '%', '@', '`', '(', ')', '/p', '.', '+', '$', ' ', '  ', '\t', 'é', '東京', '😀', '\u00a0', '\u0085', '\u2028',
  '\ufeff', '\ufffe', '\ufdd0', '\u0001', '\u007f', '\u009f', '\\', 'it\'s', '<b>', '&amp;', '=', ';', '^', '|x', '~x',
];

// Mostly pieces the fast reader takes, so most values are near the edge rather than far past it.
const SAFE_PIECES = ['word', 'Two words', 'x', '7', '2024-01-02', 'a:b', '/p', 'é', '東京', '😀', 'it\'s', '&amp;', '(', '.'];
const piece = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...SAFE_PIECES) }, { weight: 1, arbitrary: fc.constantFrom(...VALUE_PIECES) });
const scalar = fc.oneof(
  { weight: 4, arbitrary: fc.array(piece, { minLength: 0, maxLength: 4 }).map((pieces) => pieces.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('"', "'").chain((quote) => fc.array(piece, { maxLength: 3 }).map((pieces) => `${quote}${pieces.join('')}${quote}`)) },
);
const key = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('title', 'date', 'tags', 'Title', 'a-b', 'a_b', 'x1', 'name', 'url', 'constructor') },
  { weight: 1, arbitrary: fc.constantFrom('_x', '1x', 'a b', 'a:b', '__proto__', 'toString', 'é', '-a', '"q"') },
);
const separator = fc.oneof({ weight: 12, arbitrary: fc.constant(': ') }, { weight: 1, arbitrary: fc.constantFrom(':', ':  ', ': \t', ' : ', ':\t') });
const indent = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('', '  ') }, { weight: 1, arbitrary: fc.constantFrom(' ', '    ', '\t', ' \t') });
const line = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(key, separator, scalar).map(([k, s, v]) => `${k}${s}${v}`) },
  { weight: 2, arbitrary: fc.tuple(key, fc.array(scalar, { maxLength: 3 }), fc.constantFrom(', ', ',', ' , ', ',  ')).map(([k, items, sep]) => `${k}: [${items.join(sep)}]`) },
  { weight: 3, arbitrary: key.map((k) => `${k}:`) },
  { weight: 3, arbitrary: fc.tuple(indent, scalar).map(([space, v]) => `${space}- ${v}`) },
  { weight: 3, arbitrary: fc.tuple(indent, key, separator, scalar).map(([space, k, s, v]) => `${space}${k}${s}${v}`) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(key, indent, fc.array(fc.tuple(fc.constantFrom('name', 'url', 'a'), scalar), { minLength: 1, maxLength: 3 }))
      .map(([k, space, pairs]) => [`${k}:`, ...pairs.map(([name, v]) => `${space || '  '}${name}: ${v}`)].join('\n')),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '# c', 'k: {a: b}', 'k: &a v', 'k: *a', 'k: !!str v', 'k: |', '  text', 'k: >-', '---', '...', '-', '- ') },
);
const frontMatterSource = fc.array(line, { minLength: 0, maxLength: 8 }).map((lines) => `\n${lines.join('\n')}`);

describe('the flat front matter reader answers as the YAML parser does', () => {
  it('on generated near-miss front matter', () => {
    let answered = 0;
    fc.assert(
      fc.property(frontMatterSource, (source) => {
        const flat = readFlatYaml(source);
        if (!flat) return;
        answered += 1;
        const full = parseYaml(source);
        expect(full.problems, source).toEqual([]);
        expect(full.frontMatter, source).toBeDefined();
        const keys = [...new Set([...Object.keys(flat.data), ...Object.keys(full.frontMatter!.data), 'missing', 'title', 'tags'])];
        expect(answers(flat, keys), source).toEqual(answers(full.frontMatter!, keys));
      }),
      { numRuns: 40_000 },
    );
    // The generator must reach the fast reader often, or this compares nothing.
    expect(answered).toBeGreaterThan(1_500);
  });

  it('on whole posts: the same body and body line, with any closing line and line ending', () => {
    fc.assert(
      fc.property(
        frontMatterSource,
        fc.constantFrom('---', '--- ', '---\t'),
        fc.constantFrom('', '\n', 'Body.\n', '\nBody\n\nMore', '  \nBody'),
        fc.constantFrom('\n', '\r\n'),
        (source, closing, body, newline) => {
          const text = `---${source}\n${closing}${body === '' ? '' : `\n${body}`}`.replaceAll('\n', newline);
          const fast = splitFrontMatter(text);
          const full = splitFrontMatter(text, { flat: false });
          if (!fast.ok || !full.ok) {
            expect(fast).toEqual(full);
            return;
          }
          expect({ body: fast.body, bodyLine: fast.bodyLine, warnings: fast.warnings }).toEqual({
            body: full.body,
            bodyLine: full.bodyLine,
            warnings: full.warnings,
          });
          expect(answers(fast.frontMatter, Object.keys(full.frontMatter.data))).toEqual(answers(full.frontMatter, Object.keys(full.frontMatter.data)));
        },
      ),
      { numRuns: 5_000 },
    );
  });
});

describe('the flat front matter reader takes the front matter real posts have', () => {
  it.each([
    ['a corpus post', '\ntitle: "Über field und value"\ndate: 2005-01-04\ndescription: Render city handles from post throughput latency practical.\ntags: [javascript]'],
    ['a Jekyll post', "\nlayout: post\ntitle: 'Welcome to Jekyll!'\ndate: 2015-11-07 12:05:00 +0100\ncategories: jekyll update\ntags:\n  - intro\n  - meta"],
    ['a Hugo post', '\ntitle: "Hello, world"\ndate: 2023-07-01T10:00:00+03:00\ndraft: false\ntags: ["go", "hugo"]\nslug: hello-world'],
  ])('%s', (_, source) => {
    const flat = readFlatYaml(source);
    expect(flat).toBeDefined();
    const full = parseYaml(source).frontMatter!;
    expect(answers(flat!, Object.keys(full.data))).toEqual(answers(full, Object.keys(full.data)));
  });

  it('the TASS post and the repository posts', () => {
    const posts = path.resolve('posts');
    const files = readdirSync(posts).filter((name) => name.endsWith('.md'));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const text = readFileSync(path.join(posts, name), 'utf8');
      const fast = splitFrontMatter(text);
      expect(fast.ok).toBe(true);
      const source = text.slice(3, text.indexOf('\n---', 3));
      expect(readFlatYaml(source), name).toBeDefined();
      const full = splitFrontMatter(text, { flat: false });
      if (!fast.ok || !full.ok) throw new Error(`${name} does not parse`);
      expect({ ...fast, frontMatter: answers(fast.frontMatter, Object.keys(full.frontMatter.data)) }).toEqual({
        ...full,
        frontMatter: answers(full.frontMatter, Object.keys(full.frontMatter.data)),
      });
    }
  });
});
