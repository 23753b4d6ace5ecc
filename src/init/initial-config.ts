// The config `postfeed init` proposes: every value the site's own config gave that passes postfeed's
// rules, the generator's conventions for the rest, placeholders where neither knows — and the lines
// that tell the user which is which.
import type { z } from 'zod';
import { resolveConfig } from '../config/resolve.js';
import { AuthorSchema, ConfigSchema } from '../config/schema.js';
import type { ConventionName } from '../parse/conventions/index.js';
import { canonicalLanguageTag } from '../parse/values.js';
import type { SiteFiles } from '../source/site-files.js';
import type { Detection } from './detect.js';
import type { Found, SiteSettings } from './site-config.js';
import { SITE_LAYOUTS } from './site-layouts.js';

const SCHEMA_REFERENCE = './node_modules/postfeed/postfeed.schema.json';
const PLACEHOLDER_BASE_URL = 'https://example.org/';

type SiteKey = 'title' | 'baseUrl' | 'description' | 'language' | 'timeZone';

/** The config's keys in the order they are written. */
const KEY_ORDER = ['$schema', 'title', 'baseUrl', 'description', 'language', 'author', 'timeZone', 'conventions', 'posts', 'permalink', 'authors'] as const;
type ConfigKey = (typeof KEY_ORDER)[number];

export interface InitialConfig {
  generator: ConventionName;
  /** The file that decided the generator; absent for a plain folder. */
  decidedBy?: string;
  /** The config as written, keys in a stable order. */
  config: Record<string, unknown>;
  /** The config file's text: JSON, two-space indent, final newline. */
  text: string;
  /** What was detected, each value and where it came from, and what to check. */
  lines: string[];
}

interface Entry {
  value: unknown;
  /** Where the value came from: a file and key, or a convention. */
  origin: string;
}

export function initialConfig(detection: Detection, settings: SiteSettings, site: SiteFiles, siteName: string): InitialConfig {
  const layout = SITE_LAYOUTS[detection.generator];
  const entries = new Map<ConfigKey, Entry>();
  const checks: string[] = [...settings.notes];
  const set = (key: ConfigKey, value: unknown, origin: string) => entries.set(key, { value, origin });
  /** The site's value for `key` if postfeed accepts it; else `fallback`, with a check saying why. */
  const fromSite = (key: SiteKey, fallback?: { value: string; absent: string }): string | undefined => {
    const found = settings[key];
    const checked = found && accepted(ConfigSchema.shape[key], found);
    if (checked && 'value' in checked) {
      const value = key === 'language' ? canonicalLanguage(checked.value) : checked.value;
      set(key, value, found!.from);
      return value;
    }
    const refused = checked && `${JSON.stringify(found.value)} from ${found.from} ${checked.problem}`;
    if (fallback) set(key, fallback.value, 'placeholder');
    if (refused) checks.push(`${key}: ${refused}; ${fallback ? `${JSON.stringify(fallback.value)} stands in` : 'left out'}`);
    else if (fallback) checks.push(`${key}: ${fallback.absent}`);
    return fallback?.value;
  };

  set('$schema', SCHEMA_REFERENCE, 'editor completion');
  // The folder's name stands in for a missing title, unless a title may not be written that way.
  const nameAsTitle = 'value' in accepted(ConfigSchema.shape.title, { value: siteName, from: '' }) ? siteName : 'My site';
  const title = fromSite('title', { value: nameAsTitle, absent: `no site title found; ${JSON.stringify(nameAsTitle)} stands in` })!;
  fromSite('baseUrl', { value: PLACEHOLDER_BASE_URL, absent: 'no site URL found; set the address the site is published at' });
  fromSite('description');
  fromSite('language', { value: 'en', absent: 'no language found; "en" is a guess' });
  const author = siteAuthor(settings.author, title, checks);
  set('author', author.value, author.origin);
  fromSite('timeZone', { value: 'UTC', absent: 'no time zone found; dates written without one are read in UTC' });
  set('conventions', detection.generator, 'decidedBy' in detection ? `detected from ${detection.decidedBy}` : 'no generator detected');
  const posts = postsFolder(settings.postsFolders ?? layout.postsFolders, site);
  set('posts', posts.folder, posts.origin);
  if (posts.check) checks.push(`posts: ${posts.check}`);
  const permalink = sitePermalink(settings, posts.folder, checks) ?? { value: layout.permalink(posts.folder), origin: `${layout.label}'s default` };
  set('permalink', permalink.value, permalink.origin);
  if (layout.authorsFile && site.get(layout.authorsFile)?.kind === 'file') set('authors', layout.authorsFile, 'found');

  const config = Object.fromEntries(KEY_ORDER.flatMap((key) => (entries.has(key) ? [[key, entries.get(key)!.value]] : [])));
  assertValid(config);
  return {
    generator: detection.generator,
    ...('decidedBy' in detection ? { decidedBy: detection.decidedBy } : {}),
    config,
    text: `${JSON.stringify(config, null, 2)}\n`,
    lines: reportLines(detection, layout.label, entries, checks),
  };
}

/** The value in the form the schema gives it (canonical URL, collapsed white space), or why it refuses it. */
function accepted(schema: z.ZodType, found: Found): { value: string } | { problem: string } {
  const result = schema.safeParse(found.value);
  if (result.success) return { value: String(result.data) };
  const message = result.error.issues[0]?.message ?? 'is not valid';
  // URL messages start by quoting the value, which the check already shows.
  const quoted = JSON.stringify(found.value);
  return { problem: message.startsWith(quoted) ? message.slice(quoted.length).trimStart() : message };
}

/** The canonical form of a tag the schema accepted (`en-us` → `en-US`), as resolve.ts writes it. */
function canonicalLanguage(tag: string): string {
  const result = canonicalLanguageTag(tag);
  return 'tag' in result ? result.tag : tag;
}

/** The site's author, each part checked by the schema's rule; without a valid name, the title stands in. */
function siteAuthor(author: SiteSettings['author'], title: string, checks: string[]): Entry {
  const field = (key: 'name' | 'email' | 'url'): string | undefined => {
    const found = author?.[key];
    const checked = found && accepted(AuthorSchema.shape[key], found);
    if (checked && 'problem' in checked) checks.push(`author.${key}: ${JSON.stringify(found.value)} from ${found.from} ${checked.problem}; left out`);
    return checked && 'value' in checked ? checked.value : undefined;
  };
  const name = field('name');
  const email = field('email');
  const url = field('url');
  if (name === undefined) checks.push('author: no author name found; the site title stands in (every feed item needs an author)');
  return { value: { name: name ?? title, ...(email ? { email } : {}), ...(url ? { url } : {}) }, origin: name ? author!.name!.from : 'placeholder' };
}

/** The first candidate that holds posts, else the first that exists, else the first named. */
function postsFolder(candidates: readonly string[], site: SiteFiles): { folder: string; origin: string; check?: string } {
  const folder = (path: string) => site.get(path);
  const withPosts = candidates.find((candidate) => {
    const entry = folder(candidate);
    return entry?.kind === 'folder' && entry.hasPosts;
  });
  if (withPosts) return { folder: withPosts, origin: 'holds posts' };
  const existing = candidates.find((candidate) => folder(candidate)?.kind === 'folder');
  if (existing) return { folder: existing, origin: 'exists', check: `${existing}/ holds no posts yet` };
  return { folder: candidates[0]!, origin: 'placeholder', check: `none of ${candidates.map((candidate) => `${candidate}/`).join(', ')} exists; set the folder your posts are in` };
}

function sitePermalink(settings: SiteSettings, folder: string, checks: string[]): Entry | undefined {
  const translated = settings.permalink?.(folder);
  if (!translated) return undefined;
  checks.push(...translated.notes);
  if (translated.permalink === undefined) return undefined;
  const found = { value: translated.permalink, from: translated.from };
  const checked = accepted(ConfigSchema.shape.permalink, found);
  if ('value' in checked) return { value: checked.value, origin: translated.from };
  checks.push(`permalink: ${JSON.stringify(found.value)} from ${found.from} ${checked.problem}; the convention's default stands in`);
  return undefined;
}

/** Every value was checked on its own; the whole must pass exactly as `build` will check it. */
function assertValid(config: Record<string, unknown>): void {
  const resolved = resolveConfig(config);
  if (!resolved.ok) throw new Error(`init proposed an invalid config: ${resolved.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`);
}

function reportLines(detection: Detection, label: string, entries: ReadonlyMap<ConfigKey, Entry>, checks: readonly string[]): string[] {
  const lines = ['decidedBy' in detection ? `Detected ${label} (decided by ${detection.decidedBy}).` : 'No site generator detected: a plain folder of posts.'];
  for (const [key, entry] of entries) {
    if (key === '$schema') continue;
    lines.push(`  ${key.padEnd(12)} ${JSON.stringify(entry.value).padEnd(40)} ${entry.origin}`);
  }
  if (checks.length > 0) lines.push('Check before the first build:', ...checks.map((check) => `  - ${check}`));
  return lines;
}
