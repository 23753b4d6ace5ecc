// Reading output files held as chunks: buffers, and spans of a file this build wrote (the cache
// file it was writing as items were rendered, see output/cache-file.ts). A span's bytes are read
// only when the feed is written, through one reused window per file, so a build never holds every
// item of every feed at once.
import { closeSync, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { Chunk, FileSpan, SpanSource } from '../model.js';
import { OutputError } from './errors.js';

// A source's descriptor closes when nothing refers to the source any more: the spans of a build's
// result may be written long after the build, or never (a library caller that drops them).
const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Already closed with the process, or never fully opened: nothing to release.
  }
});

/** A source of spans for the open descriptor `fd`, which it now owns. */
export function spanSource(fd: number): SpanSource {
  const source = { fd };
  closer.register(source, fd);
  return source;
}

export function isSpan(chunk: Chunk): chunk is FileSpan {
  return !(chunk instanceof Uint8Array);
}

/** Bytes read into one window at most; a span larger than this is read on its own. */
const WINDOW_BYTES = 4 << 20;
/** Spans further apart than this in their file are read separately rather than with what lies between. */
const MAX_GAP = 64 << 10;
/** Buffers per batch: the usual IOV_MAX, so a batch is one writev. */
const BATCH_BUFFERS = 1024;

/**
 * The chunks' bytes in order, as batches of buffers. A batch may point into a window the next
 * batch reuses: use each batch (write it, compare it) before asking for the next. Neighbouring
 * spans of one file — a feed's items lie in the cache file in feed order — come from one read.
 */
export function* chunkBatches(chunks: readonly Chunk[]): Generator<Uint8Array[]> {
  let window: Buffer | undefined;
  let batch: Uint8Array[] = [];
  let index = 0;
  while (index < chunks.length) {
    const chunk = chunks[index]!;
    if (!isSpan(chunk) || chunk.held) {
      batch.push(isSpan(chunk) ? chunk.held! : chunk);
      index++;
      if (batch.length >= BATCH_BUFFERS) {
        yield batch;
        batch = [];
      }
      continue;
    }
    // The run of chunks whose spans one read covers: same file, ascending, close together.
    const start = chunk.offset;
    let end = start + chunk.length;
    let last = index;
    for (let next = index + 1; next < chunks.length && next - index < BATCH_BUFFERS; next++) {
      const candidate = chunks[next]!;
      if (!isSpan(candidate)) {
        last = next;
        continue;
      }
      if (candidate.held || candidate.source !== chunk.source || candidate.offset < end || candidate.offset - end > MAX_GAP) break;
      const candidateEnd = candidate.offset + candidate.length;
      if (candidateEnd - start > WINDOW_BYTES) break;
      end = candidateEnd;
      last = next;
    }
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
    const bytes = end - start <= WINDOW_BYTES ? (window ??= Buffer.allocUnsafeSlow(WINDOW_BYTES)) : Buffer.allocUnsafe(end - start);
    readExactly(chunk.source, bytes, end - start, start);
    for (let position = index; position <= last; position++) {
      const part = chunks[position]!;
      batch.push(isSpan(part) ? bytes.subarray(part.offset - start, part.offset - start + part.length) : part);
    }
    yield batch;
    batch = [];
    index = last + 1;
  }
  if (batch.length > 0) yield batch;
}

/**
 * Writes the chunks' bytes, in order, through `handle` (at its current end); `visit` sees each
 * chunk with its bytes and its offset in what is written, before they are written.
 */
export async function writeChunks(handle: FileHandle, chunks: readonly Chunk[], visit?: (chunk: Chunk, bytes: Uint8Array, offset: number) => void): Promise<void> {
  let position = 0;
  let next = 0;
  // A batch holds one buffer per chunk, in order; it is written before the next is read (it may
  // point into a window the next reuses).
  for (let batch of chunkBatches(chunks)) {
    for (const bytes of batch) {
      visit?.(chunks[next++]!, bytes, position);
      position += bytes.length;
    }
    // writev may write less than asked (a full disk is an error, not a short write, but be exact).
    while (batch.length > 0) {
      const { bytesWritten } = await handle.writev(batch);
      batch = remainderAfter(batch, bytesWritten);
    }
  }
}

/** What is left of `chunks` once their first `written` bytes are out. */
function remainderAfter(chunks: readonly Uint8Array[], written: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  for (const chunk of chunks) {
    if (written >= chunk.length) {
      written -= chunk.length;
      continue;
    }
    rest.push(written > 0 ? chunk.subarray(written) : chunk);
    written = 0;
  }
  return rest;
}

/** How many bytes the chunks hold together, spans included, without reading any. */
export function chunksLength(chunks: readonly Chunk[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  return total;
}

/** The chunks' bytes as one buffer (tests and library callers that ask for a file's text). */
export function joinChunks(chunks: readonly Chunk[]): Buffer {
  const joined = Buffer.allocUnsafe(chunksLength(chunks));
  let position = 0;
  for (const batch of chunkBatches(chunks)) {
    for (const bytes of batch) {
      joined.set(bytes, position);
      position += bytes.length;
    }
  }
  return joined;
}

function readExactly(source: SpanSource, into: Buffer, length: number, position: number): void {
  let read: number;
  try {
    read = readFully(source.fd, into, length, position);
  } catch (error) {
    throw new OutputError(`cannot read back the items written to the cache file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (read < length) throw new OutputError('the cache file this build wrote its items to was shortened while the build ran; build again');
}

/** Reads `length` bytes at `position` of `fd` into the start of `into`; fewer only where the file ends. Returns how many. */
export function readFully(fd: number, into: Buffer, length: number, position: number): number {
  let read = 0;
  while (read < length) {
    const got = readSync(fd, into, read, length - read, position + read);
    if (got === 0) break;
    read += got;
  }
  return read;
}
