// Parse and render on every core: a small pool of worker threads (run/pool-worker.ts) that take
// batches of posts in turn. Results come back in input order whatever worker finished first, so
// the output is byte-identical with any number of workers. Hand-written rather than piscina or
// tinypool: ordered batches over two message kinds is all it needs, and it adds no dependency.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Config } from '../config/schema.js';
import { MalformedOutputError } from '../formats/well-formed.js';
import type { Author, Post, Site } from '../model.js';
import type { MediaSize } from '../source/media.js';
import type { PostFile } from '../source/posts.js';
import type { DetachedParse, LeftBody } from './detached-body.js';
import type { RenderResult } from './render-work.js';
import { withFields } from '../with-fields.js';

/** What every worker starts with. */
export interface PoolStart {
  config: Config;
  authors: Array<[string, Author]>;
}

export type PoolRequest =
  | { kind: 'parse'; batch: number; inputs: PostFile[] }
  | { kind: 'render'; batch: number; inputs: RenderInput[] }
  | { kind: 'render-setup'; site: Site; posts: Array<Pick<Post, 'file' | 'permalink'>> }
  | { kind: 'render-prepare' };

export interface RenderInput {
  post: Post;
  media?: MediaSize;
  /** Where the post's body is when `post.markdown` was left empty (a worker decodes it). */
  body?: LeftBody;
}

type PoolReply = { batch: number; results: unknown[] } | { batch: number; error: { name: string; message: string; stack?: string } };

/** Posts per message: large enough that messaging costs little, small enough that workers stay evenly busy. */
const BATCH_SIZE = 32;

/** Batches queued per worker: a consumer that stops early (a feed grown too large) stops the work soon after. */
const BATCHES_AHEAD = 4;

/**
 * Batches a worker holds at once: with one, it idles for every round trip through this thread
 * (which may be busy storing results); with two, the next batch is already waiting for it.
 */
const BATCHES_PER_WORKER = 2;

/**
 * A post's bytes in a buffer of their own, made as their batch is sent: a message copies the whole
 * buffer under a view, and a post's bytes are a view of a 1 MB block (source/posts.ts).
 */
function ownBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/**
 * Each worker's young generation (MB): what Node 20 and 22 give it. Node 24 sizes it by the
 * machine's memory instead (192 MB with 24 GiB), which made a cold build of 10,000 posts peak at
 * 800–850 MB on Node 24 (630 MB with 48) without building any faster.
 */
const WORKER_YOUNG_GENERATION_MB = 48;

/** Below this many posts a default build stays in one thread: starting workers would cost more than it saves. */
export const MIN_POSTS_FOR_WORKERS = 2000;

/** The number of workers a build uses when the user does not say. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

/** Worker script: beside this module once compiled; from src/ (tests run the sources), the compiled one in lib/. */
function workerScript(): URL {
  const sibling = new URL('./pool-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  return new URL('../../lib/run/pool-worker.js', import.meta.url);
}

export class WorkerPool {
  private readonly workers: Worker[];
  /** Batches sent to each worker and not yet answered. */
  private readonly holding = new Map<Worker, number>();
  private readonly waiting = new Map<number, { resolve: (results: unknown[]) => void; reject: (error: Error) => void }>();
  private failure: Error | undefined;
  private closing = false;
  private nextBatch = 0;

  constructor(size: number, start: PoolStart) {
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(workerScript(), { workerData: start, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      worker.on('message', (reply: PoolReply) => this.settle(worker, reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`a worker thread stopped with exit code ${code}`));
      });
      return worker;
    });
    for (const worker of this.workers) this.holding.set(worker, 0);
  }

  /**
   * Each post's parse, its body detached where it ends the post's text: the caller holds the bytes
   * (see detached-body.ts). The workers decode the posts; this thread only copies their bytes.
   */
  parse(files: readonly PostFile[]): AsyncGenerator<DetachedParse> {
    return this.map('parse', files, ({ file, bytes }: PostFile) => ({ file, bytes: ownBytes(bytes) })) as AsyncGenerator<DetachedParse>;
  }

  /**
   * Every worker loads what rendering needs beyond parsing (the sanitizer): sent when the parses
   * are in, so it happens while this thread assigns identities and selects the items.
   */
  prepareRender(): void {
    const request: PoolRequest = { kind: 'render-prepare' };
    for (const worker of this.workers) worker.postMessage(request);
  }

  /** Every worker learns the site and the posts references resolve to, before any render batch. */
  setupRender(site: Site, posts: readonly Pick<Post, 'file' | 'permalink'>[]): void {
    const request: PoolRequest = { kind: 'render-setup', site, posts: posts.map(({ file, permalink }) => ({ file, permalink })) };
    for (const worker of this.workers) worker.postMessage(request);
  }

  render(inputs: readonly RenderInput[]): AsyncGenerator<RenderResult> {
    const forMessage = (input: RenderInput) => (input.body ? withFields(input, { body: { bytes: ownBytes(input.body.bytes), fromEnd: input.body.fromEnd } }) : input);
    return this.map('render', inputs, forMessage) as AsyncGenerator<RenderResult>;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  /**
   * The results for `inputs`, in their order, as batches complete. At most BATCHES_AHEAD batches per
   * worker are in flight, so a consumer that stops early (a feed grown too large) stops the work too.
   */
  private async *map<Input>(kind: 'parse' | 'render', inputs: readonly Input[], forMessage: (input: Input) => unknown): AsyncGenerator<unknown> {
    const batches: Array<Promise<unknown[]>> = [];
    let sent = 0;
    const send = () => {
      const start = sent * BATCH_SIZE;
      batches.push(this.run(kind, inputs.slice(start, start + BATCH_SIZE).map(forMessage)));
      sent++;
    };
    const total = Math.ceil(inputs.length / BATCH_SIZE);
    // Enough queued that workers stay busy while this thread is in GC or storing results.
    const ahead = this.workers.length * BATCHES_AHEAD;
    for (let index = 0; index < total; index++) {
      while (sent < total && sent < index + ahead) send();
      const results = await batches[index]!;
      batches[index] = undefined as never; // let the batch's results go once consumed
      yield* results;
    }
  }

  private queue: Array<{ batch: number; request: PoolRequest }> = [];

  private run(kind: 'parse' | 'render', inputs: unknown[]): Promise<unknown[]> {
    if (this.failure) return Promise.reject(this.failure);
    const batch = this.nextBatch++;
    const promise = new Promise<unknown[]>((resolve, reject) => this.waiting.set(batch, { resolve, reject }));
    // Batches sent ahead may fail after their consumer stopped: that must not be an unhandled rejection.
    promise.catch(() => undefined);
    this.queue.push({ batch, request: { kind, batch, inputs } as PoolRequest });
    this.dispatch();
    return promise;
  }

  /** Each queued batch to the worker holding the fewest, while one holds fewer than BATCHES_PER_WORKER. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let least: Worker | undefined;
      for (const worker of this.workers) if (least === undefined || this.holding.get(worker)! < this.holding.get(least)!) least = worker;
      if (this.holding.get(least!)! >= BATCHES_PER_WORKER) return;
      this.holding.set(least!, this.holding.get(least!)! + 1);
      least!.postMessage(this.queue.shift()!.request);
    }
  }

  private settle(worker: Worker, reply: PoolReply): void {
    // Batch -1: the render setup failed, which was never counted as a batch.
    if (reply.batch >= 0) this.holding.set(worker, this.holding.get(worker)! - 1);
    const waiting = this.waiting.get(reply.batch);
    if ('error' in reply) {
      const error = reply.error.name === 'MalformedOutputError' ? new MalformedOutputError(reply.error.message) : new Error(reply.error.message);
      error.stack = reply.error.stack ?? error.stack;
      if (waiting) {
        this.waiting.delete(reply.batch);
        waiting.reject(error);
      } else this.fail(error);
    } else if (waiting) {
      this.waiting.delete(reply.batch);
      waiting.resolve(reply.results);
    }
    this.dispatch();
  }

  private fail(error: Error): void {
    if (this.closing) return;
    this.failure ??= error;
    for (const { reject } of this.waiting.values()) reject(error);
    this.waiting.clear();
  }
}

/**
 * The pool a build may use, started only when there is enough work: `workers` as the user gave it
 * (an explicit number is honoured for any number of posts), else every core for large builds.
 */
export class PoolChoice {
  private pool: WorkerPool | undefined;
  private closed = false;

  constructor(private readonly workers: number | undefined) {}

  get(start: () => PoolStart, posts: number): WorkerPool | undefined {
    if (this.pool || this.closed) return this.pool;
    const size = this.workers ?? (posts >= MIN_POSTS_FOR_WORKERS ? defaultWorkers() : 1);
    if (size <= 1 || posts === 0) return undefined;
    this.pool = new WorkerPool(size, start());
    return this.pool;
  }

  /** Stops the workers; none start after this (a pool started early may be asked for late). */
  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.close();
  }
}
