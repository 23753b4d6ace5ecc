// The typed model every stage of the pipeline passes along: plain data, no behaviour.
import type { CalendarDate } from './parse/dates.js';

export type { CalendarDate };

export type Severity = 'error' | 'warning';

/** A further location a diagnostic points to, such as the other file of a duplicate. */
export interface DiagnosticNote {
  message: string;
  file?: string;
  line?: number;
  column?: number;
  excerpt?: string;
}

/** One problem found in one input, reported as `file:line: field: message`. */
export interface Diagnostic {
  severity: Severity;
  /** Stable kebab-case code for the kind of problem ('yaml-syntax', 'date-invalid', 'unknown-key'): --strict and allow-lists act per code. */
  code: string;
  /** The file the problem is in, as the user typed it. Absent for a flag or an environment variable. */
  file?: string;
  line?: number;
  column?: number;
  /** Front-matter or config key, or the flag (`--limit`) or environment variable (`SOURCE_DATE_EPOCH`). */
  field?: string;
  message: string;
  /** The source line the problem is on, for a code frame. */
  excerpt?: string;
  /** Further locations: the other file of a duplicate, with its line. */
  notes?: DiagnosticNote[];
}

export interface Author {
  name: string;
  email?: string;
  url?: string;
}

/** An image or media file attached to a post (RSS `<enclosure>`, Atom `rel="enclosure"`, JSON Feed `image`). */
export interface Enclosure {
  url: string;
  type: string;
  /** Size in bytes; 0 when the file is not local and its size is unknown (the RSS convention). */
  length: number;
}

/** A value from the front matter with the file line it was written on. */
export interface Located<T> {
  value: T;
  line?: number;
}

/** A post after its front matter has been parsed and validated; the body is still Markdown. */
export interface ParsedPost {
  /** Source path, relative to the working directory. */
  file: string;
  title: string;
  date: Date;
  /** `date` as written: year, month and day before conversion to UTC. */
  calendar: CalendarDate;
  updated?: Date;
  /** Plain-text summary written by the author (`description` or `summary`). */
  description?: string;
  authors: Author[];
  tags: string[];
  /** Jekyll-style categories as written, for the `:categories` permalink token. */
  categories: string[];
  draft: boolean;
  /** What leaves the post out of every feed under its convention (`published: false`), as written. */
  hiddenBy?: string;
  /** When the post becomes public (Hugo `publishDate`): later than now, it is held back like a future post. */
  publishAt?: Date;
  /** When the post stops being public (Hugo `expiryDate`): earlier than now, it is left out. */
  expiresAt?: Date;
  /** A URL path the post sets for itself (`permalink:`, Hugo `url:`), instead of the pattern. */
  permalinkPath?: Located<string>;
  /** `slug:` as written, when the front matter sets one. */
  slug?: Located<string>;
  /** `id:` normalized, when the front matter sets one. */
  id?: Located<string>;
  /** `image` as written in the front matter and the line it is on. */
  image?: Located<string>;
  lang?: string;
  markdown: string;
  /** 1-based line of the file where the Markdown body starts. */
  bodyLine: number;
  /** The body's fingerprint for the id ledger (identity/ledger.ts), when the parse stage computed it. */
  fingerprint?: string;
}

/** A post with its identity: the URL segment, the permalink and the id it keeps forever. */
export interface Post extends Omit<ParsedPost, 'slug' | 'id'> {
  slug: string;
  permalink: string;
  /** The single identity of the post in every format: explicit `id`, else the permalink. */
  id: string;
  /** Where the identity came from, for messages about collisions. */
  identityLines: { slug?: number; id?: number };
}

/** A post ready to serialize: HTML content with absolute URLs, a plain-text summary. */
export interface FeedItem {
  id: string;
  url: string;
  title: string;
  date: Date;
  updated?: Date;
  summary: string;
  /** Full HTML content; absent in summary-only mode. */
  html?: string;
  /** Never empty: the post's authors, else the site's. */
  authors: Author[];
  tags: string[];
  enclosure?: Enclosure;
  lang?: string;
}

/** Everything the format writers need about the site; all values resolved and validated. */
export interface Site {
  title: string;
  /** Absolute base URL ending in `/`; the output directory is published here. */
  baseUrl: string;
  description: string;
  language: string;
  author: Author;
  copyright?: string;
  icon?: string;
  logo?: string;
  generator: string;
}

export type FeedFormat = 'rss' | 'atom' | 'json';

export interface FeedLinks {
  /** Absolute URL of this very file (`atom:link rel="self"`, `feed_url`). */
  self: string;
  /** The page the feed stands for: the site's home page. */
  alternate: string;
}

/** An item serialized in every format, with the dates the feed's own `updated` is taken from. */
export interface RenderedItem {
  date: Date;
  updated?: Date;
  fragments: ItemFragments;
}

/**
 * One item's text in each format as it stands inside its feed, already UTF-8: it is written (or
 * cached) as it is, never decoded again, and lives outside the JavaScript heap — in buffers, or
 * in the file the cache is being written to. In chunks written one after another: RSS and Atom
 * carry the post's HTML as the same CDATA section, one chunk they share (formats/registry.ts).
 */
export type ItemFragments = Record<FeedFormat, readonly Chunk[]>;

/** UTF-8 bytes of an output file: held in memory, or a stretch of a file this build wrote (see output/spans.ts). */
export type Chunk = Uint8Array | FileSpan;

/**
 * `length` bytes at `offset` of a file this process holds open: what a build wrote to its cache
 * file is read back from there when the feeds are written, instead of being held meanwhile; a
 * cached render's fragments, from the cache file or the copies of the feeds kept beside it.
 */
export interface FileSpan {
  readonly source: SpanSource;
  readonly offset: number;
  readonly length: number;
  /** The bytes themselves, while they are not yet in the file (and for good if writing them failed). */
  held?: Uint8Array;
}

/** An open file spans are read from; closed once no span refers to it (output/spans.ts). */
export interface SpanSource {
  readonly fd: number;
}

/** One feed file to serialize: its format, where it goes, the site, its items (newest first, serialized in this format) and links. */
export interface FeedDocument {
  format: FeedFormat;
  /** File name relative to the output directory. */
  path: string;
  site: Site;
  /** Each item's fragment in this format, as its chunks. */
  items: ReadonlyArray<readonly Chunk[]>;
  links: FeedLinks;
  /** The newest item's date (or the newest post's when empty): never the wall clock. */
  updated: Date;
}

export interface OutputFile {
  format: FeedFormat;
  /** File name relative to the output directory. */
  path: string;
  /** The whole text. A built feed joins its chunks only when this is read (tests, library users). */
  readonly contents: string;
  /** The UTF-8 bytes in order, when the file was built in parts: written one after another, never joined. */
  chunks?: readonly Chunk[];
  items: number;
  /**
   * A file holding exactly these bytes, which the cache keeps (output/cache-file.ts): writeOutput
   * links it into place (a hard link, so the bytes are on disk once) instead of writing them again.
   */
  copyAt?: string;
}
