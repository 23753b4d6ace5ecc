// The summary is the first paragraph that has text of its own, and never empty: a post without
// any text is summarized by its title and warned about.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import { makeProject, parseXml, post, text } from './helpers.js';

async function summaries(frontMatter: string, body: string) {
  const cwd = makeProject({ 'x.md': post(`title: The Title\ndate: 2023-07-01\n${frontMatter}`, body) });
  const result = await build({ cwd });
  expect(result.ok).toBe(true);
  const contents = (format: string) => result.files.find((file) => file.format === format)!.contents;
  return {
    rss: text(parseXml(contents('rss')).rss.channel.item[0].description),
    atom: text(parseXml(contents('atom')).feed.entry[0].summary),
    json: JSON.parse(contents('json')).items[0].summary as string,
    warnings: result.diagnostics.filter((d) => d.field === 'body'),
  };
}

describe('the summary', () => {
  it('skips paragraphs of only images or linked images, keeping alt text among words', async () => {
    const body = [
      '![Hero Image](hero.png)',
      '',
      '[![Banner](banner.png)](https://example.org/) ![Second](b.png)',
      '',
      'The first words, with an ![inline](i.png) image.',
    ].join('\n');
    const { rss, atom, json, warnings } = await summaries('', body);
    for (const summary of [rss, atom, json]) expect(summary).toBe('The first words, with an inline image.');
    expect(warnings).toEqual([]);
  });

  it('is the title when no paragraph has text, and an image-only post is not called empty', async () => {
    const { rss, atom, json, warnings } = await summaries('', '![Hero Image](hero.png)\n\n# A heading\n');
    for (const summary of [rss, atom, json]) expect(summary).toBe('The Title');
    expect(warnings).toEqual([]);
  });
});

describe('a post with no text', () => {
  it.each([
    ['an empty body', ''],
    ['only white space and a comment', '   \n\n<!-- draft notes -->\n'],
    ['only removed markup', '<script>alert(1)</script>'],
  ])('(%s) is summarized by its title and warned about', async (_, body) => {
    const { rss, atom, json, warnings } = await summaries('', body);
    for (const summary of [rss, atom, json]) expect(summary).toBe('The Title');
    expect(warnings).toContainEqual({
      severity: 'warning',
      code: 'empty-post',
      file: path.join('posts', 'x.md'),
      line: 5,
      field: 'body',
      message: 'the post has no text; readers will show an empty item',
    });
  });

  it('is not warned about when it has a description', async () => {
    const { json, warnings } = await summaries('description: Said elsewhere.', '');
    expect(json).toBe('Said elsewhere.');
    expect(warnings).toEqual([]);
  });
});
