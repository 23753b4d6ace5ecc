// Property-based fuzzing: random posts drawn from all of Unicode plus the strings that break feeds.
// For every run the XML is well-formed, Atom passes the RELAX NG schema, titles, ids, dates and
// summaries read back exactly (after the documented stripping) in all three formats, and no
// relative or script URL reaches the content. FUZZ_RUNS raises the default of 1,000 runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import { decodeHtmlText, hasCommand, makeProject, parseXml, SHARED, tempDir, text } from './helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
/** About 6 ms a run here; generous, so a long local FUZZ_RUNS is not cut short. */
const TIMEOUT = Math.max(60_000, RUNS * 50);

/** Pieces that have broken feed generators, mixed with arbitrary code points. */
const NASTY = [
  ']]>', ']]', '<![CDATA[', '<script>alert(1)</script>', '<b>', '</p>', '<!--', '-->', '&amp;', '&lt;', '&#x26;', '&#60;', '&copy',
  '&', '<', '>', '"', "'", '`', '“', '”', '‘', '’', '«', '»', '\\', '\u202E', '\u202D', '\u200F', '\u200B', '\u2066', '\u0301',
  'مرحبا', 'שלום', '日本語', 'Привет', '😀', '👩🏽‍💻', '\u{1F600}', '\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u001F',
  '\u007F', '\u0085', '\u009F', '\uFFFE', '\uFFFF', '\uD800', '\uDFFF', '\t', '\n', '\r\n', '  ', '\u00A0', '\u2028',
  'javascript:alert(1)', '[link](javascript:x)', '*em*', '# heading', '---', '...', ': ', '- ', '{{x}}', '%2e%2e/',
];
const shortPiece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
);
const piece = fc.oneof({ weight: 7, arbitrary: shortPiece }, { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 200, maxLength: 1200 }) });
const fuzzText = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
/** Mostly non-empty, so most runs get past validation; empty ones still test the rejection. */
const fieldText = fc.oneof(
  { weight: 9, arbitrary: fc.array(shortPiece, { minLength: 1, maxLength: 12 }).map((pieces) => pieces.join('')) },
  { weight: 1, arbitrary: fuzzText },
);

/** The documented stripping, written independently of src/: forbidden code points go, white space collapses. */
function expectedText(value: string): string {
  let out = '';
  for (let index = 0; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    const isHigh = unit >= 0xd800 && unit <= 0xdbff;
    const isLow = unit >= 0xdc00 && unit <= 0xdfff;
    if (isHigh && index + 1 < value.length && value.charCodeAt(index + 1) >= 0xdc00 && value.charCodeAt(index + 1) <= 0xdfff) {
      out += value[index]! + value[index + 1]!;
      index++;
      continue;
    }
    if (isHigh || isLow) continue;
    const forbidden = (unit < 0x20 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0d) || (unit >= 0x7f && unit <= 0x9f) || unit === 0xfffe || unit === 0xffff;
    if (!forbidden) out += value[index]!;
  }
  return out.replace(/\s+/gu, ' ').trim();
}

const fuzzPost = fc.record({
  title: fieldText,
  description: fuzzText,
  tags: fc.array(fieldText, { maxLength: 4 }),
  author: fuzzText,
  // A NUL byte makes the file binary (refused whole, see the bad-input catalogue): bodies carry
  // every other character, so the content checks get exercised.
  body: fc
    .array(fc.oneof(fuzzText, fc.constantFrom('[rel](../x/)', '![img](a b.png)', '<a href="?q=1">q</a>', '<img src="x.png" onerror="e()">')), { maxLength: 6 })
    .map((parts) => parts.join('\n\n').replaceAll('\u0000', '')),
  // Whole seconds between 2000 and 2030, written as RFC 3339 UTC.
  seconds: fc.integer({ min: 946_684_800, max: 1_893_456_000 }),
});

// Atom documents collected across runs, validated in one xmllint call at the end.
const atomDir = tempDir('postfeed-fuzz-atom-');
const atomFiles: string[] = [];
const caseOf = new Map<string, string>();

/** YAML double-quoted scalars accept JSON string syntax, so JSON.stringify writes valid YAML for any text. */
const yaml = (value: string) => JSON.stringify(value);

describe('fuzzed posts', () => {
  it(`hold every property (${RUNS} runs)`, async () => {
    let run = 0;
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fuzzPost, { minLength: 1, maxLength: 3 }), async (posts) => {
        run++;
        const files: Record<string, string> = {};
        posts.forEach((p, index) => {
          const tags = p.tags.map(yaml).join(', ');
          files[`p${index}.md`] =
            `---\ntitle: ${yaml(p.title)}\ndate: ${new Date(p.seconds * 1000).toISOString().replace('.000Z', 'Z')}\n` +
            `description: ${yaml(`S ${p.description}`)}\ntags: [${tags}]\nauthor: ${yaml(`A ${p.author}`)}\n---\n\n${p.body}\n`;
        });
        const cwd = makeProject(files, { limit: 0 });
        const result = await build({ cwd, now: new Date('2100-01-01T00:00:00Z') });

        const expectedTitles = posts.map((p) => expectedText(p.title));
        // Input the rules reject: an empty or over-long title, an empty tag, a NUL byte in the file.
        const rejected = new Set<string>();
        posts.forEach((p, index) => {
          // A file with a NUL byte is refused as binary before its front matter is read.
          if (p.body.includes('\u0000')) return rejected.add('file');
          if (expectedTitles[index] === '' || expectedTitles[index]!.length > 1000) rejected.add('title');
          if (p.tags.some((tag) => expectedText(tag) === '')) rejected.add('tags');
        });
        if (rejected.size > 0) {
          // Rejected input is an error naming the field, never a crash.
          expect(result.ok).toBe(false);
          const fields = new Set(result.diagnostics.filter((d) => d.severity === 'error').map((d) => (d.field ?? '').replace(/\[\d+\]$/, '')));
          expect([...fields].sort()).toEqual([...rejected].sort());
          return;
        }
        expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        accepted++;
        const [rssXml, atomXml, jsonText] = result.files.map((file) => file.contents) as [string, string, string];
        expect(XMLValidator.validate(rssXml)).toBe(true);
        expect(XMLValidator.validate(atomXml)).toBe(true);
        const atomFile = path.join(atomDir, `atom-${run}.xml`);
        writeFileSync(atomFile, atomXml);
        atomFiles.push(atomFile);
        caseOf.set(atomFile, JSON.stringify(posts));

        const rss = parseXml(rssXml).rss.channel.item as any[];
        const atom = parseXml(atomXml).feed.entry as any[];
        const json = JSON.parse(jsonText).items as any[];
        // One id per post, identical across formats, in the same order.
        const ids = json.map((item) => item.id);
        expect(new Set(ids).size).toBe(posts.length);
        expect(rss.map((item) => text(item.guid))).toEqual(ids);
        expect(atom.map((entry) => text(entry.id))).toEqual(ids);

        for (let index = 0; index < posts.length; index++) {
          const p = posts[index]!;
          const position = ids.indexOf(`https://example.com/blog/posts/p${index}/`);
          expect(position).toBeGreaterThanOrEqual(0);
          const title = expectedTitles[index]!;
          const summary = expectedText(`S ${p.description}`);
          const date = new Date(p.seconds * 1000).toISOString();
          expect(json[position].title).toBe(title);
          expect(decodeHtmlText(text(rss[position].title))).toBe(title);
          expect(decodeHtmlText(text(atom[position].title))).toBe(title);
          expect(json[position].summary).toBe(summary);
          expect(decodeHtmlText(text(rss[position].description))).toBe(summary);
          expect(decodeHtmlText(text(atom[position].summary))).toBe(summary);
          expect(new Date(json[position].date_published).toISOString()).toBe(date);
          expect(new Date(text(rss[position].pubDate)).toISOString()).toBe(date);
          expect(new Date(text(atom[position].published)).toISOString()).toBe(date);
          for (const html of [json[position].content_html as string, text(rss[position]['content:encoded']), text(atom[position].content)]) {
            expect(html).not.toMatch(/<script|\son[a-z]+\s*=|=\s*"\s*(javascript|vbscript|data):/i);
            for (const match of html.matchAll(/\s(?:href|src|poster|cite)="([^"]*)"/g)) {
              expect(match[1]).toMatch(/^(https?:\/\/[^/]|mailto:|tel:|ftp:\/\/)/);
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
    // Most runs must reach the read-back checks, not stop at a rejected title.
    expect(accepted).toBeGreaterThan(RUNS * 0.7);
  }, TIMEOUT);
});

afterAll(() => {
  if (atomFiles.length === 0) return;
  if (!hasCommand('xmllint')) {
    if (process.env.CI) throw new Error('xmllint is required in CI to validate fuzzed Atom against RFC 4287');
    return;
  }
  mkdirSync(atomDir, { recursive: true });
  const schema = path.join(SHARED, 'schemas', 'atom.rng');
  const failures: string[] = [];
  // One xmllint process per few hundred documents: per-case spawns would dominate the run time.
  for (let start = 0; start < atomFiles.length; start += 300) {
    const batch = atomFiles.slice(start, start + 300);
    const run = spawnSync('xmllint', ['--nonet', '--noout', '--relaxng', schema, ...batch], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    for (const line of run.stderr.split('\n')) {
      if (line === '' || / validates$/.test(line)) continue;
      const file = batch.find((candidate) => line.startsWith(candidate));
      failures.push(`${line}\n  case: ${file ? caseOf.get(file)?.slice(0, 2000) : '(unknown)'}`);
    }
  }
  expect(failures, `Atom documents that fail RELAX NG (${atomFiles.length} checked)`).toEqual([]);
}, TIMEOUT);
