// Crash safety of the output folder, tested on the real CLI process: SIGKILL at random moments,
// two builds at once, and clean-up after success, failed input, SIGINT and SIGTERM.
//
// What must hold after any kill (write.ts's contract): every feed in the output folder is byte for
// byte the complete old file or the complete new file, and the set is all old or all new, unless the
// commit journal is present, in which case recovery completes the new set.
//
// Tunable for longer soak runs: POSTFEED_CRASH_POSTS (default 1000), POSTFEED_CRASH_KILLS (default 52),
// POSTFEED_CRASH_SEED (default: the clock; printed, so a failing schedule can be replayed).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { recoverOutput } from '../src/output/commit.js';
import { BASE_CONFIG, CLI, makeProject, post, ROOT, runCli, SHARED, snapshotDir, tempDir } from './helpers.js';

const FEEDS = ['rss.xml', 'atom.xml', 'feed.json'] as const;
const LOCK = '.postfeed.lock';
const JOURNAL = '.postfeed-commit.json';
const STAGING_PREFIX = '.postfeed-staging-';

const POSTS = Number(process.env.POSTFEED_CRASH_POSTS ?? 1000);
const KILLS = Number(process.env.POSTFEED_CRASH_KILLS ?? 52);
const SEED = Number(process.env.POSTFEED_CRASH_SEED ?? Date.now() % 1_000_000);
/** Two cores: two kill loops side by side, each with its own output folder. */
const WORKERS = 2;

const ENV = { ...process.env, POSTFEED_BASE_URL: '', SOURCE_DATE_EPOCH: '1735689600' };

type FeedSet = Record<(typeof FEEDS)[number], Buffer>;
type State = 'old' | 'new' | 'journal';

/** mulberry32: a reproducible kill schedule for a given seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function spawnBuild(cwd: string, config: string, out: string, extra: readonly string[] = []): ChildProcess & { stderrText: () => string } {
  const child = spawn(process.execPath, [CLI, 'build', '--config', config, '--out', out, '--quiet', ...extra], {
    cwd,
    env: ENV,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    // Warnings about the corpus's <iframe>s are expected; keep only the tail for failure messages.
    stderr = (stderr + chunk).slice(-4000);
  });
  return Object.assign(child, { stderrText: () => stderr });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode as NodeJS.Signals | null });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

function readSet(dir: string): FeedSet {
  return Object.fromEntries(FEEDS.map((name) => [name, readFileSync(path.join(dir, name))])) as FeedSet;
}

function writeSet(dir: string, set: FeedSet): void {
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir)) rmSync(path.join(dir, entry), { recursive: true, force: true });
  for (const name of FEEDS) writeFileSync(path.join(dir, name), set[name]);
}

/** Which complete version each feed is: 'old', 'new', 'missing' or 'other' (torn, truncated, foreign). */
function versions(dir: string, old: FeedSet, neu: FeedSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FEEDS) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path.join(dir, name));
    } catch {
      out[name] = 'missing';
      continue;
    }
    out[name] = bytes.equals(old[name]) ? 'old' : bytes.equals(neu[name]) ? 'new' : `other (${bytes.length} bytes)`;
  }
  return out;
}

/** postfeed's own temporary entries in an output folder. */
function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((entry) => !(FEEDS as readonly string[]).includes(entry));
}

function isOwnTemporary(entry: string): boolean {
  // The takeover lock too: a run killed while removing a dead run's lock leaves it (the next run removes it).
  return entry === LOCK || entry === `${LOCK}.takeover` || entry === JOURNAL || entry.startsWith(STAGING_PREFIX) || entry.startsWith(`${JOURNAL}.tmp-`);
}

/** A pid that surely belongs to no running process right now. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(result.stdout);
}

/**
 * The project under test: a make-corpus corpus, an "old" config and a "new" one that changes every
 * feed (title and baseUrl), the complete old and new sets, and the phase timing of a full run.
 */
interface Fixture {
  project: string;
  old: FeedSet;
  neu: FeedSet;
  /** Spawn → exit of a full old→new run, in ms. */
  total: number;
  /** Spawn → staging folder created (the start of the writing phase), in ms. */
  writeStart: number;
  /**
   * The same for a build with `--no-cache`: the "during the build" trials build without the cache
   * and are timed from this. (From the cache the build is remembered whole, and a fraction of its
   * short run can land while Node is still loading postfeed, before any signal handler exists.)
   */
  uncachedWriteStart: number;
}

let fixture: Fixture;

/**
 * How long the writing phase (staging folder → exit) lasts, re-estimated from every run that
 * finished on its own: the machine is shared and times drift, so one up-front measurement is not
 * enough to aim kills inside the phase.
 */
const writingSeen: number[] = [];
function writingEstimate(): number {
  const recent = writingSeen.slice(-9).sort((a, b) => a - b);
  return Math.max(recent[Math.floor(recent.length / 2)] ?? fixture.total - fixture.writeStart, 20);
}

/**
 * Runs the new build into `out` and reports when its staging folder and journal appeared.
 * fs.watch is inotify here: notifications arrive within a fraction of a millisecond.
 */
async function timedRun(
  project: string,
  out: string,
  extra: readonly string[] = [],
): Promise<{ total: number; writeStart: number; journal: number; code: number | null }> {
  const started = performance.now();
  const child = spawnBuild(project, 'new.config.json', out, extra);
  let writeStart = Number.NaN;
  let journal = Number.NaN;
  const watcher = watch(out, (_event, name) => {
    if (!name) return;
    if (Number.isNaN(writeStart) && name.startsWith(`${STAGING_PREFIX}${child.pid}-`)) writeStart = performance.now() - started;
    if (Number.isNaN(journal) && name.startsWith(JOURNAL)) journal = performance.now() - started;
  });
  const { code } = await exited(child);
  watcher.close();
  return { total: performance.now() - started, writeStart, journal, code };
}

beforeAll(async () => {
  const project = tempDir('postfeed-crash-');
  const made = spawnSync(process.execPath, [path.join(SHARED, 'bench', 'make-corpus.mjs'), '--count', String(POSTS), '--out', path.join(project, 'posts'), '--quiet']);
  expect(made.status, made.stderr?.toString()).toBe(0);
  // Dated permalinks: the corpus repeats slugs on different days, which postfeed rightly rejects
  // as duplicate ids under the default /posts/:slug/.
  const common = { ...BASE_CONFIG, limit: 0, permalink: '/:year/:month/:day/:slug/' };
  // Each site keeps its own id ledger: with one, the second site would keep the first one's ids.
  writeFileSync(path.join(project, 'old.config.json'), JSON.stringify({ ...common, title: 'Old title', baseUrl: 'https://old.example.com/', ledger: 'old.lock.json' }));
  writeFileSync(path.join(project, 'new.config.json'), JSON.stringify({ ...common, title: 'New title', baseUrl: 'https://new.example.org/blog/', ledger: 'new.lock.json' }));

  const [oldRun, newRun] = await Promise.all([
    exited(spawnBuild(project, 'old.config.json', path.join(project, 'ref-old'))),
    exited(spawnBuild(project, 'new.config.json', path.join(project, 'ref-new'))),
  ]);
  expect(oldRun.code).toBe(0);
  expect(newRun.code).toBe(0);
  const old = readSet(path.join(project, 'ref-old'));
  const neu = readSet(path.join(project, 'ref-new'));
  for (const name of FEEDS) expect(old[name].equals(neu[name]), `${name} must differ between old and new`).toBe(false);

  // Time the real thing, old set → new set, two at once as the kill loops will run.
  const timing = await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      const out = path.join(project, `timing-${w}`);
      writeSet(out, old);
      const run = await timedRun(project, out);
      expect(run.code).toBe(0);
      expect(versions(out, old, neu)).toEqual({ 'rss.xml': 'new', 'atom.xml': 'new', 'feed.json': 'new' });
      return run;
    }),
  );
  const total = Math.max(...timing.map((t) => t.total));
  const writeStart = Math.min(...timing.map((t) => t.writeStart));
  expect(Number.isFinite(writeStart), 'the staging folder was never seen').toBe(true);
  const uncached = await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      const out = path.join(project, `timing-uncached-${w}`);
      writeSet(out, old);
      const run = await timedRun(project, out, ['--no-cache']);
      expect(run.code).toBe(0);
      return run;
    }),
  );
  const uncachedWriteStart = Math.min(...uncached.map((t) => t.writeStart));
  expect(Number.isFinite(uncachedWriteStart), 'the staging folder was never seen').toBe(true);
  console.log(
    `crash-safety: ${POSTS} posts, feeds ${FEEDS.map((n) => `${(neu[n].length / 1e6).toFixed(1)} MB`).join(' / ')}; ` +
      `full run ${total.toFixed(0)} ms, writing starts at ${writeStart.toFixed(0)} ms (${uncachedWriteStart.toFixed(0)} ms with --no-cache) (${timing.map((t) => `journal at ${t.journal.toFixed(0)}`).join(', ')}); seed ${SEED}`,
  );
  fixture = { project, old, neu, total, writeStart, uncachedWriteStart };
  for (const run of timing) writingSeen.push(run.total - run.writeStart);
}, 600_000);

describe('SIGKILL at random moments', () => {
  it(`leaves the old set, the new set, or a journal that recovery completes (${KILLS} kills)`, async () => {
    const { project, old, neu, total } = fixture;
    const random = prng(SEED);
    const counts: Record<State, number> = { old: 0, new: 0, journal: 0 };
    const byMode: Record<string, Record<State, number>> = {};
    let finishedBeforeKill = 0;
    let withLeftovers = 0;
    const log: string[] = [];

    // The schedule: a quarter anywhere over the whole run, half within the writing phase (measured
    // from the moment the child's staging folder appears), a quarter within 8 ms of the commit
    // (the journal's temporary file appearing), where the journal window is.
    const plan = Array.from({ length: KILLS }, (_, i) => {
      const r = random();
      const mode = i % 8 < 2 ? 'anywhere' : i % 8 < 6 ? 'writing' : 'commit';
      // 'writing' delays are fractions of the current estimate of the phase, resolved at spawn time.
      const delay = mode === 'anywhere' ? r * total * 1.05 : mode === 'writing' ? r * 1.1 : r * 8;
      return { i, mode, delay };
    });

    async function killOnce(out: string, planned: (typeof plan)[number]): Promise<void> {
      const step = planned.mode === 'writing' ? { ...planned, delay: planned.delay * writingEstimate() } : planned;
      const child = spawnBuild(project, 'new.config.json', out);
      let timer: NodeJS.Timeout | undefined;
      let stagingAt = Number.NaN;
      const kill = () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      };
      const trigger = step.mode === 'writing' ? `${STAGING_PREFIX}${child.pid}-` : step.mode === 'commit' ? `${JOURNAL}.tmp-${child.pid}` : undefined;
      const watcher = trigger
        ? watch(out, (_event, name) => {
            if (name?.startsWith(trigger) && !timer) {
              stagingAt = performance.now();
              timer = setTimeout(kill, step.delay);
            }
          })
        : undefined;
      if (!trigger) timer = setTimeout(kill, step.delay);
      const { code, signal } = await exited(child);
      watcher?.close();
      clearTimeout(timer);
      if (signal !== 'SIGKILL' && step.mode === 'writing' && !Number.isNaN(stagingAt)) writingSeen.push(performance.now() - stagingAt);
      const where = `kill #${step.i} (${step.mode}, ${step.delay.toFixed(1)} ms, seed ${SEED})`;
      if (signal !== 'SIGKILL') {
        // The run ended on its own before its kill was due: it must have succeeded.
        expect(code, `${where}: ${child.stderrText()}`).toBe(0);
        finishedBeforeKill++;
      }

      const seen = versions(out, old, neu);
      const extra = leftovers(out);
      expect(extra.filter((entry) => !isOwnTemporary(entry)), `${where}: unexpected entries`).toEqual([]);
      for (const name of FEEDS) expect(['old', 'new'], `${where}: ${name} is ${seen[name]}`).toContain(seen[name]);
      const journal = existsSync(path.join(out, JOURNAL));
      let state: State;
      if (journal) {
        state = 'journal';
        await recoverOutput(out);
        expect(versions(out, old, neu), `${where}: after recovery`).toEqual({ 'rss.xml': 'new', 'atom.xml': 'new', 'feed.json': 'new' });
        expect(leftovers(out).filter((entry) => entry !== LOCK), `${where}: after recovery`).toEqual([]);
      } else {
        const kinds = new Set(Object.values(seen));
        expect(kinds.size, `${where}: mixed set without a journal: ${JSON.stringify(seen)}`).toBe(1);
        state = kinds.has('old') ? 'old' : 'new';
      }
      counts[state]++;
      (byMode[step.mode] ??= { old: 0, new: 0, journal: 0 })[state]++;
      if (extra.length > 0) withLeftovers++;
      log.push(`#${step.i} ${step.mode} +${step.delay.toFixed(0)}ms → ${state}${extra.length ? ` [${extra.map((e) => e.replace(/-[0-9a-f]{8}$/, '-…')).join(', ')}]` : ''}`);
      // An old set keeps whatever the killed run left (a dead process's lock, its staging folder),
      // so the next run has to take over and clean up; anything else goes back to the old set.
      if (state !== 'old') writeSet(out, old);
    }

    await Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        const out = path.join(project, `kill-${w}`);
        writeSet(out, old);
        for (const step of plan.filter((s) => s.i % WORKERS === w)) await killOnce(out, step);
        // Whatever the last kill left, a complete run from there ends with exactly the new set.
        const final = await exited(spawnBuild(project, 'new.config.json', out));
        expect(final.code).toBe(0);
        expect(versions(out, old, neu)).toEqual({ 'rss.xml': 'new', 'atom.xml': 'new', 'feed.json': 'new' });
        expect(leftovers(out)).toEqual([]);
      }),
    );

    console.log(
      `crash-safety: ${KILLS} SIGKILLs → old set ${counts.old}, new set ${counts.new}, journal in progress ${counts.journal} ` +
        `(ran to completion before the kill: ${finishedBeforeKill}; temporary files present after the kill: ${withLeftovers}); by mode ${JSON.stringify(byMode)}; ` +
        `writing phase ≈ ${writingEstimate().toFixed(0)} ms`,
    );
    if (process.env.POSTFEED_CRASH_VERBOSE) console.log(log.join('\n'));
    expect(counts.old + counts.new + counts.journal).toBe(KILLS);
    // The schedule must actually have exercised the interesting states, not only one of them.
    expect(counts.old).toBeGreaterThan(0);
    expect(counts.new + counts.journal).toBeGreaterThan(0);
  }, 900_000);
});

describe('two builds at once into one folder', () => {
  async function both(out: string, configs: [string, string]) {
    const children = configs.map((config) => spawnBuild(fixture.project, config, out));
    const results = await Promise.all(children.map((child) => exited(child)));
    results.forEach((result, i) => expect(result.code, children[i]!.stderrText()).toBe(0));
    return versions(out, fixture.old, fixture.neu);
  }

  it('queue on the lock: different inputs end as one complete set, nothing left over', async () => {
    const out = path.join(fixture.project, 'concurrent-different');
    writeSet(out, fixture.old);
    for (let round = 0; round < 2; round++) {
      const seen = await both(out, ['old.config.json', 'new.config.json']);
      expect(new Set(Object.values(seen)).size, JSON.stringify(seen)).toBe(1);
      expect(['old', 'new']).toContain(seen['rss.xml']);
      expect(leftovers(out)).toEqual([]);
    }
  }, 300_000);

  it('same input into a folder that does not exist yet: one build writes, the other finds it unchanged', async () => {
    const out = path.join(fixture.project, 'concurrent-same');
    const children = [0, 1].map(() =>
      spawn(process.execPath, [CLI, 'build', '--config', 'new.config.json', '--out', out], { cwd: fixture.project, env: ENV, stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    const stdout = children.map((child) => {
      let text = '';
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      return () => text;
    });
    const results = await Promise.all(children.map((child) => exited(child)));
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(versions(out, fixture.old, fixture.neu)).toEqual({ 'rss.xml': 'new', 'atom.xml': 'new', 'feed.json': 'new' });
    expect(leftovers(out)).toEqual([]);
    // Serialized by the lock, the second run sees the first one's complete output.
    const unchanged = stdout.map((text) => (text().match(/\(unchanged\)/g) ?? []).length).sort();
    expect(unchanged).toEqual([0, FEEDS.length]);
  }, 300_000);

  it('after a dead process\'s lock: both succeed, one complete set', async () => {
    const out = path.join(fixture.project, 'concurrent-stale');
    writeSet(out, fixture.old);
    writeFileSync(path.join(out, LOCK), String(deadPid()));
    const seen = await both(out, ['new.config.json', 'old.config.json']);
    expect(new Set(Object.values(seen)).size, JSON.stringify(seen)).toBe(1);
    expect(leftovers(out)).toEqual([]);
  }, 300_000);
});

describe('temporary files are cleaned up', () => {
  it('after a successful build and after a rebuild with no changes', () => {
    const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
    expect(runCli(project, ['build', '--quiet']).status).toBe(0);
    expect(readdirSync(path.join(project, 'dist')).sort()).toEqual([...FEEDS].sort());
    const before = snapshotDir(path.join(project, 'dist'));
    expect(runCli(project, ['build', '--quiet']).status).toBe(0);
    expect(snapshotDir(path.join(project, 'dist'))).toEqual(before);
    expect(readdirSync(path.join(project, 'dist')).sort()).toEqual([...FEEDS].sort());
  });

  it('after a build that fails on its input: no output folder is created', () => {
    const project = makeProject({ 'a.md': post('date: 2024-01-01') }); // no title
    const run = runCli(project, ['build']);
    expect(run.status).toBe(1);
    expect(existsSync(path.join(project, 'dist'))).toBe(false);
    expect(readdirSync(project).sort()).toEqual(['postfeed.config.json', 'posts']);
  });

  it('after a build that fails on its input: an existing output folder is left exactly as it was', () => {
    const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
    expect(runCli(project, ['build', '--quiet']).status).toBe(0);
    const before = snapshotDir(path.join(project, 'dist'));
    writeFileSync(path.join(project, 'posts', 'b.md'), post('title: B\ndate: not a date'));
    expect(runCli(project, ['build']).status).toBe(1);
    expect(snapshotDir(path.join(project, 'dist'))).toEqual(before);
  });

  it('after a refused output path (a file): the file left alone, nothing else written', () => {
    const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
    writeFileSync(path.join(project, 'dist'), 'not a folder');
    const run = runCli(project, ['build']);
    expect(run.status).toBe(1);
    expect(readFileSync(path.join(project, 'dist'), 'utf8')).toBe('not a folder');
    // Refused before any work: not even the id ledger is written.
    expect(readdirSync(project).sort()).toEqual(['dist', 'postfeed.config.json', 'posts']);
  });

  it('after an output failure (a feed path that is a folder): the ledger written first, no temporary file left', () => {
    const project = makeProject({ 'a.md': post('title: A\ndate: 2024-01-01') });
    mkdirSync(path.join(project, 'dist', 'atom.xml'), { recursive: true });
    const run = runCli(project, ['build']);
    expect(run.status, run.stderr).toBe(3);
    expect(readdirSync(path.join(project, 'dist')).sort()).toEqual(['atom.xml']);
    // The id ledger is written before the feeds, so a published id is never missing from it; the
    // build itself succeeded, so its cache is kept (by a rename: no temporary file beside it).
    expect(readdirSync(project).sort()).toEqual(['dist', 'node_modules', 'postfeed.config.json', 'postfeed.lock.json', 'posts']);
    // With the copies of the feeds the cache keeps (named for the build): never linked into dist.
    expect(readdirSync(path.join(project, 'node_modules', '.cache', 'postfeed')).map((name) => name.replace(/^(posts\.cache\.feed-)[0-9a-f]{12}-/, '$1*-'))).toEqual([
      'config.json',
      'posts.cache',
      'posts.cache.feed-*-0',
      'posts.cache.feed-*-1',
      'posts.cache.feed-*-2',
    ]);
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`after ${signal} during the build, during writing and at the commit (exit ${code})`, async () => {
      const { project, old, neu, uncachedWriteStart } = fixture;
      // Where to signal: during the build; at fractions of the writing phase (from the staging
      // folder's appearance); a few ms after the journal's temporary file appears (the commit).
      const points: { at: 'build' | 'writing' | 'commit'; value: number }[] = [
        { at: 'build', value: 0.6 },
        { at: 'writing', value: 0 },
        { at: 'writing', value: 0.2 },
        { at: 'writing', value: 0.45 },
        { at: 'writing', value: 0.7 },
        { at: 'commit', value: 0 },
        { at: 'commit', value: 2 },
        { at: 'commit', value: 6 },
      ];
      const outcomes: string[] = [];
      const failures: string[] = [];
      const trial = async (out: string, point: (typeof points)[number]) => {
        writeSet(out, old);
        // Without the cache, so "during the build" is a long stretch: from the cache this build
        // is remembered whole and can be done before the signal.
        const child = spawnBuild(project, 'new.config.json', out, point.at === 'build' ? ['--no-cache'] : []);
        let timer: NodeJS.Timeout | undefined;
        let sent = false;
        // Whether the output folder showed any sign of writing (a lock, staging, a journal, a new
        // feed) when the signal went: "during the build" is timed from the calibration runs, and on
        // a machine under more load then than now the build can already be writing by then.
        let writingBegun = false;
        let stagingAt = Number.NaN;
        const send = () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          if (point.at === 'build') writingBegun = leftovers(out).length > 0 || Object.values(versions(out, old, neu)).some((state) => state !== 'old');
          sent = true;
          child.kill(signal);
        };
        const delay = point.at === 'writing' ? point.value * writingEstimate() : point.value;
        const watcher = watch(out, (_event, name) => {
          if (!name) return;
          if (Number.isNaN(stagingAt) && name.startsWith(`${STAGING_PREFIX}${child.pid}-`)) {
            stagingAt = performance.now();
            if (point.at === 'writing') timer = setTimeout(send, delay);
          }
          if (point.at === 'commit' && !timer && name.startsWith(`${JOURNAL}.tmp-${child.pid}`)) timer = setTimeout(send, delay);
        });
        if (point.at === 'build') timer = setTimeout(send, uncachedWriteStart * point.value);
        const result = await exited(child);
        watcher.close();
        clearTimeout(timer);
        if (!sent && !Number.isNaN(stagingAt)) writingSeen.push(performance.now() - stagingAt);

        const where = `${signal} at ${point.at}${point.at === 'build' ? (writingBegun ? ' (writing had begun)' : '') : ` +${delay.toFixed(0)} ms`}`;
        const seen = versions(out, old, neu);
        const kinds = [...new Set(Object.values(seen))];
        const extra = leftovers(out);
        const ended = !sent ? 'finished first' : result.signal ? `killed by ${result.signal}` : `exit ${result.code}`;
        outcomes.push(`${where}: ${ended} → ${kinds.join('+')}${extra.length ? ` [left: ${extra.join(', ')}]` : ''}`);
        const problems: string[] = [];
        if (!sent && result.code !== 0) problems.push(`exit ${result.code} without a signal`);
        // A signal that lands after the work is done, while Node is already exiting, either ends the
        // process the default way (the shell still reports 128 + n) or is never handled at all, so
        // the process reports the success it had: acceptable only when the complete new set is there.
        const done = kinds.length === 1 && kinds[0] === 'new' && extra.length === 0;
        const lateButDone = done && (result.signal === signal || result.code === 0);
        if (sent && result.code !== code && !lateButDone) problems.push(`${ended}, expected exit ${code}`);
        if (extra.length > 0) problems.push(`temporary files left: ${extra.join(', ')}`);
        if (kinds.length !== 1 || !['old', 'new'].includes(kinds[0]!)) problems.push(`not one complete set: ${JSON.stringify(seen)}`);
        if (point.at === 'build' && sent && !writingBegun && kinds[0] !== 'old') problems.push('a build interrupted before writing changed the output');
        const stderr = child.stderrText().split('\n').filter((line) => line && !line.includes(': warning: ')).join(' | ');
        if (/internal error/.test(stderr)) problems.push(`stderr: ${stderr.slice(0, 300)}`);
        if (problems.length > 0) failures.push(`${where}: ${problems.join('; ')}`);
      };
      await Promise.all(
        Array.from({ length: WORKERS }, async (_, w) => {
          const out = path.join(project, `${signal}-${w}`);
          for (const point of points.filter((_, i) => i % WORKERS === w)) await trial(out, point);
        }),
      );
      console.log(`crash-safety: ${signal}:\n  ${outcomes.join('\n  ')}`);
      expect(failures).toEqual([]);
    }, 600_000);
  }
});

describe('the lock is exclusive', () => {
  // The CLI's build phase takes a variable time, so two CLI runs rarely reach the lock in the same
  // millisecond; writers started in step through lib/output/commit.js (what the CLI calls) do.
  it('when several writers find a dead process\'s lock at the same moment, each still succeeds', async () => {
    const dir = tempDir('postfeed-lock-');
    const script = path.join(dir, 'writer.mjs');
    writeFileSync(
      script,
      `import { writeOutput } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'lib', 'output', 'commit.js')).href)};
const [out, tag, startAt] = process.argv.slice(2);
const files = ['rss.xml', 'atom.xml', 'feed.json'].map((name) => ({ path: name, contents: (tag + ' ' + name + '\\n').repeat(2000), items: 1, format: 'rss' }));
while (Date.now() < Number(startAt)) {}
try { await writeOutput(out, files); } catch (error) { console.error(tag, error.code ?? error.message); process.exitCode = 3; }
`,
    );
    const failures: string[] = [];
    for (let round = 0; round < 20; round++) {
      const out = path.join(dir, `out-${round}`);
      mkdirSync(out);
      writeFileSync(path.join(out, LOCK), String(deadPid()));
      const startAt = Date.now() + 300;
      const writers = ['A', 'B', 'C'].map((tag) => spawn(process.execPath, [script, out, tag, String(startAt)], { stdio: ['ignore', 'ignore', 'pipe'] }));
      const results = await Promise.all(
        writers.map(
          (writer) =>
            new Promise<string>((resolve) => {
              let stderr = '';
              writer.stderr!.on('data', (chunk) => (stderr += chunk));
              writer.once('exit', (exitCode) => resolve(exitCode === 0 ? 'ok' : `exit ${exitCode}: ${stderr.trim()}`));
            }),
        ),
      );
      const tags = FEEDS.map((name) => readFileSync(path.join(out, name), 'utf8').slice(0, 1));
      const extra = leftovers(out);
      if (results.some((r) => r !== 'ok') || new Set(tags).size !== 1 || extra.length > 0) {
        failures.push(`round ${round}: writers ${results.join(', ')}; feeds from ${tags.join('')}${extra.length ? `; left ${extra.join(', ')}` : ''}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
