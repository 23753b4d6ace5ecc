// The output folder's lock: one writer at a time; a lock left by a killed process is taken over.
//
// A lock records who holds it: pid, the process's start time and the boot id (from /proc where
// there is one), and a token for the one call that took it. A pid alone is not enough: in a
// container every run is pid 1, so a killed run's lock would name the next run, which would wait
// for itself. The lock is stale when its pid is dead, or alive but started at another time or in
// another boot, or when it names this process without being held by any call in it.
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { OutputError, WriteInterrupted } from './errors.js';
import { LOCK, TAKEOVER_SUFFIX } from './names.js';

const LOCK_WAIT_MS = 10 * 60 * 1000;
/** A lock file this old that says nothing readable belongs to a process killed while creating it. */
const STALE_UNREADABLE_LOCK_MS = 5000;

interface LockRecord {
  pid: number;
  /** /proc/<pid>/stat field 22: clock ticks after boot when the process started. */
  start?: string;
  boot?: string;
  token?: string;
}

export interface OutputLock {
  /** Removes the lock if it is still this one. Synchronous, so an exit right after cannot cut it short. */
  release(): void;
}

/**
 * Tokens of the locks calls in this process hold right now. A lock naming this pid with a token
 * not in here was left by an earlier process that had the same pid.
 */
const heldTokens = new Set<string>();

let bootIdCache: string | undefined | null = null;

function bootId(): string | undefined {
  if (bootIdCache === null) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
    } catch {
      bootIdCache = undefined;
    }
  }
  return bootIdCache;
}

/** When the process started, as /proc tells it; undefined where there is no /proc or no such process. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may itself contain spaces and parentheses: count from the last ")".
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Takes the lock of `outDir`, waiting for a live holder; an aborted `signal` stops the wait. */
export async function acquireLock(outDir: string, signal?: AbortSignal): Promise<OutputLock> {
  const file = path.join(outDir, LOCK);
  const { token, text } = newRecord();
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    if (signal?.aborted) throw new WriteInterrupted(`interrupted while waiting for the lock ${file}; nothing was changed`);
    // Registered before the file exists, so another call in this process never takes it for stale.
    heldTokens.add(token);
    try {
      await fs.writeFile(file, text, { flag: 'wx' });
      // A process killed while taking over a stale lock leaves its takeover file behind, which
      // nothing else would remove: in a site's output folder it would be published with the feeds.
      await removeIfStale(`${file}${TAKEOVER_SUFFIX}`);
      return { release: () => release(file, text, token) };
    } catch (error) {
      heldTokens.delete(token);
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new OutputError(`cannot create the lock file ${file} (${code ?? (error as Error).message})`);
    }
    const holder = await readHolder(file);
    if (holder.stale) await removeStaleLock(file, holder.text);
    else if (Date.now() > deadline) throw new OutputError(`timed out after 10 minutes waiting for the lock ${file}, held by ${holder.description}`);
    else await sleep(25 + Math.random() * 50, signal);
  }
}

/** A record naming this process, with a token for the one call that writes it. */
function newRecord(): { token: string; text: string } {
  const token = randomBytes(8).toString('hex');
  const record: LockRecord = { pid: process.pid, start: processStart(process.pid), boot: bootId(), token };
  return { token, text: JSON.stringify(record) };
}

/**
 * Removes the takeover lock `file` when its holder is gone. Never throws: one that cannot be
 * removed only makes later takeovers wait, and the lock itself is not at stake.
 */
async function removeIfStale(file: string): Promise<void> {
  try {
    const holder = await readHolder(file);
    // Read again just before: a holder that replaced it meanwhile is not stale.
    if (holder.stale && (await fs.readFile(file, 'utf8').catch(() => '')) === holder.text) await fs.rm(file, { force: true });
  } catch {
    // Left as it is (see above).
  }
}

function release(file: string, text: string, token: string): void {
  heldTokens.delete(token);
  try {
    if (readFileSync(file, 'utf8') === text) rmSync(file, { force: true });
  } catch {
    // Already gone.
  }
}

interface Holder {
  /** The lock file's contents as read, to check that a takeover removes exactly this lock. */
  text: string;
  stale: boolean;
  description: string;
}

async function readHolder(file: string): Promise<Holder> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const record = parseLock(text);
  if (record) return { text, stale: isStale(record), description: `process ${record.pid}` };
  const modified = (await fs.stat(file).catch(() => undefined))?.mtimeMs ?? Date.now();
  return { text, stale: Date.now() - modified > STALE_UNREADABLE_LOCK_MS, description: 'an unknown process' };
}

/** The lock's record; a bare pid is what earlier versions wrote. Undefined while being written. */
function parseLock(text: string): LockRecord | undefined {
  if (/^[1-9][0-9]*$/.test(text)) return { pid: Number(text) };
  try {
    const value = JSON.parse(text) as Partial<LockRecord> | null;
    if (typeof value !== 'object' || value === null || !Number.isSafeInteger(value.pid) || (value.pid as number) < 1) return undefined;
    const optional = (key: 'start' | 'boot' | 'token') => (typeof value[key] === 'string' ? { [key]: value[key] } : {});
    return { pid: value.pid as number, ...optional('start'), ...optional('boot'), ...optional('token') };
  } catch {
    return undefined;
  }
}

function isStale(record: LockRecord): boolean {
  const boot = bootId();
  if (record.boot && boot && record.boot !== boot) return true;
  if (record.pid === process.pid) return !(record.token && heldTokens.has(record.token));
  if (!isAlive(record.pid)) return true;
  const start = processStart(record.pid);
  return !!(record.start && start && record.start !== start);
}

/** Whether a process with this id runs on this machine (one we may not signal counts as running). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lock. Only one process at a time may do this, under a second lock, and only after
 * checking again that the lock is still the stale one: otherwise two waiters could each delete the
 * other's fresh lock.
 */
async function removeStaleLock(file: string, staleText: string): Promise<void> {
  const takeover = `${file}${TAKEOVER_SUFFIX}`;
  // The takeover lock names its holder as the lock does, so one left by a killed process is
  // recognized as such at once (or, unreadable, after a few seconds).
  const { token, text } = newRecord();
  heldTokens.add(token);
  try {
    await fs.writeFile(takeover, text, { flag: 'wx' });
  } catch {
    heldTokens.delete(token);
    // Someone else is taking over, or someone killed while doing so left the file.
    await removeIfStale(takeover);
    await sleep(10);
    return;
  }
  try {
    const current = await readHolder(file);
    if (current.stale && current.text === staleText) await fs.rm(file, { force: true });
  } finally {
    heldTokens.delete(token);
    if ((await fs.readFile(takeover, 'utf8').catch(() => '')) === text) await fs.rm(takeover, { force: true });
  }
}

/** Waits, or less when `signal` is aborted meanwhile. */
function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, milliseconds);
    signal?.addEventListener('abort', done, { once: true });
  });
}
