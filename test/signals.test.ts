// SIGINT and SIGTERM end a long build promptly: parsing and rendering are synchronous, so the
// build gives the event loop a turn between posts, and the signal handler can exit at once.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, makeProject, post, snapshotDir } from './helpers.js';

const POSTS = 600;

function bigProject(): string {
  const paragraph = 'Lorem *ipsum* dolor sit amet, [consectetur](../x/) adipiscing elit, sed do eiusmod tempor. '.repeat(8);
  const body = Array.from({ length: 12 }, () => paragraph).join('\n\n');
  const posts: Record<string, string> = {};
  for (let index = 0; index < POSTS; index++) {
    posts[`p${index}.md`] = post(`title: Post ${index}\ndate: 2020-01-01T00:00:00Z\nslug: p${index}`, body);
  }
  return makeProject(posts, { limit: 0 });
}

/** Runs the CLI; with `signalAfter`, sends SIGTERM that many ms after start. Times the exit. */
function run(cwd: string, signalAfter?: number): Promise<{ code: number | null; total: number; afterSignal: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    let signalled = Number.NaN;
    // Without the cache, so the interrupted build really parses and renders (a warm one would be done).
    const child = spawn(process.execPath, [CLI, 'build', '--quiet', '--no-cache'], { cwd, env: { ...process.env, POSTFEED_BASE_URL: '', SOURCE_DATE_EPOCH: '' } });
    if (signalAfter !== undefined) {
      setTimeout(() => {
        signalled = performance.now();
        child.kill('SIGTERM');
      }, signalAfter);
    }
    child.on('exit', (code) => {
      const now = performance.now();
      resolve({ code, total: now - started, afterSignal: now - signalled });
    });
  });
}

describe('signals during a long build', () => {
  it('SIGTERM while posts are parsed and rendered exits 143 promptly, leaving dist/ as it was', async () => {
    const cwd = bigProject();
    const full = await run(cwd);
    expect(full.code).toBe(0);
    const before = snapshotDir(path.join(cwd, 'dist'));
    writeFileSync(path.join(cwd, 'posts', 'p0.md'), post('title: Changed\ndate: 2020-01-01T00:00:00Z\nslug: p0'));
    // Half-way through a build that takes seconds: well inside the synchronous parse and render.
    const interrupted = await run(cwd, full.total / 2);
    expect(interrupted.code).toBe(143);
    // Before the build offered turns, the exit waited for the rest of the build (seconds).
    expect(interrupted.afterSignal).toBeLessThan(Math.max(1000, full.total / 4));
    expect(snapshotDir(path.join(cwd, 'dist'))).toEqual(before);
  }, 300_000);
});
