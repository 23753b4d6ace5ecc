// A write that fails before the commit (disk full, an error while staging, a target that is a
// folder or a link) leaves the old feeds untouched and nothing of its own behind, and does not
// wedge later runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutputFile } from '../src/model.js';
import { writeOutput } from '../src/output/commit.js';
import { OutputError } from '../src/output/errors.js';
import { makeProject, post, runCli, snapshotDir, tempDir } from './helpers.js';

const FEEDS = ['rss.xml', 'atom.xml', 'feed.json'] as const;

function writeOld(dir: string): void {
  for (const name of FEEDS) writeFileSync(path.join(dir, name), `old ${name}\n`);
}

function expectOld(dir: string): void {
  expect(readdirSync(dir).sort()).toEqual([...FEEDS].sort());
  for (const name of FEEDS) expect(readFileSync(path.join(dir, name), 'utf8')).toBe(`old ${name}\n`);
}

/** A 64 KiB tmpfs, so the disk really fills up; needs root (CI runs as root in its container). */
const mounts: string[] = [];
function tinyFileSystem(): string | undefined {
  const dir = path.join(tempDir('postfeed-enospc-'), 'mnt');
  mkdirSync(dir);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status !== 0) return undefined;
  mounts.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of mounts) spawnSync('umount', [dir]);
});
const canMount = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v mount']).status === 0;

describe('disk full (ENOSPC, on a real 64 KiB tmpfs)', () => {
  /** Feeds that need `pages` blocks of the file system in all, spread over the three files. */
  function feedsOfPages(pages: number, blockSize: number): OutputFile[] {
    const each = [Math.floor(pages / 3), Math.floor(pages / 3), pages - 2 * Math.floor(pages / 3)];
    return FEEDS.map((name, i) => ({ format: 'rss', path: name, contents: 'x'.repeat(each[i]! * blockSize), items: 1 }));
  }

  it.skipIf(!canMount)('while staging: OutputError saying so, old feeds untouched, no staging folder or lock left', async () => {
    const out = tinyFileSystem();
    expect(out, 'mount -t tmpfs failed').toBeDefined();
    writeOld(out!);
    const { bfree, bsize } = statfsSync(out!);
    await expect(writeOutput(out!, feedsOfPages(bfree + 2, bsize))).rejects.toThrow(/no space left on the device \(ENOSPC\)/);
    expectOld(out!);
  });

  it.skipIf(!canMount)('at the commit (the journal does not fit): the same', async () => {
    const out = tinyFileSystem();
    expect(out, 'mount -t tmpfs failed').toBeDefined();
    writeOld(out!);
    const { bfree, bsize } = statfsSync(out!);
    // The lock takes one block; the staged feeds take every other one, so only the journal fails.
    await expect(writeOutput(out!, feedsOfPages(bfree - 1, bsize))).rejects.toBeInstanceOf(OutputError);
    expectOld(out!);
    // With the space back, the next write succeeds.
    await writeOutput(out!, feedsOfPages(3, bsize));
    expect(readdirSync(out!).sort()).toEqual([...FEEDS].sort());
  });
});

it('an error thrown while staging: the staging folder is removed, old feeds untouched', async () => {
  const out = tempDir('postfeed-throw-');
  writeOld(out);
  const failing: OutputFile = {
    format: 'json',
    path: 'feed.json',
    items: 1,
    get contents(): string {
      throw new Error('serializer failed');
    },
  };
  await expect(writeOutput(out, [{ format: 'rss', path: 'rss.xml', contents: 'new', items: 1 }, failing])).rejects.toThrow('serializer failed');
  expectOld(out);
});

describe('a target that is not a regular file', () => {
  it('dist/atom.xml/ is a folder: exit 3 naming it, nothing replaced, nothing left, later runs not wedged', () => {
    const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
    expect(runCli(project, ['build', '--quiet']).status).toBe(0);
    const dist = path.join(project, 'dist');
    rmSync(path.join(dist, 'atom.xml'));
    mkdirSync(path.join(dist, 'atom.xml'));
    writeFileSync(path.join(dist, 'atom.xml', 'keep.txt'), 'mine');
    writeFileSync(path.join(project, 'posts', 'b.md'), post('title: B\ndate: 2024-01-02'));
    const before = snapshotDir(dist);

    const run = runCli(project, ['build']);
    expect(run.status, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/^postfeed: dist\/atom\.xml is a folder; postfeed replaces only regular files there\. .*nothing was replaced$/m);
    expect(snapshotDir(dist)).toEqual(before);
    expect(readdirSync(dist).sort()).toEqual(['atom.xml', 'feed.json', 'rss.xml']);

    // Still refused on the next run (not wedged on a journal), and fine once the folder is gone.
    expect(runCli(project, ['build']).status).toBe(3);
    rmSync(path.join(dist, 'atom.xml'), { recursive: true });
    const fixed = runCli(project, ['build', '--quiet']);
    expect(fixed.status, fixed.stderr).toBe(0);
    expect(readFileSync(path.join(dist, 'feed.json'), 'utf8')).toContain('"title": "B"');
    expect(readdirSync(dist).sort()).toEqual(['atom.xml', 'feed.json', 'rss.xml']);
  });

  it('dist/rss.xml is a symlink: refused, the file it points to untouched', () => {
    const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
    writeFileSync(path.join(project, 'elsewhere.xml'), 'not a feed');
    mkdirSync(path.join(project, 'dist'));
    symlinkSync(path.join(project, 'elsewhere.xml'), path.join(project, 'dist', 'rss.xml'));
    const run = runCli(project, ['build']);
    expect(run.status, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/dist\/rss\.xml is a symbolic link/);
    expect(readFileSync(path.join(project, 'elsewhere.xml'), 'utf8')).toBe('not a feed');
    expect(readdirSync(path.join(project, 'dist'))).toEqual(['rss.xml']);
  });
});
