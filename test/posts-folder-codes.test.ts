// Every problem the posts folder walk and the post reader report carries a stable code, so tools
// (and the lead's reporter) can tell them apart without parsing messages.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { build } from '../src/index.js';
import { makeProject, post } from './helpers.js';

it.each([
  ['a symlink out of posts/', (project: string) => symlinkSync(path.join(project, 'postfeed.config.json'), path.join(project, 'posts', 'out.md')), 'symlink-outside'],
  ['a symlink loop', (project: string) => symlinkSync('loop.md', path.join(project, 'posts', 'loop.md')), 'symlink-loop'],
  ['a broken symlink', (project: string) => symlinkSync('gone.md', path.join(project, 'posts', 'broken.md')), 'symlink-broken'],
  ['a folder named x.md', (project: string) => mkdirSync(path.join(project, 'posts', 'x.md')), 'post-is-folder'],
  ['a binary post', (project: string) => writeFileSync(path.join(project, 'posts', 'bin.md'), Buffer.from([0x2d, 0x00, 0x01])), 'binary-file'],
  ['a UTF-16 post', (project: string) => writeFileSync(path.join(project, 'posts', 'u16.md'), Buffer.from([0xff, 0xfe, 0x41, 0x00])), 'encoding-utf-16'],
  ['a Latin-1 post', (project: string) => writeFileSync(path.join(project, 'posts', 'l1.md'), Buffer.from('---\ntitle: caf\xe9\n---\n', 'latin1')), 'encoding-not-utf-8'],
])('%s', async (_name, arrange, code) => {
  const project = makeProject({ 'good.md': post('title: Good\ndate: 2024-01-01') });
  arrange(project);
  const result = await build({ cwd: project });
  expect(result.ok).toBe(false);
  expect(result.diagnostics.map((d) => d.code)).toEqual([code]);
});

it('an oversized post, an empty and a missing posts folder', async () => {
  const big = makeProject({ 'big.md': post('title: Big\ndate: 2024-01-01', 'x'.repeat(2000)) }, { limits: { maxFileBytes: 1000 } });
  expect((await build({ cwd: big })).diagnostics.map((d) => d.code)).toEqual(['file-too-large']);
  const empty = makeProject({});
  expect((await build({ cwd: empty })).diagnostics.map((d) => d.code)).toEqual(['no-posts']);
  expect((await build({ cwd: empty, posts: 'nowhere' })).diagnostics.map((d) => d.code)).toEqual(['posts-missing']);
});
