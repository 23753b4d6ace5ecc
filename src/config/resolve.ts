// Config file data + flags + environment → the validated config and the Site every format
// writes. The one place where baseUrl is normalized and site URLs are resolved.
import type { Author, Site } from '../model.js';
import { canonicalLanguageTag, httpUrl } from '../parse/values.js';
import { ConfigSchema, type Config } from './schema.js';

/** Values that command-line flags and the environment put over the config file (already checked by the CLI). */
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

export type ConfigResult = { ok: true; config: Config; site: Site } | { ok: false; issues: ConfigIssue[] };

/** Validates raw config data (parsed JSON) with the overrides applied on top. */
export function resolveConfig(raw: unknown, overrides: ConfigOverrides = {}): ConfigResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, issues: [{ field: '(root)', message: 'the config must be a JSON object' }] };
  }
  const merged: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) merged[key] = value;
  }
  const parsed = ConfigSchema.safeParse(merged, { reportInput: true });
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((issue) => ({
        field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
        message: configIssueMessage(issue),
      })),
    };
  }
  const config = parsed.data;
  // Already in its canonical form (config/values.ts); permalinks and relative URLs resolve below it.
  const baseUrl = config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`;
  const issues: ConfigIssue[] = [];
  const siteUrl = (field: 'icon' | 'logo'): string | undefined => {
    const reference = config[field];
    if (reference === undefined) return undefined;
    let absolute: string;
    try {
      absolute = new URL(reference, baseUrl).href;
    } catch {
      issues.push({ field, message: `"${reference}" is not a URL or a path relative to baseUrl` });
      return undefined;
    }
    const result = httpUrl(absolute);
    if ('problem' in result) issues.push({ field, message: `"${reference}" ${result.problem}; use a path relative to baseUrl or an http(s) URL` });
    return 'url' in result ? result.url : undefined;
  };
  const icon = siteUrl('icon');
  const logo = siteUrl('logo');
  if (issues.length > 0) return { ok: false, issues };
  const site: Site = {
    title: config.title,
    baseUrl,
    description: config.description,
    language: canonicalLanguage(config.language),
    author: siteAuthor(config),
    ...(config.copyright ? { copyright: config.copyright } : {}),
    ...(icon ? { icon } : {}),
    ...(logo ? { logo } : {}),
    generator: 'postfeed',
  };
  return { ok: true, config, site };
}

/** zod's wording, made to read like the rest of postfeed's messages. */
function configIssueMessage(issue: { code: string; message: string; keys?: string[]; expected?: unknown; input?: unknown }): string {
  if (issue.code === 'unrecognized_keys') return `unknown key(s): ${(issue.keys ?? []).join(', ')}`;
  if (issue.code === 'invalid_type') {
    const found = issue.input === undefined ? 'nothing' : issue.input === null ? 'null' : Array.isArray(issue.input) ? 'a list' : typeof issue.input;
    return issue.input === undefined ? 'is required' : `must be ${article(String(issue.expected))}, found ${found}`;
  }
  return issue.message;
}

function article(type: string): string {
  const names: Record<string, string> = { string: 'text', number: 'a number', int: 'a whole number', object: 'an object', boolean: 'true or false', array: 'a list' };
  return names[type] ?? type;
}

function siteAuthor(config: Config): Author {
  const { name, email, url } = config.author;
  return { name, ...(email ? { email } : {}), ...(url ? { url } : {}) };
}

/** The canonical form of a tag the schema already accepted. */
function canonicalLanguage(tag: string): string {
  const result = canonicalLanguageTag(tag);
  return 'tag' in result ? result.tag : tag;
}
