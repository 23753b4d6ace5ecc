// A worker thread of the pool (run/pool.ts): it runs run/post-work.ts on batches of posts and
// sends back the results, or the error a batch raised. It holds the build's settings from its
// start (workerData) and the render settings from the message that begins the render stage.
import { parentPort, workerData } from 'node:worker_threads';
import type { Author } from '../model.js';
import { postResolver } from '../render/references.js';
import { loadSanitizer } from '../render/sanitize.js';
import { sourceText, type PostFile } from '../source/posts.js';
import { bodyFrom, detachBody } from './detached-body.js';
import { parseWork, renderWork, type ParseContext, type RenderContext } from './post-work.js';
import type { PoolRequest, PoolStart, RenderInput } from './pool.js';
import { withFields } from '../with-fields.js';

const start = workerData as PoolStart;
const parseContext: ParseContext = { config: start.config, authors: new Map<string, Author>(start.authors) };
let renderContext: RenderContext | undefined;

function parseOne(file: PostFile) {
  const source = sourceText(file);
  return detachBody(parseWork(source, parseContext), source);
}

function renderOne({ post, media, body }: RenderInput) {
  return renderWork(body ? withFields(post, { markdown: bodyFrom(body) }) : post, media, renderContext!);
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
    const results = request.kind === 'parse' ? request.inputs.map(parseOne) : request.inputs.map(renderOne);
    parentPort!.postMessage({ batch: request.batch, results });
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    const batch = request.kind === 'render-setup' || request.kind === 'render-prepare' ? -1 : request.batch;
    parentPort!.postMessage({ batch, error: { name, message, stack } });
  }
});
