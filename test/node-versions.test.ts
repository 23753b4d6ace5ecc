// postfeed runs on Node 20, 22 and 24, and a CI runner's Node is upgraded under a site without
// asking: the feeds must not change when it is. Each other Node (.ci/run installs 22 and 24 from
// the npm registry into .ci/node-versions/) builds the same sites as the Node running the tests,
// through the CLI, with workers and the cache; feeds and everything printed must be the same bytes.
// A cache written under one Node and read under another (one cache folder restored in a CI matrix)
// is not used — V8's serialization differs — and is no reason for a warning.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeProject, post, ROOT, runCli, SHARED, snapshotDir, tempDir, type CliRun } from './helpers.js';

const VERSIONS_DIR = path.join(ROOT, '.ci', 'node-versions', 'node_modules');
const others = (existsSync(VERSIONS_DIR) ? readdirSync(VERSIONS_DIR) : [])
  .map((name) => path.join(VERSIONS_DIR, name, 'bin', 'node'))
  .filter((binary) => existsSync(binary))
  .map((binary) => ({ binary, version: spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim() }))
  .filter(({ version }) => version !== '' && version !== process.version);

/** The CLI run by `node`, at a fixed "now" (2030-01-01). */
function cli(node: string, cwd: string, args: string[]): CliRun {
  return runCli(cwd, args, { SOURCE_DATE_EPOCH: '1893456000' }, node);
}

/** The site of `project` (posts, config, ledger) copied and built by `node`: the output folder's files and what was printed. */
function buildCopy(node: string, project: string, args: string[]): { run: CliRun; out: Record<string, string> } {
  const cwd = tempDir('postfeed-node-version-');
  for (const name of ['posts', 'postfeed.config.json', 'postfeed.lock.json']) {
    if (existsSync(path.join(project, name))) cpSync(path.join(project, name), path.join(cwd, name), { recursive: true });
  }
  const run = cli(node, cwd, ['build', '--out', 'out', ...args]);
  return { run, out: snapshotDir(path.join(cwd, 'out')) };
}

/** The bench's kind of corpus (raw HTML, code, links, many scripts), a post that warns and one whose body is cleaned. */
function corpusProject(): string {
  const cwd = makeProject({}, { permalink: '/posts/:year/:month/:day/:slug/' });
  execFileSync(process.execPath, [path.join(SHARED, 'bench', 'make-corpus.mjs'), '--count', '400', '--out', path.join(cwd, 'posts'), '--quiet']);
  writeFileSync(path.join(cwd, 'posts', 'warns.md'), post('title: Warns\ndate: 2020-01-01\nmystery: 1', 'Text <script>alert(1)</script> and <b onclick="x()">bold</b>.'));
  writeFileSync(path.join(cwd, 'posts', 'cleaned.md'), post('title: Cleaned\ndate: 2020-01-03', 'Before\u0001 after: *emphasis*.').replace(/\n/g, '\r\n'));
  return cwd;
}

describe.skipIf(others.length === 0)(`the same feeds on ${others.map(({ version }) => version).join(', ') || 'other Node versions (none installed: run .ci/run)'} as on ${process.version}`, () => {
  it('the TASS feeds of this repository', { timeout: 120_000 }, () => {
    const here = buildCopy(process.execPath, ROOT, []);
    expect(here.run.status, here.run.stderr).toBe(0);
    expect(Object.keys(here.out).sort()).toEqual(['atom.xml', 'feed.json', 'rss.xml']);
    for (const { binary, version } of others) {
      const there = buildCopy(binary, ROOT, []);
      expect(there.run.status, `${version}: ${there.run.stderr}`).toBe(0);
      expect(there.out, version).toEqual(here.out);
    }
  });

  it('a corpus built by two workers, cold and warm, and the cache of one Node read by another', { timeout: 300_000 }, () => {
    const project = corpusProject();
    const args = ['--limit', '0', '--workers', '2'];
    const here = buildCopy(process.execPath, project, [...args, '--no-cache']);
    expect(here.run.status, here.run.stderr).toBe(0);
    expect(here.run.stderr).toMatch(/warns\.md/);
    for (const { binary, version } of others) {
      const cwd = tempDir('postfeed-node-version-');
      cpSync(project, cwd, { recursive: true });
      // Cold and warm under the other Node, then this Node over its cache, then the other over this one's.
      for (const [node, label] of [
        [binary, `${version} cold`],
        [binary, `${version} warm`],
        [process.execPath, `${process.version} over the cache of ${version}`],
        [binary, `${version} over the cache of ${process.version}`],
      ] as const) {
        rmSync(path.join(cwd, 'out'), { recursive: true, force: true });
        const run = cli(node, cwd, ['build', '--out', 'out', ...args]);
        expect(run.status, `${label}: ${run.stderr}`).toBe(0);
        expect(run.stderr, label).toBe(here.run.stderr);
        expect(snapshotDir(path.join(cwd, 'out')), label).toEqual(here.out);
      }
    }
  });
});
