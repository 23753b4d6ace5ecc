// The only stage that writes: all feeds or none, never a half-written file, never a mixed set.
//
// 1. Take the output folder's lock (concurrent builds queue; a dead holder's lock is taken over).
// 2. Write every file into a staging folder inside the output folder (same file system) and fsync.
// 3. Commit: atomically create a journal naming the staged files. Before this point a crash
//    leaves the old feeds untouched; after it, the switch is decided.
// 4. Rename each staged file over the old one (each rename is atomic), then delete the journal.
// Any later postfeed run finishes an interrupted step 4 before doing anything else (recoverOutput),
// so readers of the folder see the old set, or the new set, or a journal-marked switch in progress.
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { OutputFile } from './model.js';

const LOCK = '.postfeed.lock';
const JOURNAL = '.postfeed-commit.json';
const STAGING_PREFIX = '.postfeed-staging-';
const LOCK_WAIT_MS = 10 * 60 * 1000;
/** A lock file without a pid this old belongs to a process killed while creating it. */
const STALE_EMPTY_LOCK_MS = 5000;

export interface WrittenFile {
  path: string;
  bytes: number;
  items: number;
  /** False when the file already had exactly these bytes and was left alone. */
  changed: boolean;
}

export class OutputError extends Error {}

/** The write stopped at a safe point because a signal asked it to; the old feeds are intact. */
export class WriteInterrupted extends Error {}

/** Set by a signal handler (requestInterrupt); checked by writeOutput between its steps. */
let interruptRequested = false;
let writing = false;
let heldLock: string | undefined;

/**
 * Asks a write in progress to stop at its next safe point: before the commit it removes its
 * staging folder and throws WriteInterrupted; after the commit it finishes. Returns false when no
 * write is in progress, so the caller may exit at once.
 */
export function requestInterrupt(): boolean {
  interruptRequested = true;
  return writing;
}

export async function writeOutput(outDir: string, files: readonly OutputFile[]): Promise<WrittenFile[]> {
  writing = true;
  try {
    await ensureDirectory(outDir);
    await acquireLock(outDir);
    try {
      return await writeLocked(outDir, files);
    } finally {
      releaseLock();
    }
  } finally {
    writing = false;
  }
}

async function writeLocked(outDir: string, files: readonly OutputFile[]): Promise<WrittenFile[]> {
  await recoverOutput(outDir);
  const staging = path.join(outDir, `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(staging);
  const abandon = async () => {
    await fs.rm(staging, { recursive: true, force: true });
    throw new WriteInterrupted('interrupted before the new feeds were committed; the old feeds are unchanged');
  };

  const results: WrittenFile[] = [];
  const staged: string[] = [];
  for (const file of files) {
    if (interruptRequested) await abandon();
    const target = path.join(outDir, file.path);
    const bytes = Buffer.from(file.contents, 'utf8');
    const changed = !(await sameBytes(target, bytes));
    results.push({ path: target, bytes: bytes.length, items: file.items, changed });
    if (!changed) continue;
    const handle = await fs.open(path.join(staging, file.path), 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    staged.push(file.path);
  }

  if (interruptRequested) await abandon();
  if (staged.length === 0) {
    await fs.rm(staging, { recursive: true, force: true });
    return results;
  }
  // The commit point: from here on the switch completes, even across a crash.
  await writeFileAtomically(path.join(outDir, JOURNAL), JSON.stringify({ staging: path.basename(staging), files: staged }));
  await syncDirectory(outDir);
  await finishCommit(outDir, path.basename(staging), staged);
  return results;
}

/** Completes a commit a killed run left behind, and removes staging folders no journal refers to. */
export async function recoverOutput(outDir: string): Promise<void> {
  let journal: { staging: string; files: string[] } | undefined;
  try {
    journal = JSON.parse(await fs.readFile(path.join(outDir, JOURNAL), 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No output folder (yet), or a file in its place: nothing to recover.
    if (code === 'ENOTDIR') return;
    if (code !== 'ENOENT') {
      // A journal that cannot be read was never committed: it is written by an atomic rename.
      await fs.rm(path.join(outDir, JOURNAL), { force: true });
    }
  }
  if (journal) await finishCommit(outDir, journal.staging, journal.files);
  let entries: string[] = [];
  try {
    entries = await fs.readdir(outDir);
  } catch {
    return;
  }
  // Called only under the lock and before this run stages anything: every staging folder is stale.
  for (const entry of entries) {
    if (entry.startsWith(STAGING_PREFIX)) await fs.rm(path.join(outDir, entry), { recursive: true, force: true });
    if (entry.startsWith(`${JOURNAL}.tmp-`)) await fs.rm(path.join(outDir, entry), { force: true });
  }
}

async function finishCommit(outDir: string, stagingName: string, files: readonly string[]): Promise<void> {
  const staging = path.join(outDir, stagingName);
  for (const name of files) {
    try {
      await fs.rename(path.join(staging, name), path.join(outDir, name));
    } catch (error) {
      // Already moved by an earlier, interrupted finish.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  await syncDirectory(outDir);
  await fs.rm(path.join(outDir, JOURNAL), { force: true });
  await fs.rm(staging, { recursive: true, force: true });
}

async function ensureDirectory(outDir: string): Promise<void> {
  try {
    await fs.mkdir(outDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OutputError(
      code === 'EEXIST' || code === 'ENOTDIR'
        ? `the output path ${outDir} exists and is not a folder`
        : `cannot create the output folder ${outDir} (${code})`,
    );
  }
  const stat = await fs.stat(outDir);
  if (!stat.isDirectory()) throw new OutputError(`the output path ${outDir} exists and is not a folder`);
}

async function acquireLock(outDir: string): Promise<void> {
  const lock = path.join(outDir, LOCK);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await fs.writeFile(lock, String(process.pid), { flag: 'wx' });
      heldLock = lock;
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readLockHolder(lock);
    if (holder.stale) await removeStaleLock(lock, holder.pid);
    else if (Date.now() > deadline) throw new OutputError(`timed out waiting for the lock ${lock} held by process ${holder.pid}`);
    else await sleep(25 + Math.random() * 50);
  }
}

/** The lock's holder, and whether it is stale: its process is dead, or it never wrote its pid. */
async function readLockHolder(lock: string): Promise<{ pid: string; stale: boolean }> {
  const pid = await fs.readFile(lock, 'utf8').catch(() => '');
  if (/^[1-9][0-9]*$/.test(pid)) return { pid, stale: !isAlive(Number(pid)) };
  const age = Date.now() - ((await fs.stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
  return { pid: pid || '(unknown)', stale: age > STALE_EMPTY_LOCK_MS };
}

/**
 * Removes a lock whose holder was killed (SIGKILL cannot be caught). Only one process at a time
 * may do this, under a second lock, and only after checking again that the lock still names the
 * dead holder: otherwise two waiters could each delete the other's fresh lock.
 */
async function removeStaleLock(lock: string, deadPid: string): Promise<void> {
  const takeover = `${lock}.takeover`;
  try {
    await fs.writeFile(takeover, String(process.pid), { flag: 'wx' });
  } catch {
    // Someone else is taking over; a takeover lock left by a killed process expires.
    const age = Date.now() - ((await fs.stat(takeover).catch(() => undefined))?.mtimeMs ?? Date.now());
    if (age > STALE_EMPTY_LOCK_MS) await fs.rm(takeover, { force: true });
    await sleep(10);
    return;
  }
  try {
    const current = await readLockHolder(lock);
    if (current.stale && current.pid === deadPid) await fs.rm(lock, { force: true });
  } finally {
    await fs.rm(takeover, { force: true });
  }
}

/** Synchronous, so a signal handler's exit cannot cut it short. */
function releaseLock(): void {
  const lock = heldLock;
  if (!lock) return;
  try {
    if (readFileSync(lock, 'utf8') === String(process.pid)) rmSync(lock, { force: true });
  } catch {
    // Already gone.
  }
  heldLock = undefined;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function sameBytes(file: string, bytes: Buffer): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (stat.size !== bytes.length) return false;
    return (await fs.readFile(file)).equals(bytes);
  } catch {
    return false;
  }
}

async function writeFileAtomically(file: string, contents: string): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  const handle = await fs.open(temporary, 'w');
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, file);
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await fs.open(directory, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the renames are still atomic there.
  } finally {
    await handle.close();
  }
}
