// Shared test plumbing: temporary projects, the CLI as a process, an independent XML parser.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { afterAll } from 'vitest';
import { build, type BuildOptions, type BuildResult, type ConfigInput, type OutputFile } from '../src/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(ROOT, 'lib', 'cli.js');
/**
 * The project's shared folder (seed article, corpus generator, Atom schema). CI lays it beside the
 * clone; POSTFEED_SHARED points elsewhere, and a clone made in a bare temporary folder falls back
 * to this workplace's copy.
 */
export const SHARED = [process.env.POSTFEED_SHARED, path.resolve(ROOT, '..', 'shared'), '/work/shared'].find(
  (candidate): candidate is string => !!candidate && existsSync(path.join(candidate, 'seed')),
) ?? path.resolve(ROOT, '..', 'shared');

export const BASE_CONFIG: ConfigInput = {
  title: 'Test site',
  baseUrl: 'https://example.com/blog/',
  description: 'A test site',
  language: 'en',
  author: { name: 'Test Author' },
  permalink: '/posts/:slug/',
};

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'postfeed-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A project folder with a config file and the given posts (name → text). */
export function makeProject(posts: Record<string, string | Buffer>, config: Partial<ConfigInput> = {}): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'postfeed.config.json'), JSON.stringify({ ...BASE_CONFIG, ...config }, null, 2));
  mkdirSync(path.join(dir, 'posts'));
  for (const [name, text] of Object.entries(posts)) {
    mkdirSync(path.dirname(path.join(dir, 'posts', name)), { recursive: true });
    writeFileSync(path.join(dir, 'posts', name), text);
  }
  return dir;
}

/**
 * Builds the project in `cwd` (posts dated up to 2030 count) and writes the feeds into `outDir`
 * as plain files, as a deploy or a CI artifact holds them; returns the output names it wrote.
 */
export async function buildInto(cwd: string, outDir: string, options: BuildOptions = {}): Promise<string[]> {
  const result = await build({ cwd, now: new Date('2030-01-01T00:00:00Z'), ...options });
  if (!result.ok) throw new Error(`build failed: ${JSON.stringify(result.diagnostics)}`);
  mkdirSync(outDir, { recursive: true });
  for (const file of result.files) writeFileSync(path.join(outDir, file.path), file.contents);
  return result.files.map((file) => file.path);
}

/**
 * Builds the project in `cwd` as `postfeed build` does with its id ledger: the ledger is written
 * when it changed (the feeds are not written; read them from `files`).
 */
export async function buildRecording(cwd: string, options: BuildOptions = {}): Promise<BuildResult> {
  const result = await build({ cwd, now: new Date('2030-01-01T00:00:00Z'), ...options });
  if (result.ok && result.ledger?.text !== undefined) writeFileSync(result.ledger.path, result.ledger.text);
  return result;
}

/** The ids of a built feed, read with fast-xml-parser / JSON.parse: `format` names the output. */
export function builtIds(files: readonly OutputFile[], format: 'rss' | 'atom' | 'json'): string[] {
  const name = { rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' }[format];
  const contents = files.find((file) => file.path === name)?.contents;
  if (contents === undefined) throw new Error(`no ${name} among ${files.map((file) => file.path).join(', ')}`);
  if (format === 'json') return (JSON.parse(contents) as { items: Array<{ id: string }> }).items.map((item) => item.id);
  const document = parseXml(contents);
  return format === 'atom' ? document.feed.entry.map((entry: unknown) => text((entry as { id: unknown }).id)) : document.rss.channel.item.map((item: { guid: unknown }) => text(item.guid));
}

/** A minimal valid post. */
export function post(frontMatter: string, body = 'Hello, world.'): string {
  return `---\n${frontMatter.trim()}\n---\n\n${body}\n`;
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node`: another Node binary to run the CLI with (test/node-versions.test.ts). */
export function runCli(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, node = process.execPath): CliRun {
  const result = spawnSync(node, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, POSTFEED_BASE_URL: '', SOURCE_DATE_EPOCH: '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function runCliAsync(cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Every file below `dir` with its bytes, for "left exactly as it was" comparisons. */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const full = path.join(current, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out[path.relative(dir, full)] = readFileSync(full).toString('base64');
    }
  };
  try {
    walk(dir);
  } catch {
    return {};
  }
  return out;
}

/**
 * fast-xml-parser, independent of the XML writer and of the build's own saxes gate.
 * Entities and CDATA decode to text; arrays where feeds repeat elements.
 */
export const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  // fast-xml-parser ≥ 5.7 decodes numeric character references (`&#x26;`) only with this on; it
  // decodes `&amp;` last, so `&amp;copy;` stays the text "&copy;".
  htmlEntities: true,
  isArray: (name) => ['item', 'entry', 'category', 'link', 'author', 'dc:creator'].includes(name),
});

export function parseXml(xml: string): any {
  return xmlParser.parse(xml);
}

/** Text of a parsed element, whether it came as a string or {#text, @attr}. */
export function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node;
  if (typeof node === 'object' && '#text' in (node as object)) return String((node as Record<string, unknown>)['#text']);
  return '';
}

/** Decodes HTML-escaped plain text (what a reader does with type="html" and RSS title/description). */
export function decodeHtmlText(html: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
  // One pass, so "&#x26;amp;" becomes "&amp;" and not "&".
  return html.replace(/&(#x[0-9a-f]+|#[0-9]+|lt|gt|quot|apos|amp);/gi, (match, reference: string) => {
    if (reference.startsWith('#x') || reference.startsWith('#X')) return String.fromCodePoint(parseInt(reference.slice(2), 16));
    if (reference.startsWith('#')) return String.fromCodePoint(parseInt(reference.slice(1), 10));
    return named[reference.toLowerCase()] ?? match;
  });
}

export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}
