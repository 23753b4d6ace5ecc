// A worker thread of the pool (run/pool.ts): it runs run/post-work.ts on batches of posts and
// sends back the results, or the error a batch raised. It holds the build's settings from its
// start (workerData) and the render settings from the message that begins the render stage.
import { parentPort, workerData } from 'node:worker_threads';
import { FORMAT_NAMES } from '../formats/registry.js';
import type { Author, Chunk } from '../model.js';
import { postResolver } from '../render/references.js';
import { loadSanitizer } from '../render/sanitize.js';
import { sourceText, type PostFile } from '../source/posts.js';
import { bodyFrom, detachBody } from './detached-body.js';
import { parseWork, renderWork, type ParseContext, type RenderContext, type RenderResult } from './post-work.js';
import type { PoolRequest, PoolStart, RenderInput } from './pool.js';

const start = workerData as PoolStart;
const parseContext: ParseContext = { config: start.config, authors: new Map<string, Author>(start.authors) };
let renderContext: RenderContext | undefined;

function parseOne(file: PostFile) {
  const source = sourceText(file);
  return detachBody(parseWork(source, parseContext), source);
}

function renderOne({ post, media, body }: RenderInput) {
  return renderWork(body ? { ...post, markdown: bodyFrom(body, body.fromEnd) } : post, media, renderContext!);
}

/**
 * Puts a render batch's fragment bytes in one buffer, which the reply transfers instead of copying:
 * a message copies every buffer twice (out of this heap, into the other) and the main thread would
 * track one per chunk. Each distinct chunk is copied once (the HTML section RSS and Atom share stays one).
 */
function packFragments(results: RenderResult[]): ArrayBuffer {
  const placed = new Map<Chunk, Chunk>();
  let size = 0;
  for (const { item } of results)
    for (const format of FORMAT_NAMES)
      for (const chunk of item.fragments[format])
        if (!placed.has(chunk)) {
          placed.set(chunk, chunk);
          size += (chunk as Uint8Array).byteLength;
        }
  const packed = new Uint8Array(size);
  let at = 0;
  for (const chunk of placed.keys()) {
    const bytes = chunk as Uint8Array;
    packed.set(bytes, at);
    placed.set(chunk, packed.subarray(at, at + bytes.byteLength));
    at += bytes.byteLength;
  }
  for (const { item } of results) for (const format of FORMAT_NAMES) item.fragments[format] = item.fragments[format].map((chunk) => placed.get(chunk)!);
  return packed.buffer;
}

parentPort!.on('message', (request: PoolRequest) => {
  try {
    if (request.kind === 'render-prepare') {
      loadSanitizer();
      return;
    }
    if (request.kind === 'render-setup') {
      renderContext = { config: start.config, site: request.site, resolvePost: postResolver(request.posts) };
      return;
    }
    if (request.kind === 'parse') parentPort!.postMessage({ batch: request.batch, results: request.inputs.map(parseOne) });
    else {
      const results = request.inputs.map(renderOne);
      parentPort!.postMessage({ batch: request.batch, results }, [packFragments(results)]);
    }
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    const batch = request.kind === 'render-setup' || request.kind === 'render-prepare' ? -1 : request.batch;
    parentPort!.postMessage({ batch, error: { name, message, stack } });
  }
});
