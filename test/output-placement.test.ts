// The output folder may not be the posts folder, inside it or around it, also when a symlink
// (a committed `dist -> posts`) makes two different-looking paths one folder.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputPlacement } from '../src/output/placement.js';
import { makeProject, post, runCli, snapshotDir, tempDir } from './helpers.js';

describe('through the CLI: refused with exit 1, posts/ left exactly as it was', () => {
  it('dist is a symlink to posts', () => {
    const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
    symlinkSync('posts', path.join(project, 'dist'));
    const before = snapshotDir(path.join(project, 'posts'));
    const run = runCli(project, ['build']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^dist: out: the output folder may not be or overlap the posts folder: it is the posts folder \(through a symbolic link/m);
    expect(snapshotDir(path.join(project, 'posts'))).toEqual(before);
  });

  it('--out below a symlink into posts, not created yet', () => {
    const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
    symlinkSync('posts', path.join(project, 'site'));
    const before = snapshotDir(path.join(project, 'posts'));
    const run = runCli(project, ['build', '--out', 'site/feeds']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^site\/feeds: out: the output folder may not be or overlap the posts folder: it is inside the posts folder/m);
    expect(snapshotDir(path.join(project, 'posts'))).toEqual(before);
  });

  it('"out" names an existing file (found by the CLI fuzzer: it was exit 3, "cannot write")', () => {
    const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
    const before = snapshotDir(project);
    const run = runCli(project, ['build', '--out', 'postfeed.config.json']);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^postfeed\.config\.json: out: the output folder is an existing file, not a folder/m);
    expect(snapshotDir(project)).toEqual(before);
  });

  it('posts is a symlink into the output folder', () => {
    const project = makeProject({});
    mkdirSync(path.join(project, 'dist', 'content'), { recursive: true });
    writeFileSync(path.join(project, 'dist', 'content', 'a.md'), post('title: A\ndate: 2024-01-01'));
    symlinkSync(path.join('dist', 'content'), path.join(project, 'linked'));
    const linked = runCli(project, ['build', '--posts', 'linked']);
    expect(linked.status, linked.stderr).toBe(1);
    expect(linked.stderr).toMatch(/the output folder may not be or overlap the posts folder: it contains the posts folder/);
  });
});

describe('checkOutputPlacement', () => {
  it('accepts separate folders, also ones sharing a name prefix, existing or not', () => {
    const root = tempDir('postfeed-placement-');
    mkdirSync(path.join(root, 'posts'));
    expect(checkOutputPlacement(path.join(root, 'posts'), path.join(root, 'dist'))).toBeUndefined();
    expect(checkOutputPlacement(path.join(root, 'posts'), path.join(root, 'posts2'))).toBeUndefined();
    expect(checkOutputPlacement(path.join(root, 'posts'), path.join(root, 'not', 'yet', 'there'))).toBeUndefined();
  });

  it('refuses the same folder, inside and around, without links too', () => {
    const root = tempDir('postfeed-placement-');
    mkdirSync(path.join(root, 'posts'));
    expect(checkOutputPlacement(path.join(root, 'posts'), path.join(root, 'posts'))).toMatch(/it is the posts folder$/);
    expect(checkOutputPlacement(path.join(root, 'posts'), path.join(root, 'posts', 'out'))).toMatch(/it is inside the posts folder$/);
    expect(checkOutputPlacement(path.join(root, 'posts'), root)).toMatch(/it contains the posts folder$/);
  });
});
