// Writing the post cache. A build appends each entry it makes to a temporary file as the entry is
// made (CacheLog). Its renders are held until the feeds are made (cache/post-cache.ts); the feeds
// are written whole beside the file (as the items are rendered in a first build, FeedCopyStream;
// else afterwards, writeFeedCopies) and the renders stored as where their fragments lie in those
// copies, which writeOutput links into the output folder, so a feed's bytes are on disk once.
// Renders past what a build holds go to the file at once and are read back from it when the feeds
// are written (output/spans.ts). When the build succeeds the file is
// renamed into place — as a file of added entries (`posts.cache.add-…`, renders with their bytes)
// when the build changed little, so one edit of a large archive writes kilobytes, or with the
// stored entries still in use appended, as the whole cache, which replaces the main file, the
// added files this build read and the copies it no longer refers to. A reader — another build
// running at the same time — sees the old file or the new one, never half of one; the last build
// to finish wins. Failing to write only costs the next build time.
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, promises as fs, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { entryPieces, packHeader, PartReference, type EntryValue } from '../cache/pack.js';
import type { ChunkPlace } from '../cache/post-cache.js';
import type { FileHandle } from 'node:fs/promises';
import type { EnvelopeBytes } from '../formats/registry.js';
import type { Chunk, FileSpan, ItemFragments, OutputFile, SpanSource } from '../model.js';
import { ADDED_PREFIX, CACHE_FILE, CONFIG_MEMO_FILE, copySeal, feedCopyName, isFeedCopyName, type ConfigMemo, type CopySeal } from '../source/cache-file.js';
import { isAlive } from './lock.js';
import { chunksLength, isSpan, joinChunks, spanSource, writeChunks } from './spans.js';

/** Bytes gathered before a write: one write per entry would be tens of thousands of calls. */
const WRITE_BYTES = 1 << 20;

/** Copies of a build's feeds, written: their names and seals (in the order of the files), and where each chunk lies. */
export interface WrittenCopies {
  names: string[];
  seals: Array<CopySeal | undefined>;
  place: ChunkPlace;
}

export class CacheLog {
  private source: SpanSource | undefined;
  private temporary: string | undefined;
  /** The outermost folder this log created for the cache, if it created any. */
  private created: string | undefined;
  private buffer: Buffer | undefined;
  private filled = 0;
  /** Bytes of the file written so far (the buffer's bytes follow them). */
  private written = 0;
  /** Spans whose bytes are still in the buffer: they keep their own bytes until it is written. */
  private pending: FileSpan[] = [];
  /** Why the file could not be written; once set, nothing more is, and the build keeps its bytes. */
  private problem: string | undefined;
  /** Copies of the build's feeds written so far (writeFeedCopies): temporary names until keepAs. */
  private copies: Array<{ temporary: string; name: string }> = [];

  /**
   * `dir`: the cache folder, created when the first entry is appended; `salt`: what the entries
   * were made with (the file's header). `write` is fs.writeSync; tests pass one that fails as a
   * full disk does.
   */
  constructor(
    private readonly dir: string,
    private readonly salt: string,
    private readonly write: (fd: number, bytes: Uint8Array, offset: number, length: number, position: number) => number = writeSync,
  ) {}

  /**
   * Appends one entry; returns where each part of its value now lies in the file, or undefined
   * once the file could not be written (the caller then keeps the bytes it has).
   */
  append(key: string, value: EntryValue): FileSpan[] | undefined {
    if (this.problem !== undefined) return undefined;
    const spans: FileSpan[] = [];
    try {
      // A stored entry written again (a whole rewrite) may have parts in the old file: read them.
      const parts = value instanceof Uint8Array ? [value] : value.map((part) => (part instanceof Uint8Array ? part : joinChunks([part])));
      this.open();
      // Pieces: the entry's head, each part of its value, its checksum.
      let piece = -1;
      for (const bytes of entryPieces(key, parts)) {
        const offset = this.put(bytes);
        if (piece >= 0 && piece < parts.length) {
          const span: FileSpan = { source: this.source!, offset, length: bytes.length };
          if (offset >= this.written) {
            span.held = bytes;
            this.pending.push(span);
          }
          spans.push(span);
        }
        piece++;
      }
    } catch (error) {
      this.fail(error);
      return undefined;
    }
    return spans;
  }

  /**
   * Writes `files` — the feeds of the build whose entries this log holds — whole into the cache
   * folder, to be kept beside the file by keepAs: a rendered post's fragments are then kept as
   * where they lie in these copies (PartReference), not as a second copy of their bytes. Returns
   * the copies' names, in the order of `files`, and where a format's chunk lies (with its
   * checksum): in that format's own copy when it is there, so each feed is read back from one
   * file; undefined once something could not be written (the entries then keep their bytes).
   */
  async writeFeedCopies(files: readonly OutputFile[], streamed?: FeedCopyStream): Promise<WrittenCopies | undefined> {
    if (this.problem !== undefined) {
      await streamed?.abandon();
      return undefined;
    }
    const id = randomBytes(6).toString('hex');
    // Written as the items came, when the feeds came out exactly as written then.
    const written = await streamed?.finish(files);
    if (written) {
      for (const [index, temporary] of written.temporaries.entries()) this.copies.push({ temporary, name: feedCopyName(id, index) });
      return { ...this.copiesWritten(), place: placeIn(files, written.places) };
    }
    const places = files.map(() => new Map<Chunk, PartReference>());
    try {
      this.open();
      const copies = files.map((file, index) => {
        const temporary = this.newTemporary();
        this.copies.push({ temporary, name: feedCopyName(id, index) });
        return writeCopy(temporary, index, file.chunks ?? [Buffer.from(file.contents, 'utf8')], places[index]!);
      });
      // Side by side, as writeOutput writes feeds: the thread pool copies them into the page cache
      // while this thread reads the next batches and sums their chunks.
      const failure = (await Promise.allSettled(copies)).find((outcome) => outcome.status === 'rejected');
      if (failure) throw failure.reason;
    } catch (error) {
      this.fail(error, 'a copy of the feeds');
      return undefined;
    }
    return { ...this.copiesWritten(), place: placeIn(files, places) };
  }

  /** The copies' names and, now that they are written (keepAs renames them, which keeps both), their seals. */
  private copiesWritten(): Omit<WrittenCopies, 'place'> {
    return { names: this.copies.map((copy) => copy.name), seals: this.copies.map((copy) => copySeal(copy.temporary)) };
  }

  /**
   * Starts writing copies of the feeds whose envelopes are `envelopes` (in the order of the
   * files), to be given their items as they are rendered: see FeedCopyStream. Undefined once the
   * log could not be written.
   */
  streamFeedCopies(envelopes: readonly EnvelopeBytes[]): FeedCopyStream | undefined {
    if (this.problem !== undefined) return undefined;
    try {
      this.open();
    } catch (error) {
      this.fail(error);
      return undefined;
    }
    return new FeedCopyStream(envelopes, () => this.newTemporary());
  }

  /**
   * Writes out what is buffered and renames the file to `name` in the cache folder (and the feed
   * copies to theirs, first); returns why it could not, or undefined. The spans handed out stay
   * readable: the descriptor stays open.
   */
  keepAs(name: string): string | undefined {
    try {
      this.open();
      if (this.problem === undefined) this.flush();
    } catch (error) {
      this.fail(error);
    }
    if (this.problem !== undefined) {
      this.discard();
      return this.problem;
    }
    try {
      for (const copy of this.copies) {
        renameSync(copy.temporary, path.join(this.dir, copy.name));
        unfinished.delete(copy.temporary);
      }
      this.copies = [];
      renameSync(this.temporary!, path.join(this.dir, name));
    } catch (error) {
      this.fail(error, name);
      this.discard();
      return this.problem;
    }
    unfinished.delete(this.temporary!);
    this.temporary = undefined;
    return undefined;
  }

  /** Removes the file and the folders made for it (a failed build leaves nothing), leaving any span still readable. */
  discard(): void {
    for (const copy of this.copies) {
      rmSync(copy.temporary, { force: true });
      unfinished.delete(copy.temporary);
    }
    this.copies = [];
    if (this.temporary === undefined) return;
    rmSync(this.temporary, { force: true });
    unfinished.delete(this.temporary);
    this.temporary = undefined;
    if (this.created === undefined) return;
    // Innermost first, each only if empty: a concurrent build may have put its cache there meanwhile.
    for (let folder = this.dir; ; folder = path.dirname(folder)) {
      try {
        rmdirSync(folder);
      } catch {
        break;
      }
      if (folder === this.created || path.dirname(folder) === folder) break;
    }
    this.created = undefined;
  }

  private open(): void {
    if (this.source) return;
    this.created = mkdirSync(this.dir, { recursive: true });
    removeAbandoned(this.dir);
    watchExit();
    this.temporary = this.newTemporary();
    // Read as well as written: the feeds are written from the spans in it.
    this.source = spanSource(openSync(this.temporary, 'wx+'));
    this.buffer = Buffer.allocUnsafeSlow(WRITE_BYTES);
    this.put(packHeader(this.salt));
  }

  /** A new temporary name beside the cache file, removed if the process exits before it is kept or discarded. */
  private newTemporary(): string {
    const temporary = temporaryPath(path.join(this.dir, CACHE_FILE));
    unfinished.add(temporary);
    return temporary;
  }

  /** Puts `bytes` at the end of the file (through the buffer when small); returns their offset in it. */
  private put(bytes: Uint8Array): number {
    if (this.filled + bytes.length > WRITE_BYTES && this.filled > 0) this.flush();
    if (bytes.length >= WRITE_BYTES) {
      const offset = this.written;
      this.writeOut(bytes);
      return offset;
    }
    const offset = this.written + this.filled;
    this.buffer!.set(bytes, this.filled);
    this.filled += bytes.length;
    return offset;
  }

  private flush(): void {
    if (this.filled === 0) return;
    this.writeOut(this.buffer!.subarray(0, this.filled));
    this.filled = 0;
    for (const span of this.pending) delete span.held;
    this.pending = [];
  }

  private writeOut(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += this.write(this.source!.fd, bytes, done, bytes.length - done, this.written + done);
    this.written += bytes.length;
  }

  private fail(error: unknown, name = CACHE_FILE): void {
    this.problem ??= `cannot write ${name} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}

/** Where a format's chunk lies (with its checksum): in that format's own copy when it is there, so each feed is read back from one file. */
function placeIn(files: readonly OutputFile[], places: ReadonlyArray<ReadonlyMap<Chunk, PartReference>>): ChunkPlace {
  return (format, chunk) => {
    for (const [index, file] of files.entries()) if (file.format === format && places[index]!.has(chunk)) return places[index]!.get(chunk);
    for (const found of places) if (found.has(chunk)) return found.get(chunk);
    return undefined;
  };
}

/** One feed's copy as it is written: the chunks given so far, and where each one lies. */
interface StreamedCopy {
  temporary: string;
  envelope: EnvelopeBytes;
  handle: Promise<FileHandle>;
  /** Every chunk given, in order: the copy's bytes once they are written. */
  given: Chunk[];
  /** Chunks given and not yet handed to a write. */
  pending: Chunk[];
  /** Bytes handed to writes so far: where the pending chunks will start. */
  end: number;
  /** The write under way, if any (one at a time: each goes where the last one ended). */
  writing: Promise<void> | undefined;
  places: Map<Chunk, PartReference>;
}

/**
 * Copies of a build's feeds written while its items are rendered. A cold build renders every post
 * anew and would otherwise write the feeds' 150 MB (at 10,000 posts) only after the last item,
 * while both cores wait; written as the items come, the bytes go to the page cache while the
 * workers render the next ones. A feed's envelope is known before its items (its date is the
 * newest post's, plan/feeds.ts), so each copy starts with its head; `finish` keeps the copies only
 * if the feeds came out exactly as written — a feed grown too large, an item left out, another
 * date: then they are removed, and the feeds are written whole after all (writeFeedCopies).
 */
export class FeedCopyStream {
  private readonly copies: StreamedCopy[];
  private failure: unknown;
  private items = 0;

  constructor(envelopes: readonly EnvelopeBytes[], newTemporary: () => string) {
    this.copies = envelopes.map((envelope) => {
      const temporary = newTemporary();
      const handle = fs.open(temporary, 'wx');
      handle.catch((error: unknown) => (this.failure ??= error));
      return { temporary, envelope, handle, given: [], pending: [], end: 0, writing: undefined, places: new Map() };
    });
    for (const copy of this.copies) this.give(copy, [copy.envelope.head]);
  }

  /** The next item's fragments: written after the ones before, in every copy. */
  append(fragments: ItemFragments): void {
    if (this.failure !== undefined) return;
    for (const copy of this.copies) {
      const separator = copy.envelope.separator;
      this.give(copy, this.items > 0 && separator.length > 0 ? [separator, ...fragments[copy.envelope.format]] : fragments[copy.envelope.format]);
    }
    this.items++;
  }

  /**
   * Ends each copy with its tail, when `files` (the feeds made) are exactly the copies' bytes;
   * returns the copies' temporary names and where their chunks lie, or undefined (nothing kept)
   * when they are not or something could not be written.
   */
  async finish(files: readonly OutputFile[]): Promise<{ temporaries: string[]; places: Array<Map<Chunk, PartReference>> } | undefined> {
    const same = this.failure === undefined && files.length === this.copies.length && this.copies.every((copy, index) => holdsExactly(copy, files[index]!));
    if (same) for (const copy of this.copies) this.give(copy, [copy.envelope.tail]);
    await this.settle();
    if (!same || this.failure !== undefined) {
      this.remove();
      return undefined;
    }
    return { temporaries: this.copies.map((copy) => copy.temporary), places: this.copies.map((copy) => copy.places) };
  }

  /** Waits for the writes under way and removes the copies. */
  async abandon(): Promise<void> {
    this.failure ??= new Error('abandoned');
    await this.settle();
    this.remove();
  }

  private give(copy: StreamedCopy, chunks: readonly Chunk[]): void {
    copy.given.push(...chunks);
    copy.pending.push(...chunks);
    this.write(copy);
  }

  /** Hands the copy's pending chunks to a write, unless one is under way (it does so when done). */
  private write(copy: StreamedCopy): void {
    if (copy.writing || copy.pending.length === 0 || this.failure !== undefined) return;
    const chunks = copy.pending;
    const start = copy.end;
    copy.pending = [];
    copy.end += chunksLength(chunks);
    copy.writing = copy.handle
      .then((handle) => writeChunks(handle, chunks, notePlaces(copy.places, this.copies.indexOf(copy), start)))
      .then(
        () => {
          copy.writing = undefined;
          this.write(copy);
        },
        (error: unknown) => {
          this.failure ??= error;
          copy.writing = undefined;
        },
      );
  }

  /** Waits until no write is under way, then closes the copies. */
  private async settle(): Promise<void> {
    for (const copy of this.copies) while (copy.writing) await copy.writing;
    for (const copy of this.copies) await copy.handle.then((handle) => handle.close()).catch((error: unknown) => (this.failure ??= error));
  }

  private remove(): void {
    for (const copy of this.copies) {
      rmSync(copy.temporary, { force: true });
      unfinished.delete(copy.temporary);
    }
  }
}

/** Whether `file` is the copy's chunks so far and then its tail: the same buffers, or the same bytes. */
function holdsExactly(copy: StreamedCopy, file: OutputFile): boolean {
  const chunks = file.chunks;
  if (file.format !== copy.envelope.format || chunks === undefined || chunks.length !== copy.given.length + 1) return false;
  const same = (a: Chunk, b: Chunk) => a === b || (!isSpan(a) && !isSpan(b) && Buffer.compare(a, b) === 0);
  return copy.given.every((chunk, index) => same(chunk, chunks[index]!)) && same(copy.envelope.tail, chunks[copy.given.length]!);
}

/**
 * A visit for writeChunks that notes in `places` where each chunk first lies in copy `copy` (its
 * bytes written from offset `start` of it on), with the checksum of its bytes.
 */
function notePlaces(places: Map<Chunk, PartReference>, copy: number, start: number): (chunk: Chunk, bytes: Uint8Array, offset: number) => void {
  return (chunk, bytes, offset) => {
    if (!places.has(chunk)) places.set(chunk, new PartReference(copy, start + offset, bytes.length, crc32(bytes)));
  };
}

/** Writes `chunks` to a new `file`, noting where each chunk first lies in it (copy `copy`), with its checksum. */
async function writeCopy(file: string, copy: number, chunks: readonly Chunk[], places: Map<Chunk, PartReference>): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    await writeChunks(handle, chunks, notePlaces(places, copy, 0));
  } finally {
    await handle.close();
  }
}

/** Where `target` is written before it is renamed into place: beside it, named for this process. */
function temporaryPath(target: string): string {
  return `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The cache file being written (temporaryPath of CACHE_FILE), with the id of the process writing it. */
const ABANDONED = /^posts\.cache\.tmp-([0-9]+)-[0-9a-f]+$/;

/** Files being written by logs of this process: removed if it exits first (a signal during a build). */
const unfinished = new Set<string>();
let watchingExit = false;

function watchExit(): void {
  if (watchingExit) return;
  watchingExit = true;
  process.on('exit', () => {
    for (const file of unfinished) rmSync(file, { force: true });
  });
}

/**
 * Removes the files being written by builds that no longer run (killed outright): each can be as
 * large as the cache. A file of a build still running — in this process or another — is left alone.
 */
function removeAbandoned(dir: string): void {
  try {
    for (const name of readdirSync(dir)) {
      const pid = Number(ABANDONED.exec(name)?.[1] ?? Number.NaN);
      if (Number.isSafeInteger(pid) && pid !== process.pid && !isAlive(pid)) rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    // Left for a later build: nothing depends on it.
  }
}

/** The name of a new file of added entries. */
export function addedFileName(): string {
  return `${ADDED_PREFIX}${randomBytes(6).toString('hex')}`;
}

/**
 * Removes the feed copies a whole rewrite no longer refers to (all but `kept`), right after its
 * file is put in place and under the cache folder's lock (run/post-stages.ts), so a build finishing
 * at the same time cannot lose the copies its file refers to; the last build to finish wins.
 */
export function removeFeedCopies(dir: string, kept: readonly string[]): void {
  try {
    for (const name of readdirSync(dir)) if (isFeedCopyName(name) && !kept.includes(name)) rmSync(path.join(dir, name), { force: true });
  } catch {
    // Left for the next rewrite: nothing refers to them.
  }
}

/** Removes the files of added entries a whole rewrite folded in (`added`: names in `dir`). */
export function removeAddedFiles(dir: string, added: readonly string[]): void {
  // Only those read: files a concurrent build added meanwhile hold entries the new file lacks.
  for (const name of added) {
    try {
      rmSync(path.join(dir, name), { force: true });
    } catch {
      // Left for the next rewrite; its entries are in the new file too.
    }
  }
}

/** Keeps the config a build validated, for the next build with the same config (run/config.ts); returns why it could not. */
export function writeConfigMemo(dir: string, memo: ConfigMemo): string | undefined {
  const target = path.join(dir, CONFIG_MEMO_FILE);
  const temporary = temporaryPath(target);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temporary, JSON.stringify(memo), { flag: 'wx' });
    renameSync(temporary, target);
    return undefined;
  } catch (error) {
    rmSync(temporary, { force: true });
    return `cannot write ${CONFIG_MEMO_FILE} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}
