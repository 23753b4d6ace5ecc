// The output lock: who holds it (pid + start time + boot id + per-call token), taking over stale
// locks at once, waiting for a live holder, and stopping that wait promptly on SIGTERM/SIGINT.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { OutputFile } from '../src/model.js';
import { writeOutput } from '../src/output/commit.js';
import { WriteInterrupted } from '../src/output/errors.js';
import { CLI, makeProject, post, ROOT, runCli, snapshotDir, tempDir } from './helpers.js';

const LOCK = '.postfeed.lock';

function feeds(tag: string): OutputFile[] {
  return (['rss.xml', 'atom.xml', 'feed.json'] as const).map((name) => ({ format: 'rss', path: name, contents: `${tag} ${name}\n`, items: 1 }));
}

function readFeeds(dir: string): string[] {
  return ['rss.xml', 'atom.xml', 'feed.json'].map((name) => readFileSync(path.join(dir, name), 'utf8'));
}

/** Rejects when `promise` takes longer than `ms`: a lock that should be taken over at once must not be waited for. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** A pid that surely belongs to no running process right now. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

const bootId = (() => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
})();

describe('a stale lock is taken over at once', () => {
  it('a lock naming our own pid that no call in this process holds (a killed run that had the same pid, as pid 1 in a container)', async () => {
    const out = tempDir('postfeed-lock-');
    writeFileSync(path.join(out, LOCK), String(process.pid));
    await within(4000, writeOutput(out, feeds('new')), 'lock naming our own pid');
    expect(readFeeds(out)[0]).toBe('new rss.xml\n');
    expect(existsSync(path.join(out, LOCK))).toBe(false);
  });

  it('the same in the lock format with start time and boot id', async () => {
    const out = tempDir('postfeed-lock-');
    writeFileSync(path.join(out, LOCK), JSON.stringify({ pid: process.pid, start: processStart(process.pid), boot: bootId, token: 'from-a-killed-run' }));
    await within(4000, writeOutput(out, feeds('new')), 'lock naming our own pid');
    expect(existsSync(path.join(out, LOCK))).toBe(false);
  });

  it.skipIf(processStart(1) === undefined)('a lock naming a live pid 1 with another start time', async () => {
    const out = tempDir('postfeed-lock-');
    const wrongStart = String(Number(processStart(1)) + 12345);
    writeFileSync(path.join(out, LOCK), JSON.stringify({ pid: 1, start: wrongStart, boot: bootId, token: 'x' }));
    await within(4000, writeOutput(out, feeds('new')), 'lock naming pid 1 with a wrong start time');
    expect(readFeeds(out)[0]).toBe('new rss.xml\n');
  });

  it.skipIf(bootId === undefined)('a lock from another boot, even when its pid is alive now', async () => {
    const out = tempDir('postfeed-lock-');
    writeFileSync(path.join(out, LOCK), JSON.stringify({ pid: 1, start: processStart(1), boot: '00000000-0000-0000-0000-000000000000', token: 'x' }));
    await within(4000, writeOutput(out, feeds('new')), 'lock from another boot');
    expect(readFeeds(out)[0]).toBe('new rss.xml\n');
  });
});

// A run killed while it removed a stale lock leaves the takeover lock it held. Its mtime is set
// in the future, so a takeover lock that only expired by age would be waited for until the test
// times out.
describe('a takeover lock left by a killed run', () => {
  const TAKEOVER = `${LOCK}.takeover`;
  const leftBy = (record: object) => JSON.stringify({ boot: bootId, token: 'from-a-killed-run', ...record });
  function leave(out: string, name: string, text: string): void {
    writeFileSync(path.join(out, name), text);
    const future = new Date(Date.now() + 3_600_000);
    utimesSync(path.join(out, name), future, future);
  }

  it('beside a stale lock: the lock is still taken over, and neither file is left in the folder', async () => {
    const out = tempDir('postfeed-lock-');
    leave(out, LOCK, leftBy({ pid: process.pid, start: processStart(process.pid) }));
    leave(out, TAKEOVER, leftBy({ pid: process.pid, start: processStart(process.pid) }));
    await within(20_000, writeOutput(out, feeds('new')), 'stale lock beside a stale takeover lock');
    expect(readFeeds(out)[0]).toBe('new rss.xml\n');
    expect(readdirSync(out).sort()).toEqual(['atom.xml', 'feed.json', 'rss.xml']);
  });

  it('alone (the killed run had removed the stale lock): the next run removes it, as it would be published with the feeds', async () => {
    const out = tempDir('postfeed-lock-');
    leave(out, TAKEOVER, String(deadPid()));
    await writeOutput(out, feeds('new'));
    expect(readdirSync(out).sort()).toEqual(['atom.xml', 'feed.json', 'rss.xml']);
  });

  it('held by a live process: left alone', async () => {
    const out = tempDir('postfeed-lock-');
    const live = JSON.stringify({ pid: 1, start: processStart(1), boot: bootId, token: 'x' });
    leave(out, TAKEOVER, live);
    await writeOutput(out, feeds('new'));
    expect(readFileSync(path.join(out, TAKEOVER), 'utf8')).toBe(live);
  });
});

describe('each writeOutput() call has its own lock', () => {
  it('two calls into different folders each release only their own lock', async () => {
    const [a, b] = [tempDir('postfeed-lock-a-'), tempDir('postfeed-lock-b-')];
    await Promise.all([writeOutput(a, feeds('a')), writeOutput(b, feeds('b'))]);
    expect(readdirSync(a).sort()).toEqual(['atom.xml', 'feed.json', 'rss.xml']);
    expect(readdirSync(b).sort()).toEqual(['atom.xml', 'feed.json', 'rss.xml']);
    // Nothing leaked: the next call into either folder proceeds at once.
    await within(4000, writeOutput(a, feeds('a2')), 'second write into a');
    expect(readFeeds(a)[0]).toBe('a2 rss.xml\n');
  });

  it('two calls into one folder take turns and end with one complete set', async () => {
    const out = tempDir('postfeed-lock-');
    await Promise.all([writeOutput(out, feeds('x')), writeOutput(out, feeds('y'))]);
    const tags = readFeeds(out).map((text) => text.slice(0, 1));
    expect(new Set(tags).size).toBe(1);
    expect(readdirSync(out).sort()).toEqual(['atom.xml', 'feed.json', 'rss.xml']);
  });

  it('aborting one call stops that call only', async () => {
    const [a, b] = [tempDir('postfeed-lock-a-'), tempDir('postfeed-lock-b-')];
    await writeOutput(a, feeds('old'));
    const controller = new AbortController();
    controller.abort();
    const [first, second] = await Promise.allSettled([writeOutput(a, feeds('new'), { signal: controller.signal }), writeOutput(b, feeds('b'))]);
    expect(first.status === 'rejected' && first.reason).toBeInstanceOf(WriteInterrupted);
    expect(second.status).toBe('fulfilled');
    expect(readFeeds(a)[0]).toBe('old rss.xml\n');
    expect(readdirSync(a).sort()).toEqual(['atom.xml', 'feed.json', 'rss.xml']);
  });
});

describe('a lock held by a live process', () => {
  /** A separate node process that takes the folder's lock through the library and holds it until killed. */
  function holdLock(out: string): Promise<ChildProcess> {
    const lockModule = pathToFileURL(path.join(ROOT, 'lib', 'output', 'lock.js')).href;
    const holder = spawn(
      process.execPath,
      ['--input-type=module', '-e', `const { acquireLock } = await import(${JSON.stringify(lockModule)}); await acquireLock(process.argv[1]); console.log('held'); setInterval(() => {}, 1000);`, out],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    return new Promise((resolve, reject) => {
      holder.stdout!.once('data', () => resolve(holder));
      holder.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
    });
  }

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`makes a build wait, and ${signal} ends the wait promptly with exit ${code} and nothing changed`, async () => {
      const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
      expect(runCli(project, ['build', '--quiet']).status).toBe(0);
      const dist = path.join(project, 'dist');
      writeFileSync(path.join(project, 'posts', 'b.md'), post('title: B\ndate: 2024-01-02'));
      const holder = await holdLock(dist);
      try {
        const before = snapshotDir(dist);
        const waiter = spawn(process.execPath, [CLI, 'build', '--quiet'], { cwd: project, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, POSTFEED_BASE_URL: '' } });
        let stderr = '';
        waiter.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        const exited = new Promise<number | null>((resolve) => waiter.once('exit', (exitCode) => resolve(exitCode)));
        // Long enough for the build to reach the lock on a loaded machine; it must still be waiting.
        const early = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('waiting'), 8000))]);
        expect(early, stderr).toBe('waiting');
        waiter.kill(signal);
        const exitCode = await within(10_000, exited, `build after ${signal}`);
        expect(exitCode, stderr).toBe(code);
        expect(stderr).not.toMatch(/internal error/);
        expect(snapshotDir(dist)).toEqual(before);
        expect(readdirSync(dist).filter((entry) => entry !== LOCK && entry.startsWith('.'))).toEqual([]);
      } finally {
        holder.kill('SIGKILL');
      }
      // The holder is gone (killed, its lock left behind): the next build takes over and writes.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const next = runCli(project, ['build', '--quiet']);
      expect(next.status, next.stderr).toBe(0);
      expect(readdirSync(dist).sort()).toEqual(['atom.xml', 'feed.json', 'rss.xml']);
    }, 120_000);
  }
});

it('a build waits for a lock of a live process in the old bare-pid format', async () => {
  const out = tempDir('postfeed-lock-');
  mkdirSync(out, { recursive: true });
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    writeFileSync(path.join(out, LOCK), String(sleeper.pid));
    const controller = new AbortController();
    const write = writeOutput(out, feeds('new'), { signal: controller.signal });
    const state = await Promise.race([write.then(() => 'written'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 1500))]);
    expect(state).toBe('waiting');
    controller.abort();
    await expect(within(4000, write, 'aborted wait')).rejects.toBeInstanceOf(WriteInterrupted);
    expect(readdirSync(out)).toEqual([LOCK]);
  } finally {
    sleeper.kill('SIGKILL');
  }
});
