// The whole CLI against hostile names and values: file names (controls, newlines, `::error`,
// bytes that are not UTF-8, very long, `-x.md`, `.hidden.md`), front-matter keys and values,
// and config values (text with controls, `javascript:`/`data:` and malformed URLs, odd permalink
// patterns, odd output names). One project per case, run as a process; what must hold is in
// `cliProblems`.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { CLI, tempDir } from '../helpers.js';
import { BIDI_CONTROLS, CONTROL_CHARACTERS, HOSTILE_URLS, nastyText, yamlString } from './arbitraries.js';
import { hasXmllint, xmllint, xmlProblems } from './feeds.js';
import { contentViolations } from './html.js';

const pick = (values: readonly string[]) => fc.constantFrom(...values);
/** `arbitrary` in one case of `1 + absent`, otherwise undefined (left out of the config or post). */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, absent = 5): fc.Arbitrary<T | undefined> =>
  fc.oneof({ withCrossShrink: true }, { weight: absent, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** Text that would forge a line of output if printed raw: CI workflow commands, our summary, terminal escapes. */
const FORGERIES = [
  '::error file=other.md,line=1::owned', '::warning::w', '::add-mask::x', '::stop-commands::t', '##vso[task.complete result=Succeeded]',
  '##[error]x', 'postfeed: 0 posts, 3 feeds in 0.01s', '\npostfeed: 0 posts', '\n::error::x', '\r::error::x', '\u001b[2J', '\u001b[1A\u001b[2K',
  '\u001b]0;title\u0007', '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007', '\u009b31m', '\u009d0;t\u009c', '\u0008\u0008\u0008', '\u2028::error::x',
  '\u2029', '\u0085', '\u202eevil', '\u2066x\u2069', '\u0000', '\u0007',
];
const forgery = pick(FORGERIES);
const hostileText = fc.oneof(
  { withCrossShrink: true },
  { weight: 3, arbitrary: fc.tuple(nastyText(3), forgery, nastyText(3)).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: nastyText(8) },
  { weight: 1, arbitrary: pick([...CONTROL_CHARACTERS, ...BIDI_CONTROLS]) },
);

// ---------------------------------------------------------------- file names

const NAME_PIECES = [
  ...FORGERIES.map((text) => text.replace(/[\u0000/]/g, '')), '-x', '--help', '-', '--', '.', '..', ' ', '\t', '\n', 'é', '東京', '😀', 'A\u030A',
  'שלום', '%00', '%2F', '$&', '*', '?', '"', "'", '<', '>', '|', ':', '\\', '#', '~', '{x}', '[x]', '\uFEFF', '\uFFFE', '\ud800', 'CON', 'nul',
];
const EXTENSIONS = ['.md', '.md', '.md', '.md', '.markdown', '.MD', '.md.md', '', '.txt', '.md\n', '.md '];
/** At most 250 UTF-8 bytes: a file name the file system takes (255) with room to spare. */
const fitName = (name: string) => {
  let fitted = name;
  while (Buffer.byteLength(fitted) > 250) fitted = fitted.slice(0, -1);
  return fitted;
};
const fileName: fc.Arbitrary<string | Buffer> = fc.oneof(
  { withCrossShrink: true },
  { weight: 1, arbitrary: fc.constant('plain.md') },
  // `.` and `..` name folders and "" names nothing: the case could not even be written.
  { weight: 6, arbitrary: fc.tuple(fc.array(pick(NAME_PIECES), { minLength: 1, maxLength: 4 }), pick(EXTENSIONS)).map(([pieces, ext]) => fitName(pieces.join('')) + ext).filter((name) => name !== '' && name !== '.' && name !== '..') },
  { weight: 2, arbitrary: fc.tuple(pick(['-x', '--help', '.hidden', '-', 'postfeed: 0 posts', '::error file=x::y', 'a\nb', 'ok']), pick(EXTENSIONS)).map(([a, b]) => a + b) },
  { weight: 1, arbitrary: fc.tuple(pick(['x', 'é', '😀', '::', '\u001b']), fc.integer({ min: 100, max: 250 })).map(([unit, bytes]) => `${fitName(unit.repeat(bytes))}.md`.slice(-250)) },
  // Bytes that are not UTF-8: the name read back from the folder is not the one written.
  { weight: 1, arbitrary: pick(['\xff', '\xfe\xfe', '\xc3(', '\xed\xa0\x80', '\x80']).map((bytes) => Buffer.concat([Buffer.from('bad'), Buffer.from(bytes, 'latin1'), Buffer.from('.md')])) },
);

// ---------------------------------------------------------------- posts

const KEYS = ['::error file=x::y', 'postfeed', '__proto__', 'constructor', 'prototype', 'k\u001b[2J', 'a\nb', '\u202ekey', ' ', 'title ', 'TITLE', 'tags[0]', 'author.name', '-x', '--help', '<script>', '&amp;'];

export interface HostilePost {
  name: string | Buffer;
  title: string;
  /** An explicit slug, so the post's fate does not depend on its file name only. */
  slug: boolean;
  extra: Array<[string, string]>;
}

const hostilePost: fc.Arbitrary<HostilePost> = fc.record({
  name: fileName,
  title: fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: fc.constant('A title') }, { weight: 2, arbitrary: hostileText }),
  slug: fc.boolean(),
  extra: fc.uniqueArray(fc.tuple(fc.oneof(pick(KEYS), hostileText), hostileText), { maxLength: 3, selector: ([key]) => key }),
});

function postText(post: HostilePost, index: number): string {
  const lines = ['---', `title: ${yamlString(post.title)}`, 'date: 2023-07-01'];
  if (post.slug) lines.push(`slug: s${index}`);
  for (const [key, value] of post.extra) {
    if (!['title', 'date', 'slug'].includes(key)) lines.push(`${yamlString(key)}: ${yamlString(value)}`);
  }
  return `${lines.join('\n')}\n---\n\nA body with a [link](a.html).\n`;
}

// ---------------------------------------------------------------- config

const URLS = [
  ...HOSTILE_URLS, 'data:image/png;base64,AAAA', 'DATA:text/html,x', 'https://example.com/a|b', 'https://example.com/{x}', 'https://{x}.example.com/',
  'https://example.com\\evil.example/', 'https:\\\\evil.example', 'https://user:pass@example.com/', 'https://@example.com/', 'http://[::1]/',
  '//evil.example/x.png', '/favicon.png', 'favicon.png', '../../etc/passwd', 'https://example.com/%00', 'https://example.com/\u202e',
  'https://example.com/\u001b[2J', 'ftp://example.com/x', 'https://example.com/a b', 'https://exa mple.com/', 'https://', 'http:', '', ' ',
  'mailto:a@example.com', 'https://example.com/?q=<script>', 'https://example.com/#"><script>', 'https://例え.jp/', 'https://example.com:99999/',
  `https://example.com/${'a'.repeat(3000)}`, '::error file=x::y', 'https://example.com/blog', 'https://example.com/blog/?x=1#y',
];
const hostileUrl = fc.oneof({ withCrossShrink: true }, { weight: 4, arbitrary: pick(URLS) }, { weight: 1, arbitrary: fc.tuple(pick(URLS), hostileText).map(([a, b]) => a + b) });

const PERMALINKS = [
  '/:slug', ':slug', '/:slug/:slug/', '/../:slug/', '/./:slug/', '//evil.example/:slug/', 'https://evil.example/:slug/', 'javascript:/:slug',
  'javascript:alert(1)//:slug', 'data:text/html,:slug', '/:year/:month/:day/:slug.html', '/:slug?x=1#y', '/:slug#frag', '/%2e%2e/:slug/', '/:slug/\n',
  '/:slug/\u001b[2J', '/no-slug/', '', '/', '/:title/:slug/', '/:slug/:unknown/', '/ :slug /', '/:slug\\', '/{:slug}/', '/::slug/', '/:SLUG/',
  '/:slugx/', '/:year:month:slug', '/\u202e:slug/', '/:slug/index.xml', `/${'a'.repeat(5000)}/:slug/`, '/:slug/%', '/:slug/%zz', '?:slug',
  '#:slug', '/::error file=x::y/:slug/', '/$&/:slug/', "/$'/:slug/", '/\\evil.example/:slug/', '/\\\\evil.example/:slug/', '/%5cevil.example/:slug/',
  '/..\\..\\:slug/', '/@evil.example/:slug/',
];

/** Base URLs: userinfo (and a host hidden behind it), characters URLs may not carry, no trailing slash, query and fragment. */
const BASE_URLS = [
  'https://user:pass@example.com/', 'https://example.com@evil.example/', 'https://example.com/a|b/', 'https://example.com/{x}/',
  'https://example.com\\evil.example/', 'javascript:alert(1)//', 'data:,x/', 'https://example.com/blog', 'https://example.com/blog/?x=1#y',
  'http://[::1]/', 'https://例え.jp/', 'https://example.com:99999/', 'https://example.com/\u202e/', 'https://example.com/a b/', 'HTTPS://EXAMPLE.COM/',
];

/** `{ROOT}` is replaced by the case's own temporary folder, so an absolute name never points elsewhere. */
const OUTPUT_NAMES = [
  '../rss.xml', '../../x.xml', 'a/b.xml', 'sub/dir/feed.xml', '.', '..', '', ' ', 'rss.xml', 'atom.xml', 'feed.json', 'x\n.xml', '\u001b[2J.xml',
  '::error file=x::y.xml', 'postfeed: 0 posts.xml', '-x.xml', '--help', '.hidden.xml', 'CON', 'nul', '{ROOT}/abs.xml', 'feed.json ',
  `${'x'.repeat(300)}.xml`, '\u202e.xml', 'a:b.xml', '*.xml', 'rss.xml/', '../posts/x.md', '../postfeed.config.json', '.postfeed-staging', '.postfeed.lock',
  '\u0000.xml', 'a\\b.xml', '~/x.xml',
];

/** Output folders, relative to the project three levels below the case's folder (see runHostileCase). */
const OUT_FOLDERS = [
  'dist\n::error file=x::y', '::error file=x::y', 'postfeed: 0 posts', 'd\u001b[2J', 'd\u202e', '-x', '--help', '../out', '../../out', 'posts',
  'posts/sub', '.', '', ' ', 'postfeed.config.json', '{ROOT}/abs-out', 'dist/', './dist', 'dist/../dist', 'a\\b',
];

export interface HostileConfig {
  title?: string;
  description?: string;
  copyright?: string;
  authorName?: string;
  authorUrl?: string;
  baseUrl?: string;
  icon?: string;
  logo?: string;
  permalink?: string;
  output?: { rss?: string; atom?: string; json?: string };
  out?: string;
}

const hostileConfig: fc.Arbitrary<HostileConfig> = fc
  .record({
    title: sometimes(hostileText),
    description: sometimes(hostileText),
    copyright: sometimes(hostileText),
    authorName: sometimes(hostileText),
    authorUrl: sometimes(hostileUrl),
    baseUrl: sometimes(fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: pick(BASE_URLS) }, { weight: 1, arbitrary: hostileUrl }), 5),
    icon: sometimes(hostileUrl),
    logo: sometimes(hostileUrl),
    permalink: sometimes(pick(PERMALINKS)),
    output: sometimes(fc.record({ rss: pick(OUTPUT_NAMES), atom: pick(OUTPUT_NAMES), json: pick(OUTPUT_NAMES) }, { requiredKeys: [] }), 8),
    out: sometimes(pick(OUT_FOLDERS), 8),
  })
  // Absent keys are left out, so a shrunk counterexample shows only what matters.
  .map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as HostileConfig);

export interface HostileCase {
  config: HostileConfig;
  posts: HostilePost[];
}

export const hostileCase: fc.Arbitrary<HostileCase> = fc.record({
  config: hostileConfig,
  posts: fc.uniqueArray(hostilePost, { minLength: 1, maxLength: 3, selector: (post) => Buffer.from(post.name).toString('hex') }),
});

// ---------------------------------------------------------------- running a case

const DEFAULT_OUTPUT = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' };
const DEFAULT_BASE_URL = 'https://example.com/blog/';

function configJson(config: HostileConfig, root: string): string {
  const resolve = (name: string) => name.replace('{ROOT}', root);
  const output = config.output && Object.fromEntries(Object.entries(config.output).map(([format, name]) => [format, resolve(name)]));
  return JSON.stringify({
    title: config.title ?? 'Test site',
    baseUrl: config.baseUrl ?? DEFAULT_BASE_URL,
    ...(config.description !== undefined ? { description: config.description } : {}),
    ...(config.copyright !== undefined ? { copyright: config.copyright } : {}),
    author: { name: config.authorName ?? 'Test Author', ...(config.authorUrl !== undefined ? { url: config.authorUrl } : {}) },
    ...(config.icon !== undefined ? { icon: config.icon } : {}),
    ...(config.logo !== undefined ? { logo: config.logo } : {}),
    permalink: config.permalink ?? '/posts/:slug/',
    ...(output ? { output } : {}),
    ...(config.out !== undefined ? { out: resolve(config.out) } : {}),
    limit: 0,
  });
}

/** Every entry below `dir` (files by content, links by target, folders by name), as raw bytes. */
function snapshot(dir: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (current: Buffer) => {
    for (const entry of readdirSync(current, { encoding: 'buffer' })) {
      const full = Buffer.concat([current, Buffer.from('/'), entry]);
      const key = full.toString('latin1');
      const stat = lstatSync(full);
      if (stat.isDirectory()) {
        entries.set(key, 'folder');
        walk(full);
      } else if (stat.isSymbolicLink()) entries.set(key, `link ${readlinkSync(full)}`);
      else entries.set(key, readFileSync(full).toString('base64'));
    }
  };
  walk(Buffer.from(dir));
  return entries;
}

/** What differs between two snapshots, outside `except` (a folder) when given. */
function changes(before: Map<string, string>, after: Map<string, string>, except?: string): string[] {
  const changed: string[] = [];
  // Entries are keyed by their bytes (as latin1), so the folder's name is too.
  const folder = except === undefined ? undefined : Buffer.from(except).toString('latin1');
  const counts = (entry: string) => folder === undefined || (entry !== folder && !entry.startsWith(`${folder}/`));
  for (const [entry, contents] of after) {
    if (before.get(entry) !== contents && counts(entry)) changed.push(`${before.has(entry) ? 'changed' : 'created'} ${JSON.stringify(entry)}`);
  }
  for (const entry of before.keys()) if (!after.has(entry) && counts(entry)) changed.push(`removed ${JSON.stringify(entry)}`);
  return changed;
}

/** Raw characters no output line may carry (the newline between lines aside). */
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function streamProblems(name: string, text: string): string[] {
  const problems: string[] = [];
  text.split('\n').forEach((line, index) => {
    const raw = RAW_UNSAFE.exec(line);
    if (raw) problems.push(`${name} line ${index + 1} carries a raw U+${raw[0].charCodeAt(0).toString(16).padStart(4, '0')}: ${JSON.stringify(line).slice(0, 200)}`);
    if (/^(?:::|##)/.test(line)) problems.push(`${name} line ${index + 1} starts like a CI command: ${JSON.stringify(line).slice(0, 200)}`);
  });
  if (/^\s+at .+:\d+:\d+\)?$/m.test(text)) problems.push(`${name} carries a stack trace`);
  return problems;
}

const FEED_URL_KEYS = new Set(['link', 'url', 'icon', 'logo', 'uri', 'docs', '@href', '@url', '@src', 'home_page_url', 'feed_url', 'favicon', 'external_url', 'image', 'banner_image', 'avatar']);

/** What is wrong with the URL-valued fields of a parsed feed (any nesting): script or data URLs, user names or passwords. */
function urlProblems(node: unknown, key = ''): string[] {
  if (typeof node === 'string') {
    if (!FEED_URL_KEYS.has(key)) return [];
    const shown = `${key}: ${JSON.stringify(node).slice(0, 120)}`;
    if (/^(?:javascript|vbscript|data):/i.test(node.replace(/[\u0000-\u0020\u007f-\u009f]/g, ''))) return [`script or data URL in ${shown}`];
    return URL.canParse(node) && (new URL(node).username || new URL(node).password) ? [`user name or password in ${shown}`] : [];
  }
  if (Array.isArray(node)) return node.flatMap((child) => urlProblems(child, key));
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([childKey, child]) => urlProblems(child, childKey === '#text' ? key : childKey));
  return [];
}

const asList = (node: unknown): unknown[] => (Array.isArray(node) ? node : node === undefined ? [] : [node]);

/** Each item's link, as a reader follows it. */
function itemLinks(parsed: unknown, format: 'rss' | 'atom' | 'json'): string[] {
  const tree = parsed as Record<string, any>; // parsed feed documents: shapes checked by the readers in feeds.ts
  if (format === 'json') return asList(tree.items).map((item) => String((item as { url?: string }).url ?? ''));
  if (format === 'rss') return asList(tree.rss?.channel?.item).map((item) => String((item as { link?: string }).link ?? ''));
  return asList(tree.feed?.entry).flatMap((entry) =>
    asList((entry as { link?: unknown }).link)
      .filter((link) => ((link as Record<string, string>)['@rel'] ?? 'alternate') === 'alternate')
      .map((link) => String((link as Record<string, string>)['@href'] ?? '')),
  );
}

/** Item links that are not under the site's base URL (a permalink pattern must not lead off the site). */
function offSiteLinks(links: string[], baseUrl: string): string[] {
  if (!URL.canParse(baseUrl)) return [];
  const base = new URL(baseUrl);
  // Compared decoded: postfeed writes `|` in a baseUrl as `%7C`, which names the same path.
  const decoded = (pathname: string) => {
    try {
      return decodeURIComponent(pathname);
    } catch {
      return pathname;
    }
  };
  const basePath = decoded(base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`);
  return links.filter((link) => !URL.canParse(link) || new URL(link).origin !== base.origin || !decoded(new URL(link).pathname).startsWith(basePath));
}

const xmlReader = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', textNodeName: '#text', parseTagValue: false, processEntities: true });
const withXmllint = hasXmllint();
const lintDir = tempDir('postfeed-hostile-lint-');

function feedProblems(file: string, format: 'rss' | 'atom' | 'json', baseUrl: string): string[] {
  if (!existsSync(file)) return [`${format}: exit 0 but ${file} is missing`];
  const text = readFileSync(file, 'utf8');
  const problems: string[] = [];
  let parsed: unknown;
  if (format === 'json') {
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return [`json: not JSON: ${(error as Error).message}`];
    }
    for (const item of (parsed as { items?: Array<{ content_html?: string }> }).items ?? []) {
      for (const violation of contentViolations(item.content_html ?? '')) problems.push(`json content: ${violation}`);
    }
  } else {
    problems.push(...xmlProblems(text).map((problem) => `${format}: ${problem}`));
    if (problems.length > 0) return problems;
    parsed = xmlReader.parse(text);
    if (withXmllint) {
      // xmllint's report names the file: a copy under a plain name keeps it parseable.
      const copy = path.join(lintDir, `lint.${format}.xml`);
      writeFileSync(copy, text);
      for (const messages of xmllint([copy], format === 'atom').values()) problems.push(...messages.map((message) => `${format}: xmllint: ${message}`));
    }
  }
  problems.push(...urlProblems(parsed).map((found) => `${format}: ${found}`));
  problems.push(...offSiteLinks(itemLinks(parsed, format), baseUrl).map((link) => `${format}: item link ${JSON.stringify(link).slice(0, 120)} is not under baseUrl ${JSON.stringify(baseUrl)}`));
  return problems;
}

export interface CliOutcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Writes the project, runs the CLI in it, and says what went wrong (nothing, when all is well). */
export function runHostileCase(hostile: HostileCase): { outcome: CliOutcome; problems: string[] } {
  // Three folders deep inside its own temporary folder, so `../..` in a name stays in the case.
  const root = tempDir('postfeed-hostile-');
  const project = path.join(root, 'a', 'b', 'project');
  mkdirSync(path.join(project, 'posts'), { recursive: true });
  mkdirSync(path.join(project, 'dist'));
  writeFileSync(path.join(project, 'postfeed.config.json'), configJson(hostile.config, root));
  for (const format of ['rss', 'atom', 'json'] as const) writeFileSync(path.join(project, 'dist', DEFAULT_OUTPUT[format]), `old ${format}`);
  hostile.posts.forEach((post, index) => {
    const name = typeof post.name === 'string' ? Buffer.from(post.name) : post.name;
    writeFileSync(Buffer.concat([Buffer.from(`${project}/posts/`), name]), postText(post, index));
  });
  const before = snapshot(root);

  const run = spawnSync(process.execPath, [CLI], {
    cwd: project,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, POSTFEED_BASE_URL: '', SOURCE_DATE_EPOCH: '', NO_COLOR: '1' },
  });
  const outcome = { status: run.status, stdout: run.stdout, stderr: run.stderr };
  const problems: string[] = [];
  if (run.error) problems.push(`the CLI did not finish: ${run.error.message}`);
  if (![0, 1, 2].includes(run.status ?? -1)) problems.push(`exit code ${run.status}${run.signal ? ` (signal ${run.signal})` : ''}: ${run.stderr.split('\n')[0]?.slice(0, 300)}`);
  problems.push(...streamProblems('stderr', run.stderr), ...streamProblems('stdout', run.stdout));

  const after = snapshot(root);
  const out = path.resolve(project, (hostile.config.out ?? 'dist').replace('{ROOT}', root));
  if (run.status !== 0) {
    problems.push(...changes(before, after).map((change) => `exit ${run.status} yet ${change}`).slice(0, 5));
  } else {
    // Besides the output folder, a successful build may write the id ledger beside the config and
    // its cache file (with the folders above it) under node_modules/.cache/postfeed — nothing else.
    const ledger = Buffer.from(path.join(project, 'postfeed.lock.json')).toString('latin1');
    const cache = ['node_modules', 'node_modules/.cache', 'node_modules/.cache/postfeed', 'node_modules/.cache/postfeed/posts.cache', 'node_modules/.cache/postfeed/config.json'].map((name) =>
      Buffer.from(path.join(project, name)).toString('latin1'),
    );
    const allowed = new Set([ledger, ...cache].flatMap((file) => [`created ${JSON.stringify(file)}`, `changed ${JSON.stringify(file)}`]));
    // …and the copies of its feeds the cache keeps beside its file (named for the build).
    const copyPrefix = JSON.stringify(Buffer.from(path.join(project, 'node_modules/.cache/postfeed/posts.cache.feed-')).toString('latin1')).slice(0, -1);
    const isFeedCopy = (change: string) => change.startsWith(`created ${copyPrefix}`) && /^[0-9a-f]{12}-[0-9]+"$/.test(change.slice(`created ${copyPrefix}`.length));
    const outside = changes(before, after, out).filter((change) => !allowed.has(change) && !isFeedCopy(change));
    problems.push(...outside.map((change) => `wrote outside the output folder: ${change}`).slice(0, 5));
    for (const format of ['rss', 'atom', 'json'] as const) {
      const name = (hostile.config.output?.[format] ?? DEFAULT_OUTPUT[format]).replace('{ROOT}', root);
      problems.push(...feedProblems(path.resolve(out, name), format, hostile.config.baseUrl ?? DEFAULT_BASE_URL));
    }
  }
  rmSync(root, { recursive: true, force: true });
  return { outcome, problems };
}
