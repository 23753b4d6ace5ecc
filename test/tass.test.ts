// The first article: the TASS item must reach all three feeds verbatim.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/index.js';
import { decodeHtmlText, parseXml, ROOT, SHARED, text } from './helpers.js';

// The seed as received: line 1 is navigation, then headline, subheadline and body paragraphs.
const seed = readFileSync(path.join(SHARED, 'seed', 'tass-mali-2023-07-01.txt'), 'utf8');
const [navigation, headline, subheadline, ...paragraphs] = seed.split(/\n\n+/).map((block) => block.trim());
const TITLE = 'Russia to continue assisting Mali in normalizing situation in country';

function paragraphsOf(html: string): string[] {
  return [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((match) => decodeHtmlText(match[1]!));
}

describe('the TASS article', () => {
  let result: BuildResult;
  let rss: any; // parsed XML trees are untyped by nature
  let atom: any;
  let json: any;

  beforeAll(async () => {
    result = await build({ cwd: ROOT, out: 'dist' });
    const file = (format: string) => result.files.find((f) => f.format === format)!.contents;
    rss = parseXml(file('rss')).rss.channel.item.find((item: any) => text(item.title).includes('Mali'));
    atom = parseXml(file('atom')).feed.entry.find((entry: any) => text(entry.title).includes('Mali'));
    json = JSON.parse(file('json')).items.find((item: any) => item.title.includes('Mali'));
  });

  it('reads the seed the way its README describes it', () => {
    expect(navigation).toBe('All news');
    expect(headline).toBe(TITLE);
    expect(paragraphs).toHaveLength(6);
    expect(paragraphs[0]).toMatch(/^UNITED NATIONS, July 1\. \/TASS\/\./);
  });

  it('builds without errors', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('has the exact title in every format', () => {
    expect(text(rss.title)).toBe(TITLE);
    expect(text(atom.title)).toBe(TITLE);
    expect(atom.title['@type']).toBe('text');
    expect(json.title).toBe(TITLE);
  });

  it('is dated 1 July 2023', () => {
    expect(text(rss.pubDate)).toBe('Sat, 01 Jul 2023 00:00:00 GMT');
    expect(new Date(text(atom.published)).toISOString()).toBe('2023-07-01T00:00:00.000Z');
    expect(new Date(text(atom.updated)).toISOString()).toBe('2023-07-01T00:00:00.000Z');
    expect(json.date_published).toBe('2023-07-01T00:00:00Z');
  });

  it('carries the subheadline as its summary', () => {
    expect(decodeHtmlText(text(rss.description))).toBe(subheadline);
    expect(atom.summary['@type']).toBe('text');
    expect(text(atom.summary)).toBe(subheadline);
    expect(json.summary).toBe(subheadline);
  });

  it('carries every body sentence verbatim as HTML paragraphs, without the navigation label', () => {
    for (const html of [text(rss['content:encoded']), text(atom.content), json.content_html as string]) {
      expect(paragraphsOf(html)).toEqual(paragraphs);
      expect(html).not.toContain('All news');
      expect(html).toContain('Mali’s government'); // typographic apostrophe kept
    }
  });

  it('names TASS as the author and tags it', () => {
    expect(rss['dc:creator'].map(text)).toEqual(['TASS']);
    expect(atom.author.map((a: any) => text(a.name))).toEqual(['TASS']);
    expect(json.authors.map((a: any) => a.name)).toEqual(['TASS']);
    const tags = ['Mali', 'Russia', 'United Nations', 'MINUSMA'];
    expect(rss.category.map(text)).toEqual(tags);
    expect(atom.category.map((c: any) => c['@term'])).toEqual(tags);
    expect(json.tags).toEqual(tags);
  });

  it('has one id, the same in all three formats', () => {
    const id = json.id as string;
    expect(id).toMatch(/^https:\/\//);
    expect(text(rss.guid)).toBe(id);
    expect(text(atom.id)).toBe(id);
  });
});
