// A worker thread of the pool (run/pool.ts): it runs run/parse-work.ts and run/render-work.ts on
// batches of posts and sends back the results, or the error a batch raised. It holds the build's
// settings from its start (workerData) and the render settings from the message that begins the
// render stage.
import { parentPort, workerData } from 'node:worker_threads';
import type { Author } from '../model.js';
import { postResolver } from '../render/references.js';
import { sourceText, type PostFile } from '../source/posts.js';
import { bodyFrom, detachBody } from './detached-body.js';
import { parseWork, type ParseContext } from './parse-work.js';
import type { PoolRequest, PoolStart, RenderInput } from './pool.js';
import type { RenderContext } from './render-work.js';
import { withFields } from '../with-fields.js';

const start = workerData as PoolStart;
const parseContext: ParseContext = { config: start.config, authors: new Map<string, Author>(start.authors) };
let renderContext: RenderContext | undefined;

/**
 * What rendering needs beyond parsing — markdown-it, the sanitizer, the writers — is loaded when the
 * main thread asks for it ('render-prepare', once the parses are in, while it assigns identities),
 * not when the worker starts: a worker started as the posts are read is ready to parse sooner.
 */
let renderWork: typeof import('./render-work.js').renderWork | undefined;
let loadingRender: Promise<void> | undefined;

function loadRender(): Promise<void> {
  loadingRender ??= Promise.all([import('./render-work.js'), import('../render/sanitize.js')]).then(([work, sanitize]) => {
    sanitize.loadSanitizer();
    renderWork = work.renderWork;
  });
  return loadingRender;
}

function parseOne(file: PostFile) {
  const source = sourceText(file);
  return detachBody(parseWork(source, parseContext), source);
}

function renderOne({ post, media, body }: RenderInput) {
  return renderWork!(body ? withFields(post, { markdown: bodyFrom(body) }) : post, media, renderContext!);
}

function handle(request: PoolRequest): void {
  try {
    if (request.kind === 'render-prepare') return;
    if (request.kind === 'render-setup') {
      renderContext = { config: start.config, site: request.site, resolvePost: postResolver(request.posts) };
      return;
    }
    const results = request.kind === 'parse' ? request.inputs.map(parseOne) : request.inputs.map(renderOne);
    parentPort!.postMessage({ batch: request.batch, results });
  } catch (error) {
    fail(request, error);
  }
}

function fail(request: PoolRequest, error: unknown): void {
  const { name, message, stack } = error instanceof Error ? error : new Error(String(error));
  const batch = request.kind === 'render-setup' || request.kind === 'render-prepare' ? -1 : request.batch;
  parentPort!.postMessage({ batch, error: { name, message, stack } });
}

parentPort!.on('message', (request: PoolRequest) => {
  // A render batch that arrives before the render's modules are in waits for them; batches waiting
  // so are handled in the order they came, before any later message.
  if (request.kind === 'render-prepare' || (request.kind === 'render' && !renderWork)) {
    loadRender().then(
      () => handle(request),
      (error: unknown) => fail(request, error),
    );
  } else handle(request);
});
