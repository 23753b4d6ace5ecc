// The CLI as a process: output, diagnostics, exit codes, and dist/ untouched on failure.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, post, ROOT, runCli, snapshotDir } from './helpers.js';

describe('postfeed build', () => {
  it('prints one line per file written and the total time', () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2023-07-01') });
    const run = runCli(cwd, ['build']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      expect.stringMatching(/^dist\/rss\.xml {2}1 items {2}\d+ bytes$/),
      expect.stringMatching(/^dist\/atom\.xml {2}1 items {2}\d+ bytes$/),
      expect.stringMatching(/^dist\/feed\.json {2}1 items {2}\d+ bytes$/),
    ]);
    expect(lines[3]).toBe('postfeed.lock.json: 1 post added');
    expect(lines[4]).toMatch(/^postfeed: 1 posts, 3 feeds in \d+\.\d\ds$/);
    const again = runCli(cwd, ['build']);
    expect(again.stdout).toMatch(/rss\.xml {2}1 items {2}\d+ bytes {2}\(unchanged\)/);
  });

  it('prints every problem at once as file:line: field: message, exits 1 and leaves dist/ as it was', () => {
    const cwd = makeProject({ 'good.md': post('title: Good\ndate: 2023-07-01') });
    expect(runCli(cwd, ['build']).status).toBe(0);
    const before = snapshotDir(path.join(cwd, 'dist'));
    writeFileSync(path.join(cwd, 'posts', 'bad.md'), '---\ntitle: Re: hello\ndate: 2023-07-01\n---\n');
    writeFileSync(path.join(cwd, 'posts', 'worse.md'), '---\ntitle: Fine\ndate: 2023-02-30\ntags: {x: 1}\n---\n');
    writeFileSync(path.join(cwd, 'posts', 'good.md'), post('title: Changed\ndate: 2023-07-01'));
    const run = runCli(cwd, ['build']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const errorLines = run.stderr.split('\n').filter((line) => line.startsWith('posts/'));
    expect(errorLines).toEqual([
      'posts/bad.md:2:8: front matter: YAML: a value contains ": " (like "Re: hello"); put the value in quotes',
      expect.stringMatching(/^posts\/worse\.md:3: date: day 30 does not exist/),
      expect.stringMatching(/^posts\/worse\.md:4: tags: must be a list/),
    ]);
    expect(run.stderr).toContain('  2 | title: Re: hello');
    expect(run.stderr).toMatch(/postfeed: 3 errors, 0 warnings in 2 files; nothing written, dist\/ left as it was/);
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
  });

  it('documents its exit codes and flags in --help, and --version matches package.json', () => {
    const cwd = makeProject({});
    const help = runCli(cwd, ['--help']);
    expect(help.status).toBe(0);
    for (const flag of ['--posts', '--out', '--config', '--base-url', '--limit', '--drafts', '--future', '--strict', '--quiet', '--version']) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toMatch(/Exit codes: 0 written, 1 invalid input/);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(runCli(cwd, ['--version']).stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 on usage errors, 1 when out names a file, and 3 when the output cannot be written', () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2023-07-01') });
    expect(runCli(cwd, ['--nope']).status).toBe(2);
    expect(runCli(cwd, ['publish']).status).toBe(2);
    expect(runCli(cwd, ['build', '--limit', 'ten']).status).toBe(2);
    writeFileSync(path.join(cwd, 'a-file'), 'not a folder');
    const run = runCli(cwd, ['build', '--out', 'a-file']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^a-file: out: the output folder is an existing file, not a folder/m);
    expect(readFileSync(path.join(cwd, 'a-file'), 'utf8')).toBe('not a folder');
    // A feed's path that is a folder is found only while writing: exit 3, nothing replaced.
    mkdirSync(path.join(cwd, 'dist', 'rss.xml'), { recursive: true });
    const blocked = runCli(cwd, ['build']);
    expect(blocked.status, blocked.stderr).toBe(3);
    expect(blocked.stderr).toMatch(/nothing was replaced/);
  });

  it('is quiet with --quiet and strict with --strict', () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2023-07-01\nlayout: post') });
    const quiet = runCli(cwd, ['build', '--quiet']);
    expect([quiet.status, quiet.stdout, quiet.stderr]).toEqual([0, '', '']);
    const strict = runCli(cwd, ['build', '--strict']);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/posts\/a\.md:4: warning: layout: unknown front matter key/);
  });

  it('builds byte-identical feeds from the same input at different times', () => {
    const cwd = makeProject({ 'a.md': post('title: A\ndate: 2023-07-01'), 'b.md': post('title: B\ndate: 2021-01-01') });
    expect(runCli(cwd, ['build', '--out', 'one'], { SOURCE_DATE_EPOCH: '1900000000' }).status).toBe(0);
    expect(runCli(cwd, ['build', '--out', 'two'], { SOURCE_DATE_EPOCH: '2000000000' }).status).toBe(0);
    expect(snapshotDir(path.join(cwd, 'two'))).toEqual(snapshotDir(path.join(cwd, 'one')));
  });
});
