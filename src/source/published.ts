// Feeds that already exist: the built ones in the output folder, and the ones published today
// (a URL, a file, or a folder such as a CI artifact). The only module that uses the network.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Diagnostic, FeedFormat } from '../model.js';

/** Far above any feed a reader would fetch (the check's own budget is 5 MB), far below memory trouble. */
const MAX_READ_BYTES = 64 * 1024 * 1024;

const DEFAULT_TIMEOUT_MS = 10_000;

/** A feed's text and where it came from: a URL, or a path as diagnostics name it. */
export interface ExistingFeed {
  name: string;
  /** Set when `name` is a URL: it is no file, so diagnostics name it in their message. */
  isUrl?: true;
  text: string;
  bytes: number;
}

export type FeedFileRead = ({ format: FeedFormat } & ExistingFeed) | { format: FeedFormat; name: string; missing: true } | { format: FeedFormat; name: string; problem: string };

/** Each format's file in `dir` under the configured names; `display` names a path for diagnostics. */
export async function readFeedFiles(dir: string, names: Record<FeedFormat, string>, display: (absolute: string) => string): Promise<FeedFileRead[]> {
  return Promise.all(
    (Object.entries(names) as Array<[FeedFormat, string]>).map(async ([format, file]) => {
      const absolute = path.join(dir, file);
      const name = display(absolute);
      const read = await readFeedFile(absolute);
      if ('text' in read) return { format, name, ...read };
      return 'missing' in read ? { format, name, missing: true as const } : { format, name, problem: read.problem };
    }),
  );
}

async function readFeedFile(file: string): Promise<{ text: string; bytes: number } | { missing: true } | { problem: string }> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return { problem: 'is not a regular file' };
    if (stat.size > MAX_READ_BYTES) return { problem: `is ${stat.size} bytes; no feed is that large` };
    const bytes = await fs.readFile(file);
    return { text: bytes.toString('utf8'), bytes: bytes.length };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? { missing: true } : { problem: `cannot be read (${code ?? (error as Error).message})` };
  }
}

export interface PublishedOptions {
  /** Directory a relative path is resolved against. */
  cwd: string;
  /** The output file names, looked up inside a published folder. */
  names: Record<FeedFormat, string>;
  display: (absolute: string) => string;
  /** Per attempt, for a URL. */
  timeoutMs?: number;
}

export interface Published {
  feeds: ExistingFeed[];
  diagnostics: Diagnostic[];
}

/**
 * The feeds published today: `source` is an http(s) URL (fetched, redirects followed, one retry),
 * a feed file, or a folder holding the output names. Anything that cannot be read is an error
 * naming the source; a name missing from a folder is a warning (that format is new).
 */
export async function readPublished(source: string, options: PublishedOptions): Promise<Published> {
  const failed = (code: string, name: string, message: string): Published => ({ feeds: [], diagnostics: [{ severity: 'error', code, file: name, field: '--against', message }] });
  if (/^https?:\/\//i.test(source)) {
    const fetched = await fetchFeed(source, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if ('problem' in fetched) {
      return { feeds: [], diagnostics: [{ severity: 'error', code: 'published-unreachable', field: '--against', message: `cannot fetch ${source}: ${fetched.problem}` }] };
    }
    return { feeds: [{ name: source, isUrl: true, ...fetched }], diagnostics: [] };
  }
  const absolute = path.resolve(options.cwd, source);
  const name = options.display(absolute);
  let isDirectory: boolean;
  try {
    isDirectory = (await fs.stat(absolute)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return failed('published-unreadable', name, code === 'ENOENT' ? 'no such file or folder (give an http(s) URL, a feed file or a folder)' : `cannot be read (${code})`);
  }
  if (!isDirectory) {
    const read = await readFeedFile(absolute);
    if ('text' in read) return { feeds: [{ name, ...read }], diagnostics: [] };
    return failed('published-unreadable', name, 'problem' in read ? read.problem : 'no such file');
  }
  const reads = await readFeedFiles(absolute, options.names, options.display);
  // A folder with none of the names is the wrong folder, not three new formats: nothing would be compared.
  if (reads.every((read) => 'missing' in read)) {
    return failed('published-unreadable', name, `holds none of ${Object.values(options.names).join(', ')}; give the folder the feeds were published from`);
  }
  const published: Published = { feeds: [], diagnostics: [] };
  for (const read of reads) {
    if ('text' in read) published.feeds.push({ name: read.name, text: read.text, bytes: read.bytes });
    else if ('missing' in read) {
      published.diagnostics.push({ severity: 'warning', code: 'published-missing', file: read.name, field: '--against', message: `not in the published folder; the ${read.format} feed is not compared` });
    } else published.diagnostics.push(...failed('published-unreadable', read.name, read.problem).diagnostics);
  }
  return published;
}

type Fetched = { text: string; bytes: number } | { problem: string; retry: boolean };

/** One retry for what may pass (a timeout, a dropped connection, a 5xx or 429); none for a 404. */
async function fetchFeed(url: string, timeoutMs: number): Promise<{ text: string; bytes: number } | { problem: string }> {
  const first = await fetchOnce(url, timeoutMs);
  if (!('problem' in first) || !first.retry) return first;
  const second = await fetchOnce(url, timeoutMs);
  return 'problem' in second ? { problem: `${second.problem} (tried twice)` } : second;
}

async function fetchOnce(url: string, timeoutMs: number): Promise<Fetched> {
  const signal = AbortSignal.timeout(timeoutMs);
  const seconds = `${timeoutMs / 1000} s`;
  try {
    const response = await fetch(url, {
      signal,
      redirect: 'follow',
      headers: { accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8', 'user-agent': 'postfeed check' },
    });
    if (!response.ok) {
      await response.body?.cancel();
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      return { problem: response.redirected ? `${status} from ${response.url}` : status, retry: response.status >= 500 || response.status === 429 };
    }
    return await readBody(response);
  } catch (error) {
    if (signal.aborted) return { problem: `no complete answer within ${seconds}`, retry: true };
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a TLS error) is its cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { problem: cause?.code ?? cause?.message ?? (error as Error).message, retry: true };
  }
}

/** The body as UTF-8 text, refused once it passes MAX_READ_BYTES. */
async function readBody(response: Response): Promise<Fetched> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of response.body ?? []) {
    bytes += chunk.length;
    if (bytes > MAX_READ_BYTES) return { problem: `the answer is larger than ${MAX_READ_BYTES} bytes; no feed is that large`, retry: false };
    chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), bytes };
}
