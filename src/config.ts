// The config schema: the single place where every option and its default is defined.
// `postfeed.schema.json` is generated from it (npm run schema) for editor completion.
import { z } from 'zod';
import type { Author } from './model.js';
import { isValidTimeZone } from './parse/dates.js';

const absoluteHttpUrl = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: 'must be an absolute http(s) URL, like "https://example.com/"' },
);

const languageTag = z.string().refine(
  (value) => {
    try {
      return Intl.getCanonicalLocales(value).length === 1;
    } catch {
      return false;
    }
  },
  { message: 'must be a BCP 47 language tag, like "en" or "en-GB"' },
);

const fileName = z
  .string()
  .regex(/^[A-Za-z0-9._-]+$/, 'must be a plain file name (letters, digits, ".", "_", "-"), no directories')
  .refine((name) => name !== '.' && name !== '..', 'must be a plain file name');

export const AuthorSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty'),
  email: z.email().optional(),
  url: absoluteHttpUrl.optional(),
});

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors'),
    title: z.string().trim().min(1, 'must not be empty').describe('Site title: the feed title'),
    baseUrl: absoluteHttpUrl.describe('Absolute URL the output directory is published at; post permalinks and every relative URL resolve against it'),
    description: z.string().default('').describe('Site description (RSS channel description, Atom subtitle)'),
    language: languageTag.default('en').describe('BCP 47 language of the site'),
    author: AuthorSchema.describe('Default author for posts that name none'),
    copyright: z.string().optional().describe('Copyright notice (RSS copyright, Atom rights)'),
    icon: z.string().optional().describe('Small square icon (Atom icon, JSON Feed favicon); relative to baseUrl or absolute'),
    logo: z.string().optional().describe('Larger image (RSS image, Atom logo, JSON Feed icon); relative to baseUrl or absolute'),
    permalink: z
      .string()
      .regex(/^\/[^?#\s]*$/, 'must be a path starting with "/", like "/posts/:slug/"')
      .refine((value) => value.includes(':slug'), 'must contain :slug so every post gets its own URL')
      // Dated by default: archives reuse slugs across years, and news URLs conventionally carry the date.
      .default('/:year/:month/:day/:slug/')
      .describe('URL path of each post, relative to baseUrl; tokens :slug :year :month :day (the date in timeZone)'),
    limit: z.int().min(0, 'must be 0 (all posts) or more').default(20).describe('How many newest posts each feed carries; 0 means all'),
    content: z.enum(['full', 'summary']).default('full').describe('"full": HTML content plus summary; "summary": summary only'),
    timeZone: z
      .string()
      .refine(isValidTimeZone, 'must be an IANA time zone name, like "UTC" or "Europe/Moscow"')
      .default('UTC')
      .describe('Time zone for dates written without an offset'),
    posts: z.string().min(1).default('posts').describe('Folder of Markdown posts'),
    out: z.string().min(1).default('dist').describe('Output folder'),
    output: z
      .strictObject({
        rss: fileName.default('rss.xml'),
        atom: fileName.default('atom.xml'),
        json: fileName.default('feed.json'),
      })
      .default({ rss: 'rss.xml', atom: 'atom.xml', json: 'feed.json' })
      .describe('Output file names inside the output folder'),
    limits: z
      .strictObject({
        maxFileBytes: z.int().min(1).default(10 * 1024 * 1024),
        maxTitleLength: z.int().min(1).default(1000),
        maxTags: z.int().min(0).default(100),
        maxPosts: z.int().min(1).default(1_000_000),
        // V8 strings end at about 536 million characters; no reader fetches a feed near that size.
        maxFeedCharacters: z.int().min(1).max(500_000_000).default(400_000_000),
      })
      .default({ maxFileBytes: 10 * 1024 * 1024, maxTitleLength: 1000, maxTags: 100, maxPosts: 1_000_000, maxFeedCharacters: 400_000_000 })
      .describe('Size limits that stop hostile or broken input early with a clear error'),
  })
  .describe('postfeed configuration');

export type ConfigInput = z.input<typeof ConfigSchema>;
export type Config = z.output<typeof ConfigSchema>;

/** Values that command-line flags and the environment put over the config file. */
export interface ConfigOverrides {
  baseUrl?: string;
  limit?: number;
  posts?: string;
  out?: string;
}

export interface ConfigIssue {
  field: string;
  message: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; issues: ConfigIssue[] };

/** Validates raw config data (parsed JSON) with the overrides applied on top. */
export function resolveConfig(raw: unknown, overrides: ConfigOverrides = {}): ConfigResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, issues: [{ field: '(root)', message: 'the config must be a JSON object' }] };
  }
  const merged: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) merged[key] = value;
  }
  const parsed = ConfigSchema.safeParse(merged);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
      message: issue.code === 'unrecognized_keys' ? `unknown key(s): ${issue.keys.join(', ')}` : issue.message,
    })),
  };
}

export function siteAuthor(config: Config): Author {
  const { name, email, url } = config.author;
  return { name, ...(email ? { email } : {}), ...(url ? { url } : {}) };
}
