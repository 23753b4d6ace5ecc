// A worker thread of the pool (run/pool.ts): it runs run/post-work.ts on batches of posts and
// sends back the results, or the error a batch raised. It holds the build's settings from its
// start (workerData) and the render settings from the message that begins the render stage.
import { parentPort, workerData } from 'node:worker_threads';
import type { Author, Post } from '../model.js';
import type { SourceFile } from '../parse/post.js';
import { postResolver } from '../render/references.js';
import { loadSanitizer } from '../render/sanitize.js';
import type { MediaSize } from '../source/media.js';
import { detachBody } from './detached-body.js';
import { parseWork, renderWork, type ParseContext, type RenderContext } from './post-work.js';
import type { PoolRequest, PoolStart } from './pool.js';

const start = workerData as PoolStart;
const parseContext: ParseContext = { config: start.config, authors: new Map<string, Author>(start.authors) };
let renderContext: RenderContext | undefined;

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
    const results =
      request.kind === 'parse'
        ? (request.inputs as SourceFile[]).map((source) => detachBody(parseWork(source, parseContext), source))
        : (request.inputs as Array<{ post: Post; media?: MediaSize }>).map(({ post, media }) => renderWork(post, media, renderContext!));
    parentPort!.postMessage({ batch: request.batch, results });
  } catch (error) {
    const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
    const batch = request.kind === 'render-setup' || request.kind === 'render-prepare' ? -1 : request.batch;
    parentPort!.postMessage({ batch, error: { name, message, stack } });
  }
});
