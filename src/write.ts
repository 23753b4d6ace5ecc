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
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { OutputFile } from './model.js';

const LOCK = '.postfeed.lock';
const JOURNAL = '.postfeed-commit.json';
const STAGING_PREFIX = '.postfeed-staging-';
const LOCK_WAIT_MS = 10 * 60 * 1000;

export interface WrittenFile {
  path: string;
  bytes: number;
  items: number;
  /** False when the file already had exactly these bytes and was left alone. */
  changed: boolean;
}

export class OutputError extends Error {}

interface ActiveWrite {
  outDir: string;
  staging: string;
  committed: boolean;
}

/** The write in progress, so a signal handler can clean up after it. */
let active: ActiveWrite | undefined;
let heldLock: string | undefined;

export async function writeOutput(outDir: string, files: readonly OutputFile[]): Promise<WrittenFile[]> {
  await ensureDirectory(outDir);
  await acquireLock(outDir);
  try {
    await recoverOutput(outDir);
    const staging = path.join(outDir, `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
    active = { outDir, staging, committed: false };
    await fs.mkdir(staging);

    const results: WrittenFile[] = [];
    const staged: string[] = [];
    for (const file of files) {
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

    if (staged.length > 0) {
      await writeFileAtomically(path.join(outDir, JOURNAL), JSON.stringify({ staging: path.basename(staging), files: staged }));
      active.committed = true;
      await syncDirectory(outDir);
      await finishCommit(outDir, path.basename(staging), staged);
    } else {
      await fs.rm(staging, { recursive: true, force: true });
    }
    active = undefined;
    return results;
  } finally {
    await releaseLock();
  }
}

/** Completes a commit a killed run left behind, and removes staging folders no journal refers to. */
export async function recoverOutput(outDir: string): Promise<void> {
  let journal: { staging: string; files: string[] } | undefined;
  try {
    journal = JSON.parse(await fs.readFile(path.join(outDir, JOURNAL), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
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
  for (const entry of entries) {
    const own = active && path.basename(active.staging) === entry;
    if (entry.startsWith(STAGING_PREFIX) && !own) await fs.rm(path.join(outDir, entry), { recursive: true, force: true });
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

/**
 * For signal handlers: undoes an uncommitted write, or finishes a committed one, and releases
 * the lock. Synchronous work only where possible; safe to call when nothing is in progress.
 */
export async function abandonWrite(): Promise<void> {
  const current = active;
  active = undefined;
  try {
    if (current?.committed) await recoverOutput(current.outDir);
    else if (current) await fs.rm(current.staging, { recursive: true, force: true });
  } finally {
    await releaseLock();
  }
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
    const holder = Number(await fs.readFile(lock, 'utf8').catch(() => ''));
    const valid = Number.isInteger(holder) && holder > 0;
    const age = Date.now() - ((await fs.stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
    if ((valid && !isAlive(holder)) || (!valid && age > 5000)) {
      // The holder was killed before releasing it (SIGKILL cannot be caught), possibly before it
      // even wrote its pid: take the lock over.
      await fs.rm(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new OutputError(`timed out waiting for the lock ${lock} held by process ${holder}`);
    await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
  }
}

async function releaseLock(): Promise<void> {
  const lock = heldLock;
  heldLock = undefined;
  if (!lock) return;
  const holder = await fs.readFile(lock, 'utf8').catch(() => '');
  if (holder === String(process.pid)) await fs.rm(lock, { force: true });
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
