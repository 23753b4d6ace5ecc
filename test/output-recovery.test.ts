// recoverOutput(): safe to call on every run before the build. A no-op on a missing or clean
// folder; completes a committed journal under the lock; never moves anything a journal names
// outside the folder; never disturbs a live writer's staging folder.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoverOutput } from '../src/output/commit.js';
import { OutputError, WriteInterrupted } from '../src/output/errors.js';
import { tempDir } from './helpers.js';

const LOCK = '.postfeed.lock';
const JOURNAL = '.postfeed-commit.json';
const STAGING = '.postfeed-staging-4242-0badc0de';

/** An output folder as a run killed right after its commit leaves it: old feeds, staged new ones, the journal. */
function committedButNotMoved(files: string[] = ['rss.xml', 'atom.xml']): string {
  const out = tempDir('postfeed-recover-');
  for (const name of files) writeFileSync(path.join(out, name), `old ${name}`);
  mkdirSync(path.join(out, STAGING));
  for (const name of files) writeFileSync(path.join(out, STAGING, name), `new ${name}`);
  writeFileSync(path.join(out, JOURNAL), JSON.stringify({ staging: STAGING, files }));
  return out;
}

function sleeper() {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
}

describe('recoverOutput', () => {
  it('does nothing, and creates nothing, when the output folder does not exist', async () => {
    const parent = tempDir('postfeed-recover-');
    await recoverOutput(path.join(parent, 'dist'));
    expect(readdirSync(parent)).toEqual([]);
  });

  it('completes a committed journal and leaves no lock, journal or staging folder', async () => {
    const out = committedButNotMoved();
    await recoverOutput(out);
    expect(readdirSync(out).sort()).toEqual(['atom.xml', 'rss.xml']);
    expect(readFileSync(path.join(out, 'rss.xml'), 'utf8')).toBe('new rss.xml');
    expect(readFileSync(path.join(out, 'atom.xml'), 'utf8')).toBe('new atom.xml');
  });

  it('discards a journal that names paths outside the output folder, moving nothing', async () => {
    const root = tempDir('postfeed-recover-');
    const out = path.join(root, 'dist');
    mkdirSync(path.join(out, STAGING), { recursive: true });
    writeFileSync(path.join(root, 'victim.txt'), 'precious');
    // Read through the staging folder, "../victim.txt" is dist/victim.txt; written, it is outside dist/.
    writeFileSync(path.join(out, 'victim.txt'), 'planted');
    writeFileSync(path.join(out, JOURNAL), JSON.stringify({ staging: STAGING, files: ['../victim.txt'] }));
    await recoverOutput(out);
    expect(readFileSync(path.join(root, 'victim.txt'), 'utf8')).toBe('precious');
    expect(readdirSync(out)).toEqual(['victim.txt']);
  });

  it('a journal whose target has become a folder: OutputError naming it, then completes once it is gone', async () => {
    const out = committedButNotMoved();
    const atom = path.join(out, 'atom.xml');
    rmSync(atom);
    mkdirSync(path.join(atom, 'sub'), { recursive: true });
    const error = await recoverOutput(out).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).message).toMatch(/atom\.xml is a folder/);
    expect((error as OutputError).committed).toBe(true);
    expect(existsSync(path.join(out, JOURNAL))).toBe(true);
    rmSync(atom, { recursive: true });
    await recoverOutput(out);
    expect(readdirSync(out).sort()).toEqual(['atom.xml', 'rss.xml']);
    expect(readFileSync(atom, 'utf8')).toBe('new atom.xml');
  });

  it('returns at once on a clean folder even while another process holds the lock', async () => {
    const out = tempDir('postfeed-recover-');
    writeFileSync(path.join(out, 'rss.xml'), 'feed');
    const holder = sleeper();
    try {
      writeFileSync(path.join(out, LOCK), String(holder.pid));
      const started = performance.now();
      await recoverOutput(out);
      expect(performance.now() - started).toBeLessThan(4000);
      expect(readdirSync(out).sort()).toEqual([LOCK, 'rss.xml']);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it("leaves a live writer's staging folder alone: waits for its lock, and an aborted wait changes nothing", async () => {
    const out = tempDir('postfeed-recover-');
    writeFileSync(path.join(out, 'rss.xml'), 'old');
    mkdirSync(path.join(out, STAGING));
    writeFileSync(path.join(out, STAGING, 'rss.xml'), 'being written');
    const holder = sleeper();
    try {
      writeFileSync(path.join(out, LOCK), String(holder.pid));
      const controller = new AbortController();
      const recovery = recoverOutput(out, { signal: controller.signal });
      const state = await Promise.race([recovery.then(() => 'done'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 1500))]);
      expect(state).toBe('waiting');
      controller.abort();
      await expect(recovery).rejects.toBeInstanceOf(WriteInterrupted);
      expect(readdirSync(out).sort()).toEqual([STAGING, LOCK, 'rss.xml'].sort());
      expect(readFileSync(path.join(out, STAGING, 'rss.xml'), 'utf8')).toBe('being written');
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
