// The config schema: the single place where every option and its default is defined.
// `postfeed.schema.json` is generated from it (npm run schema) for editor completion.
import { z } from 'zod';
import { CONVENTION_NAMES } from '../parse/conventions/index.js';
import { POST_FIELDS } from '../parse/conventions/convention.js';
import { isValidTimeZone } from '../parse/dates.js';
import { absoluteHttpUrl, checkOutputNames, configLine, configText, emailAddress, languageTag, outputFileName, siteUrlReference } from './values.js';

export const AuthorSchema = z.strictObject({
  name: configLine().pipe(z.string().min(1, 'must not be empty')),
  email: emailAddress.optional(),
  url: absoluteHttpUrl.optional(),
});

/** A front-matter key, dotted for a nested table (`extra.subtitle`). */
const frontMatterKey = z.string().regex(/^[^.\s]+(?:\.[^.\s]+)*$/, 'must be a front-matter key like "newstitle" or "extra.summary"');

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors'),
    title: configLine().pipe(z.string().min(1, 'must not be empty')).describe('Site title: the feed title'),
    baseUrl: absoluteHttpUrl.describe('Absolute URL the output directory is published at; post permalinks and every relative URL resolve against it'),
    description: configText().default('').describe('Site description (RSS channel description, Atom subtitle)'),
    language: languageTag.default('en').describe('BCP 47 language of the site'),
    author: AuthorSchema.describe('Default author for posts that name none'),
    copyright: configText().optional().describe('Copyright notice (RSS copyright, Atom rights)'),
    icon: siteUrlReference.optional().describe('Small square icon (Atom icon, JSON Feed favicon); relative to baseUrl or absolute'),
    logo: siteUrlReference.optional().describe('Larger image (RSS image, Atom logo, JSON Feed icon); relative to baseUrl or absolute'),
    permalink: z
      .string()
      .regex(/^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@\/]|%[0-9A-Fa-f]{2})*$/, 'must be a path starting with "/" of URL-safe characters, like "/posts/:slug/"')
      .refine((value) => value.includes(':slug'), 'must contain :slug so every post gets its own URL')
      // Every post URL must stay below baseUrl: no "//" (a host), no "." or ".." segments.
      .refine(
        (value) => !value.includes('//') && !value.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment)),
        'must stay below baseUrl: no "//", "." or ".." path segments (nor %2e%2e)',
      )
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
    conventions: z
      .enum(CONVENTION_NAMES)
      .default('plain')
      .describe("Whose posts these are: which files are posts, which keys mean what, which template syntax bodies carry (see README: Existing sites)"),
    fields: z
      .strictObject(Object.fromEntries(POST_FIELDS.map((field) => [field, frontMatterKey.optional()])) as Record<(typeof POST_FIELDS)[number], z.ZodOptional<typeof frontMatterKey>>)
      .default({})
      .describe('Site-specific front-matter keys read for a field, like { "title": "newstitle", "date": "publishedDate" }'),
    authors: z
      .union([z.string().min(1, 'must not be empty'), z.record(z.string().min(1), AuthorSchema)])
      .optional()
      .describe('Authors posts name by key: a map from key to {name, email, url}, or the path of a YAML/JSON file of that shape (Docusaurus authors.yml)'),
    exclude: z
      .array(z.string().min(1, 'must not be empty'))
      .default([])
      .describe('Glob patterns (*, **, ?) of files under the posts folder that are not posts, like ["blog.md", "drafts/**"]'),
    out: z.string().min(1).default('dist').describe('Output folder'),
    ledger: z
      .string()
      .min(1, 'must not be empty')
      .default('postfeed.lock.json')
      .describe('The id ledger: the committed file that keeps every published post\'s id, relative to the working directory (see README: The id ledger)'),
    output: z
      .strictObject({
        rss: outputFileName.default('rss.xml'),
        atom: outputFileName.default('atom.xml'),
        json: outputFileName.default('feed.json'),
      })
      .superRefine(checkOutputNames)
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
    check: z
      .strictObject({
        // The W3C Feed Validation Service refuses a feed larger than this.
        maxFeedBytes: z.int().min(1).default(5 * 1024 * 1024),
      })
      .default({ maxFeedBytes: 5 * 1024 * 1024 })
      .describe('What `postfeed check` holds the built feeds to'),
  })
  .describe('postfeed configuration');

export type ConfigInput = z.input<typeof ConfigSchema>;
export type Config = z.output<typeof ConfigSchema>;

