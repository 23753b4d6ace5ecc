// A local `image:` is measured (its size is the enclosure length) only when its real path, after
// every link, is a regular file inside the posts folder's real path.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/index.js';
import { makeProject, post, runCli } from './helpers.js';

const SECRET_BYTES = 12345;

/** A project with one post whose image is `ref`, and a secret file beside posts/ (outside it). */
function projectWithImage(ref: string): string {
  const project = makeProject({ 'a.md': post(`title: A\ndate: 2024-01-01\nimage: ${JSON.stringify(ref)}`) });
  writeFileSync(path.join(project, 'secret.png'), Buffer.alloc(SECRET_BYTES));
  return project;
}

function expectRefused(project: string, message: RegExp): void {
  const run = runCli(project, ['build']);
  expect(run.status, run.stderr).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/internal error/);
  expect(run.stderr).not.toContain(String(SECRET_BYTES));
}

describe('refused', () => {
  it('a dot-named symlink (skipped by the folder walk) to a file outside posts/', () => {
    const project = projectWithImage('.evil.png');
    symlinkSync(path.join(project, 'secret.png'), path.join(project, 'posts', '.evil.png'));
    expectRefused(project, /^posts\/a\.md:4: image: "\.evil\.png" points outside the posts folder$/m);
  });

  it('a path through a dot-named symlinked folder that leads outside posts/', () => {
    const project = projectWithImage('.assets/secret.png');
    symlinkSync(project, path.join(project, 'posts', '.assets'));
    expectRefused(project, /^posts\/a\.md:4: image: "\.assets\/secret\.png" points outside the posts folder$/m);
  });

  it('a percent-encoded way out (%2e%2e%2f)', () => {
    const project = projectWithImage('%2e%2e%2fsecret.png');
    expectRefused(project, /image: "%2e%2e%2fsecret\.png" points outside the posts folder/);
  });

  it('a malformed percent-escape is a diagnostic, not an internal error', () => {
    const project = projectWithImage('a%zz.png');
    expectRefused(project, /^posts\/a\.md:4: image: "a%zz\.png" has a malformed percent-escape; write % as %25$/m);
  });

  it('a FIFO or a folder named like an image', () => {
    const project = projectWithImage('pipe.png');
    execFileSync('mkfifo', [path.join(project, 'posts', 'pipe.png')]);
    expectRefused(project, /^posts\/a\.md:4: image: "pipe\.png" is not a regular file$/m);
    const withFolder = projectWithImage('folder.png');
    mkdirSync(path.join(withFolder, 'posts', 'folder.png'));
    expectRefused(withFolder, /^posts\/a\.md:4: image: "folder\.png" is not a regular file$/m);
  });

  it('each with a stable code in the diagnostics', async () => {
    const project = projectWithImage('.evil.png');
    symlinkSync(path.join(project, 'secret.png'), path.join(project, 'posts', '.evil.png'));
    const result = await build({ cwd: project });
    expect(result.diagnostics.map((d) => [d.field, d.code])).toEqual([['image', 'image-outside-posts']]);
    const malformed = await build({ cwd: projectWithImage('a%zz.png') });
    expect(malformed.diagnostics.map((d) => [d.field, d.code])).toEqual([['image', 'image-bad-escape']]);
  });
});

describe('measured', () => {
  it('an image beside the post, also when posts/ itself is a symlink and the image a link inside it', async () => {
    const project = makeProject({});
    mkdirSync(path.join(project, 'content', 'sub'), { recursive: true });
    writeFileSync(path.join(project, 'content', 'sub', 'a.md'), post('title: A\ndate: 2024-01-01\nimage: "../pic%20one.png"'));
    writeFileSync(path.join(project, 'content', 'pic one.png'), Buffer.alloc(777));
    writeFileSync(path.join(project, 'content', 'b.md'), post('title: B\ndate: 2024-01-02\nimage: alias.png'));
    symlinkSync('pic one.png', path.join(project, 'content', 'alias.png'));
    rmdirSync(path.join(project, 'posts'));
    symlinkSync('content', path.join(project, 'posts'));
    const result = await build({ cwd: project });
    expect(result.diagnostics).toEqual([]);
    const rss = result.files.find((file) => file.format === 'rss')!.contents;
    expect(rss.match(/<enclosure [^>]*length="(\d+)"/g)).toEqual([expect.stringContaining('length="777"'), expect.stringContaining('length="777"')]);
  });
});
