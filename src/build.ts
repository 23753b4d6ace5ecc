// The pipeline: load → parse/validate → select → render → serialize. Returns the files it would
// write and every diagnostic; writing is a separate step (write.ts) so a failed build touches nothing.
import path from 'node:path';
import { resolveConfig, siteAuthor, type Config, type ConfigInput } from './config.js';
import { checkOutputPlacement } from './output/placement.js';
import { loadConfigFile } from './source/config-file.js';
import { mediaFileSize } from './source/media.js';
import { loadPosts } from './source/posts.js';
import type { Diagnostic, Enclosure, FeedDocument, FeedFormat, FeedItem, OutputFile, Post, Site } from './model.js';
import { parsePost, withTrailingSlash } from './parse/post.js';
import { absolutizeUrl, renderContent, summarize } from './render.js';
import { findDuplicates, selectPosts } from './select.js';
import { FORMATS, serializeFeeds } from './serialize.js';
import { mediaType } from './media-types.js';

export const DEFAULT_CONFIG_FILE = 'postfeed.config.json';

/** Per-item markup around the content (title, id, link, dates, tags): a generous estimate. */
const ITEM_MARKUP_CHARACTERS = 1000;

export interface BuildOptions {
  /** Directory that relative paths are resolved against; default: the process's working directory. */
  cwd?: string;
  /** Config file path; default `postfeed.config.json`. Ignored when `config` is given. */
  configFile?: string;
  /** The config itself, instead of a file. */
  config?: ConfigInput;
  posts?: string;
  out?: string;
  /** Overrides `baseUrl` (the CLI passes --base-url or POSTFEED_BASE_URL). */
  baseUrl?: string;
  limit?: number;
  /** Include posts with `draft: true`. */
  drafts?: boolean;
  /** Include posts dated after `now`. */
  future?: boolean;
  /** Treat warnings as errors. */
  strict?: boolean;
  /** What counts as "now" for future posts; default SOURCE_DATE_EPOCH, else the clock. Never written to output. */
  now?: Date;
}

export interface BuildResult {
  ok: boolean;
  /** The feeds, ready to write; empty when the build failed. */
  files: OutputFile[];
  diagnostics: Diagnostic[];
  /** Absolute output directory. */
  outDir: string;
  /** Number of posts read and valid. */
  posts: number;
}

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const display = (absolute: string) => path.relative(cwd, absolute) || '.';
  const failed = (diagnostics: Diagnostic[], outDir = path.resolve(cwd, options.out ?? 'dist')): BuildResult => ({
    ok: false,
    files: [],
    diagnostics,
    outDir,
    posts: 0,
  });

  // Config
  const configPath = path.resolve(cwd, options.configFile ?? DEFAULT_CONFIG_FILE);
  const configName = options.config ? '(config)' : display(configPath);
  let raw: unknown = options.config;
  if (raw === undefined) {
    const loaded = await loadConfigFile(configPath, configName);
    if (loaded.diagnostics.length > 0) return failed(loaded.diagnostics);
    raw = loaded.raw;
  }
  const resolved = resolveConfig(raw, {
    baseUrl: options.baseUrl,
    limit: options.limit,
    posts: options.posts,
    out: options.out,
  });
  if (!resolved.ok) {
    return failed(resolved.issues.map((issue) => ({ severity: 'error', file: configName, field: issue.field, message: issue.message })));
  }
  const config = resolved.config;
  const postsDir = path.resolve(cwd, config.posts);
  const outDir = path.resolve(cwd, config.out);
  const now = options.now ? { ok: true as const, date: options.now } : nowFromEnvironment();
  if (!now.ok) return failed([{ severity: 'error', file: 'SOURCE_DATE_EPOCH', field: 'SOURCE_DATE_EPOCH', message: now.message }], outDir);

  const placement = checkOutputPlacement(postsDir, outDir);
  if (placement) return failed([{ severity: 'error', code: 'out-overlaps-posts', file: display(outDir), field: 'out', message: placement }], outDir);

  // Load, parse, validate
  const loaded = await loadPosts(postsDir, { cwd, maxFileBytes: config.limits.maxFileBytes, maxPosts: config.limits.maxPosts });
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const posts: Post[] = [];
  for (const source of loaded.sources) {
    const result = parsePost(source, config);
    diagnostics.push(...result.diagnostics);
    if (result.post) posts.push(result.post);
  }
  for (const duplicate of findDuplicates(posts)) diagnostics.push(duplicate);

  // Select, then render only what the feeds carry.
  const selected = selectPosts(posts, {
    drafts: options.drafts ?? false,
    future: options.future ?? false,
    now: now.date,
    limit: config.limit,
  });
  const items: FeedItem[] = [];
  for (const post of selected) items.push(await feedItem(post, config, { cwd, postsRoot: loaded.root }, diagnostics));

  const contentSize = items.reduce((total, item) => total + (item.html?.length ?? 0) + item.summary.length + ITEM_MARKUP_CHARACTERS, 0);
  // A feed past this size would crash string building; fail with advice instead.
  if (contentSize > config.limits.maxFeedCharacters) {
    diagnostics.push({
      severity: 'error',
      file: configName,
      field: 'limit',
      message:
        `the ${items.length} items carry about ${contentSize} characters, more than one feed may hold ` +
        `(limits.maxFeedCharacters: ${config.limits.maxFeedCharacters}); set "limit" (or --limit) to publish the newest posts only`,
    });
  }

  const hasErrors = diagnostics.some((d) => d.severity === 'error' || (options.strict && d.severity === 'warning'));
  if (hasErrors) return { ...failed(diagnostics, outDir), posts: posts.length };

  const site = buildSite(config);
  // The feed's date is its newest item's (or, for an empty feed, the newest post's): never the clock.
  const updated = new Date((items.length > 0 ? items : posts).reduce((newest, post) => Math.max(newest, (post.updated ?? post.date).getTime()), 0));
  const documents = Object.fromEntries(
    FORMATS.map((format): [FeedFormat, FeedDocument] => [
      format,
      { site, items, updated, selfUrl: new URL(config.output[format], site.baseUrl).href },
    ]),
  ) as Record<FeedFormat, FeedDocument>;
  return { ok: true, files: serializeFeeds(documents, config.output), diagnostics, outDir, posts: posts.length };
}

function buildSite(config: Config): Site {
  const baseUrl = new URL(withTrailingSlash(config.baseUrl)).href;
  return {
    title: config.title,
    baseUrl,
    description: config.description,
    language: Intl.getCanonicalLocales(config.language)[0] ?? config.language,
    author: siteAuthor(config),
    ...(config.copyright ? { copyright: config.copyright } : {}),
    ...(config.icon ? { icon: new URL(config.icon, baseUrl).href } : {}),
    ...(config.logo ? { logo: new URL(config.logo, baseUrl).href } : {}),
    generator: 'postfeed',
  };
}

async function feedItem(
  post: Post,
  config: Config,
  { cwd, postsRoot }: { cwd: string; postsRoot: string },
  diagnostics: Diagnostic[],
): Promise<FeedItem> {
  const content = renderContent(post);
  diagnostics.push(...content.diagnostics);
  let enclosure: Enclosure | undefined;
  if (post.image) {
    const problem = (message: string, code?: string) =>
      diagnostics.push({ severity: 'error', ...(code ? { code } : {}), file: post.file, ...(post.image?.line ? { line: post.image.line } : {}), field: 'image', message });
    const url = absolutizeUrl(post.image.ref, post.permalink);
    const type = url ? mediaType(new URL(url).pathname) : undefined;
    if (!url || !/^https?:/.test(url)) problem(`"${post.image.ref}" is not a usable URL or path`);
    else if (!type) problem(`"${post.image.ref}" has no known media type; use .jpg, .png, .gif, .webp, .avif, .svg, .mp3, .mp4 …`);
    else {
      let length = 0;
      // A relative path names a file beside the post; its size is the enclosure length.
      if (!/^[a-z][a-z0-9+.-]*:|^\/|^#|^\?/i.test(post.image.ref)) {
        const media = await mediaFileSize(postsRoot, path.resolve(cwd, post.file), post.image.ref);
        if ('size' in media) length = media.size;
        else problem(media.problem, media.code);
      }
      enclosure = { url, type, length };
    }
  }
  return {
    id: post.id,
    url: post.permalink,
    title: post.title,
    date: post.date,
    ...(post.updated ? { updated: post.updated } : {}),
    summary: summarize(post.description, content.firstParagraph),
    ...(config.content === 'full' ? { html: content.html } : {}),
    authors: post.authors,
    tags: post.tags,
    ...(enclosure ? { enclosure } : {}),
    ...(post.lang ? { lang: post.lang } : {}),
  };
}

function nowFromEnvironment(): { ok: true; date: Date } | { ok: false; message: string } {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return { ok: true, date: new Date() };
  if (!/^\d+$/.test(epoch)) return { ok: false, message: `must be whole seconds since 1970, found "${epoch}"` };
  return { ok: true, date: new Date(Number(epoch) * 1000) };
}
