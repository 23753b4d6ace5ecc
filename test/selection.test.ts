// Which posts a feed carries: newest first, ties by id, drafts and future posts out, then the limit.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions } from '../src/index.js';
import { makeProject, post, runCli } from './helpers.js';

const posts = {
  'old.md': post('title: Old\ndate: 2020-01-01'),
  'tie-b.md': post('title: Tie B\ndate: 2022-05-05T12:00:00Z'),
  'tie-a.md': post('title: Tie A\ndate: 2022-05-05T15:00:00+03:00'), // the same instant as Tie B
  'draft.md': post('title: Draft\ndate: 2023-01-01\ndraft: true'),
  'future.md': post('title: Future\ndate: 2031-01-01'),
  'newest.md': post('title: Newest\ndate: 2024-01-01'),
};

async function titles(options: Partial<BuildOptions>, config = {}) {
  const cwd = makeProject(posts, config);
  const result = await build({ cwd, now: new Date('2030-01-01T00:00:00Z'), ...options });
  expect(result.ok).toBe(true);
  return JSON.parse(result.files[2]!.contents).items.map((item: { title: string }) => item.title);
}

describe('selection', () => {
  it('orders newest first and breaks ties by id, excluding drafts and future posts', async () => {
    expect(await titles({})).toEqual(['Newest', 'Tie A', 'Tie B', 'Old']);
  });

  it('includes drafts with --drafts and future posts with --future', async () => {
    expect(await titles({ drafts: true })).toEqual(['Newest', 'Draft', 'Tie A', 'Tie B', 'Old']);
    expect(await titles({ future: true })).toEqual(['Future', 'Newest', 'Tie A', 'Tie B', 'Old']);
  });

  it('applies the limit after excluding, and 0 means all', async () => {
    expect(await titles({}, { limit: 2 })).toEqual(['Newest', 'Tie A']);
    expect(await titles({ limit: 1 })).toEqual(['Newest']);
    expect(await titles({ future: true, drafts: true }, { limit: 0 })).toHaveLength(6);
  });

  it('takes "now" from SOURCE_DATE_EPOCH', () => {
    const cwd = makeProject(posts);
    const before2024 = runCli(cwd, ['build', '--quiet'], { SOURCE_DATE_EPOCH: String(Date.UTC(2023, 5, 1) / 1000) });
    expect(before2024.status).toBe(0);
    const json = JSON.parse(readFileSync(path.join(cwd, 'dist', 'feed.json'), 'utf8'));
    expect(json.items.map((item: { title: string }) => item.title)).toEqual(['Tie A', 'Tie B', 'Old']);
    const bad = runCli(cwd, ['build'], { SOURCE_DATE_EPOCH: 'yesterday' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/SOURCE_DATE_EPOCH: must be whole seconds/);
  });

  it('names both files of a duplicate slug or id', async () => {
    const cwd = makeProject({
      'a.md': post('title: A\ndate: 2023-07-01\nslug: same'),
      'b.md': post('title: B\ndate: 2023-07-02\nslug: same'),
      'c.md': post('title: C\ndate: 2023-07-03\nid: "tag:example.com,2023:x"'),
      'd.md': post('title: D\ndate: 2023-07-04\nid: "tag:example.com,2023:x"'),
    });
    const result = await build({ cwd });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file: path.join('posts', 'b.md'),
        line: 4,
        field: 'slug',
        message: expect.stringContaining(`${path.join('posts', 'a.md')}:4`),
        notes: [expect.objectContaining({ file: path.join('posts', 'a.md'), line: 4 })],
      }),
      expect.objectContaining({
        file: path.join('posts', 'd.md'),
        line: 4,
        field: 'id',
        message: expect.stringContaining(`${path.join('posts', 'c.md')}:4`),
        notes: [expect.objectContaining({ file: path.join('posts', 'c.md'), line: 4 })],
      }),
    ]);
  });
});
