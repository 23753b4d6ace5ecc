// The only stage that writes: all feeds or none, never a half-written file, never a mixed set.
//
// 1. Take the output folder's lock (concurrent builds queue; a stale lock is taken over).
// 2. Check every target (absent or a regular file), write every changed file into a staging folder
//    inside the output folder (same file system) and fsync. Any failure up to here removes the
//    staging folder and leaves the old feeds untouched.
// 3. Commit: atomically create a journal naming the staged files. After this point the switch is
//    decided, even across a crash.
// 4. Rename each staged file over the old one (each rename is atomic), then delete the journal.
// Any later run finishes an interrupted step 4 before doing anything else (recoverOutput), so
// readers of the folder see the old set, or the new set, or a journal-marked switch in progress.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Chunk, OutputFile } from '../model.js';
import { OutputError, WriteInterrupted } from './errors.js';
import { acquireLock } from './lock.js';
import { JOURNAL, outputNamesProblem, reservedOutputName, STAGING_PREFIX } from './names.js';
import { chunkBatches, writeChunks } from './spans.js';

export interface WrittenFile {
  path: string;
  bytes: number;
  items: number;
  /** False when the file already had exactly these bytes and was left alone. */
  changed: boolean;
}

export interface OutputOptions {
  /**
   * Aborting asks the write to stop at its next safe point: while waiting for the lock or before
   * the commit it removes what it wrote and throws WriteInterrupted; after the commit it finishes.
   */
  signal?: AbortSignal;
}

/** Publishes `files` into `outDir` atomically: all of them replace the old set, or none do. */
export async function writeOutput(outDir: string, files: readonly OutputFile[], options: OutputOptions = {}): Promise<WrittenFile[]> {
  const namesProblem = outputNamesProblem(files.map((file) => file.path));
  if (namesProblem) throw new OutputError(`output file name ${namesProblem}`);
  await ensureDirectory(outDir);
  const lock = await acquireLock(outDir, options.signal);
  try {
    await recoverLocked(outDir);
    return await writeLocked(outDir, files, options.signal);
  } finally {
    lock.release();
  }
}

/**
 * Completes a commit a killed run left behind and removes staging folders no journal refers to.
 * Safe on every run: does nothing (and creates nothing) when `outDir` does not exist or holds
 * nothing to recover; otherwise it takes the lock, so it never disturbs a build writing right now.
 */
export async function recoverOutput(outDir: string, options: OutputOptions = {}): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(outDir);
  } catch {
    // Missing, or not a folder: nothing to recover; writing will say what is wrong.
    return;
  }
  if (!entries.some(isCommitLeftover)) return;
  const lock = await acquireLock(outDir, options.signal);
  try {
    await recoverLocked(outDir);
  } finally {
    lock.release();
  }
}

function isCommitLeftover(entry: string): boolean {
  return entry === JOURNAL || entry.startsWith(`${JOURNAL}.tmp-`) || entry.startsWith(STAGING_PREFIX);
}

interface Journal {
  staging: string;
  files: string[];
}

async function recoverLocked(outDir: string): Promise<void> {
  const journal = await readJournal(outDir);
  if (journal) await finishCommit(outDir, journal);
  // Under the lock and before this run stages anything: every staging folder is stale.
  for (const entry of await fs.readdir(outDir)) {
    if (entry !== JOURNAL && isCommitLeftover(entry)) await fs.rm(path.join(outDir, entry), { recursive: true, force: true });
  }
}

/** The committed journal, if there is one. Anything else under its name was never a commit. */
async function readJournal(outDir: string): Promise<Journal | undefined> {
  const file = path.join(outDir, JOURNAL);
  let value: unknown;
  try {
    value = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    value = undefined;
  }
  // postfeed writes the journal by an atomic rename, so it is complete; one that names paths
  // outside the output folder was not written by postfeed and must not move anything.
  const journal = value as Partial<Journal> | undefined;
  const valid =
    typeof journal?.staging === 'string' &&
    journal.staging.startsWith(STAGING_PREFIX) &&
    !/[/\\]/.test(journal.staging) &&
    Array.isArray(journal.files) &&
    journal.files.every((name) => typeof name === 'string' && reservedOutputName(name) === undefined);
  if (valid) return { staging: journal.staging as string, files: journal.files as string[] };
  await fs.rm(file, { recursive: true, force: true });
  return undefined;
}

async function writeLocked(outDir: string, files: readonly OutputFile[], signal: AbortSignal | undefined): Promise<WrittenFile[]> {
  const interrupted = () => new WriteInterrupted('interrupted before the new feeds were committed; the old feeds are unchanged');
  if (signal?.aborted) throw interrupted();
  await checkTargets(outDir, files.map((file) => file.path));
  const staging = path.join(outDir, `${STAGING_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  const results: WrittenFile[] = [];
  const staged: string[] = [];
  try {
    await fs.mkdir(staging);
    const writing: Array<Promise<void>> = [];
    for (const file of files) {
      if (signal?.aborted) break;
      const target = path.join(outDir, file.path);
      const size = byteLength(file);
      const changed = !((file.copyAt !== undefined && (await sameFile(target, file.copyAt))) || (await sameBytes(target, file, size)));
      results.push({ path: target, bytes: size, items: file.items, changed });
      if (!changed) continue;
      // The files are written side by side: the thread pool copies them into the page cache and
      // syncs them on every core, while this thread compares the next one.
      const stagedFile = path.join(staging, file.path);
      const write = () => writeDurably(stagedFile, pieces(file), 'wx');
      writing.push(file.copyAt !== undefined ? linkDurably(file.copyAt, stagedFile, size).catch(write) : write());
      staged.push(file.path);
    }
    // Every write settles before anything is removed or committed; the first failure is the one told.
    const failure = (await Promise.allSettled(writing)).find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    if (signal?.aborted) throw interrupted();
    if (staged.length > 0) {
      // Again, right before the commit: a target may have become a folder while staging.
      await checkTargets(outDir, staged);
      await commit(outDir, { staging: path.basename(staging), files: staged });
    }
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined);
    throw describeFailure(error, outDir);
  }
  if (staged.length === 0) {
    await fs.rm(staging, { recursive: true, force: true });
    return results;
  }
  await finishCommit(outDir, { staging: path.basename(staging), files: staged });
  return results;
}

/** Every target must be absent or a regular file: a rename would fail on a folder or replace a link. */
async function checkTargets(outDir: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const target = path.join(outDir, name);
    let stat;
    try {
      stat = await fs.lstat(target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      throw new OutputError(`cannot check ${shown(target)} (${code ?? (error as Error).message})`);
    }
    if (stat.isFile()) continue;
    const what = stat.isDirectory() ? 'a folder' : stat.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
    throw new OutputError(`${shown(target)} is ${what}; postfeed replaces only regular files there. Remove it or choose another name in "output"`);
  }
}

/** The commit point: the journal appears atomically, complete, or not at all. */
async function commit(outDir: string, journal: Journal): Promise<void> {
  const file = path.join(outDir, JOURNAL);
  const temporary = `${file}.tmp-${process.pid}`;
  try {
    await writeDurably(temporary, [Buffer.from(JSON.stringify(journal))], 'w');
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(outDir);
}

async function finishCommit(outDir: string, journal: Journal): Promise<void> {
  const staging = path.join(outDir, journal.staging);
  for (const name of journal.files) {
    const target = path.join(outDir, name);
    try {
      await fs.rename(path.join(staging, name), target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Already moved by an earlier, interrupted finish.
      if (code === 'ENOENT') continue;
      const reason = code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST' ? `${shown(target)} is a folder` : `${code ?? (error as Error).message}`;
      throw new OutputError(
        `the new feeds are committed but could not all be moved into place (${reason}); fix that, and the next postfeed run completes the switch`,
        { committed: true },
      );
    }
  }
  await syncDirectory(outDir);
  await fs.rm(path.join(outDir, JOURNAL), { force: true });
  await fs.rm(staging, { recursive: true, force: true });
}

/** A failure before the commit, in words: what happened and where. */
function describeFailure(error: unknown, outDir: string): unknown {
  if (error instanceof OutputError || error instanceof WriteInterrupted) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return error;
  const where = shown(outDir);
  const reason =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'no space left on the device'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : (error as Error).message;
  return new OutputError(`cannot write the new feeds into ${where}: ${reason} (${code})`);
}

async function ensureDirectory(outDir: string): Promise<void> {
  try {
    await fs.mkdir(outDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OutputError(
      code === 'EEXIST' || code === 'ENOTDIR'
        ? `the output path ${shown(outDir)} exists and is not a folder`
        : `cannot create the output folder ${shown(outDir)} (${code})`,
    );
  }
  const stat = await fs.stat(outDir);
  if (!stat.isDirectory()) throw new OutputError(`the output path ${shown(outDir)} exists and is not a folder`);
}

/** Paths in messages: relative to the working directory when inside it. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** A file's UTF-8 bytes in order: a built feed's chunks as they are, else its text encoded once. */
function pieces(file: OutputFile): readonly Chunk[] {
  return file.chunks ?? [Buffer.from(file.contents, 'utf8')];
}

function byteLength(file: OutputFile): number {
  let bytes = 0;
  for (const chunk of pieces(file)) bytes += chunk.length;
  return bytes;
}

/** Whether `file` already holds exactly these bytes. */
async function sameBytes(file: string, output: OutputFile, size: number): Promise<boolean> {
  let existing: Buffer;
  try {
    const stat = await fs.lstat(file);
    if (!stat.isFile() || stat.size !== size) return false;
    existing = await fs.readFile(file);
  } catch {
    return false;
  }
  let position = 0;
  for (const batch of chunkBatches(pieces(output))) {
    for (const bytes of batch) {
      if (Buffer.compare(bytes, existing.subarray(position, position + bytes.length)) !== 0) return false;
      position += bytes.length;
    }
  }
  return position === existing.length;
}

/** Whether `file` is the very file `copy` is (a hard link of it): then it holds its bytes. */
async function sameFile(file: string, copy: string): Promise<boolean> {
  try {
    const [target, kept] = await Promise.all([fs.lstat(file), fs.stat(copy)]);
    return target.isFile() && target.ino === kept.ino && target.dev === kept.dev;
  } catch {
    return false;
  }
}

/**
 * Puts `copy` (the cache's copy of a feed, OutputFile.copyAt) at `file` as a hard link, synced:
 * the feed's bytes are on disk once. Throws when it cannot (another file system, no hard links,
 * the copy gone or not of `size` bytes): the caller writes the bytes instead.
 */
async function linkDurably(copy: string, file: string, size: number): Promise<void> {
  await fs.link(copy, file);
  try {
    const handle = await fs.open(file, 'r');
    try {
      if ((await handle.stat()).size !== size) throw new Error('the copy is not the size of the feed');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await fs.rm(file, { force: true });
    throw error;
  }
}

async function writeDurably(file: string, chunks: readonly Chunk[], flag: 'w' | 'wx'): Promise<void> {
  const handle = await fs.open(file, flag);
  try {
    await writeChunks(handle, chunks);
    await handle.sync();
  } finally {
    await handle.close();
  }
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
