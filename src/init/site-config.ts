// What a site's own config says about it, one reader per generator. YAML, TOML and JSON are parsed
// as data; JavaScript and TypeScript configs are only searched for literal strings (script-literals.ts).
// Values come back as written, with the file and key they came from; init.ts checks them.
import { parse as parseToml } from 'smol-toml';
import { parseDocument } from 'yaml';
import type { SiteFiles } from '../source/site-files.js';
import type { Detection } from './detect.js';
import { hugoPermalink, jekyllPermalink, type TranslatedPermalink } from './permalinks.js';
import { literalString, objectLiteral, shallowText } from './script-literals.js';

/** A value read from the site, and where: `_config.yml (url + baseurl)`. */
export interface Found {
  value: string;
  from: string;
}

export interface SiteSettings {
  title?: Found;
  baseUrl?: Found;
  description?: Found;
  language?: Found;
  timeZone?: Found;
  author?: { name?: Found; email?: Found; url?: Found };
  /** Posts folders the site's config names; they replace the convention's candidates. */
  postsFolders?: string[];
  /** The site's own permalink setting for a posts folder, when it has one. */
  permalink?: (folder: string) => (TranslatedPermalink & { from: string }) | undefined;
  /** What could not be read, to show the user. */
  notes: string[];
}

type Data = Record<string, unknown>;

/** Files other than the generator's config that the readers below take values from. */
export const SETTINGS_FILES = ['_data/metadata.json', '_data/metadata.js', 'src/_data/metadata.json', 'src/_data/metadata.js', 'src/consts.ts'];

const READERS: Record<Exclude<Detection['generator'], 'plain'>, (site: SiteFiles, file: string) => SiteSettings> = {
  jekyll: readJekyll,
  hugo: readHugo,
  zola: readZola,
  astro: readAstro,
  docusaurus: readDocusaurus,
  eleventy: readEleventy,
  gatsby: readGatsby,
  // next.config.* configures the framework, not the site: nothing there to read.
  next: () => ({ notes: [] }),
};

/** The generator's reader, given the file that decided it; a plain folder has no config to read. */
export function readSiteSettings(detection: Detection, site: SiteFiles): SiteSettings {
  return 'decidedBy' in detection ? READERS[detection.generator](site, detection.decidedBy) : { notes: [] };
}

function readJekyll(site: SiteFiles, file: string): SiteSettings {
  const parsed = parseData(site, file);
  if ('note' in parsed) return { notes: [parsed.note] };
  const { data } = parsed;
  const from = (key: string) => `${file} (${key})`;
  const url = text(data.url);
  const baseurl = text(data.baseurl);
  // Posts folders stay inside the site: a collections_dir with ".." is not followed.
  const collections = pathSegments(text(data.collections_dir) ?? '');
  const collectionsLeaveSite = collections.includes('..');
  const permalink = text(data.permalink);
  return {
    title: found(text(data.title), from('title')),
    description: found(text(data.description), from('description')),
    baseUrl: found(url === undefined ? undefined : joinUrl(url, baseurl), from(baseurl ? 'url + baseurl' : 'url')),
    language: found(text(data.lang), from('lang')),
    timeZone: found(text(data.timezone), from('timezone')),
    author: authorOf(data.author, 'author', from, found(text(data.email), from('email'))),
    ...(collections.length > 0 && !collectionsLeaveSite ? { postsFolders: [[...collections, '_posts'].join('/')] } : {}),
    ...(permalink ? { permalink: () => ({ ...jekyllPermalink(permalink), from: from('permalink') }) } : {}),
    notes: collectionsLeaveSite ? [`${from('collections_dir')}: leaves the site's folder; ignored`] : [],
  };
}

function readHugo(site: SiteFiles, file: string): SiteSettings {
  const parsed = parseData(site, file);
  if ('note' in parsed) return { notes: [parsed.note] };
  // Hugo's keys are case-insensitive: baseURL, baseurl and BaseURL are one key.
  const get = (data: unknown, key: string): unknown => {
    if (!isRecord(data)) return undefined;
    const written = Object.keys(data).find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    return written === undefined ? undefined : data[written];
  };
  const { data } = parsed;
  const params = get(data, 'params');
  const from = (key: string) => `${file} (${key})`;
  const paramsAuthor = get(params, 'author');
  return {
    title: found(text(get(data, 'title')), from('title')),
    baseUrl: found(text(get(data, 'baseURL')), from('baseURL')),
    language: found(text(get(data, 'languageCode')), from('languageCode')),
    description: found(text(get(params, 'description')), from('params.description')),
    timeZone: found(text(get(data, 'timeZone')), from('timeZone')),
    author: paramsAuthor !== undefined ? authorOf(paramsAuthor, 'params.author', from) : authorOf(get(data, 'author'), 'author', from),
    permalink: (folder) => {
      // Permalinks are set per section; posts right in content/ are in none.
      if (!folder.startsWith('content/')) return undefined;
      const section = folder.slice('content/'.length);
      const permalinks = get(data, 'permalinks');
      // Hugo ≥ 0.120 may also nest them by page kind: [permalinks.page].
      const settings = [[`permalinks.${section}`, get(permalinks, section)], [`permalinks.page.${section}`, get(get(permalinks, 'page'), section)]] as const;
      for (const [key, setting] of settings) {
        const pattern = text(setting);
        if (pattern) return { ...hugoPermalink(pattern, section), from: from(key) };
      }
      return undefined;
    },
    notes: [],
  };
}

function readZola(site: SiteFiles, file: string): SiteSettings {
  const parsed = parseData(site, file);
  if ('note' in parsed) return { notes: [parsed.note] };
  const { data } = parsed;
  const from = (key: string) => `${file} (${key})`;
  return {
    title: found(text(data.title), from('title')),
    baseUrl: found(text(data.base_url), from('base_url')),
    description: found(text(data.description), from('description')),
    language: found(text(data.default_language), from('default_language')),
    author: authorOf(data.author, 'author', from),
    notes: [],
  };
}

function readAstro(site: SiteFiles, file: string): SiteSettings {
  const code = scriptText(site, file);
  if ('note' in code) return { notes: [code.note] };
  // The Astro blog template keeps the title and description as constants in src/consts.ts.
  const consts = site.get('src/consts.ts');
  const constants = consts?.kind === 'file' ? (consts.text ?? '') : '';
  return {
    baseUrl: found(literalString(code.text, 'site'), `${file} (site)`),
    title: found(literalString(constants, 'SITE_TITLE', '='), 'src/consts.ts (SITE_TITLE)'),
    description: found(literalString(constants, 'SITE_DESCRIPTION', '='), 'src/consts.ts (SITE_DESCRIPTION)'),
    notes: [],
  };
}

function readDocusaurus(site: SiteFiles, file: string): SiteSettings {
  const code = scriptText(site, file);
  if ('note' in code) return { notes: [code.note] };
  // The config object's own keys, not the navbar's title or a plugin's url.
  const config = shallowText(code.text, 1);
  const url = literalString(config, 'url');
  const baseUrl = literalString(config, 'baseUrl');
  return {
    baseUrl: found(url === undefined ? undefined : joinUrl(url, baseUrl), `${file} (${baseUrl ? 'url + baseUrl' : 'url'})`),
    title: found(literalString(config, 'title'), `${file} (title)`),
    description: found(literalString(config, 'tagline'), `${file} (tagline)`),
    notes: [],
  };
}

/** The eleventy-base-blog keeps site metadata in _data/metadata.js(on), beside or below src/. */
function readEleventy(site: SiteFiles): SiteSettings {
  for (const folder of ['_data', 'src/_data']) {
    const json = `${folder}/metadata.json`;
    if (site.get(json)?.kind === 'file') {
      const parsed = parseData(site, json);
      if ('note' in parsed) return { notes: [parsed.note] };
      const { data } = parsed;
      const from = (key: string) => `${json} (${key})`;
      return {
        title: found(text(data.title), from('title')),
        baseUrl: found(text(data.url), from('url')),
        description: found(text(data.description), from('description')),
        language: found(text(data.language), from('language')),
        author: authorOf(data.author, 'author', from),
        notes: [],
      };
    }
    const script = `${folder}/metadata.js`;
    if (site.get(script)?.kind === 'file') {
      const code = scriptText(site, script);
      if ('note' in code) return { notes: [code.note] };
      return { ...literalSiteMetadata(shallowText(code.text, 1), code.text, (key) => `${script} (${key})`, { baseUrl: 'url', language: 'language' }), notes: [] };
    }
  }
  return { notes: [] };
}

function readGatsby(site: SiteFiles, file: string): SiteSettings {
  const code = scriptText(site, file);
  if ('note' in code) return { notes: [code.note] };
  const metadata = objectLiteral(code.text, 'siteMetadata');
  if (metadata === undefined) return { notes: [`${file}: no siteMetadata: { … } found`] };
  return { ...literalSiteMetadata(shallowText(metadata, 0), metadata, (key) => `${file} (siteMetadata.${key})`, { baseUrl: 'siteUrl' }), notes: [] };
}

/**
 * title, description, the URL and author (a name, or `{ name, email, url }`) as literals: the
 * metadata object's own keys from `shallow` (nested objects blanked), the author's from `code`.
 */
function literalSiteMetadata(shallow: string, code: string, from: (key: string) => string, keys: { baseUrl: string; language?: string }): Omit<SiteSettings, 'notes'> {
  const author = objectLiteral(code, 'author');
  return {
    title: found(literalString(shallow, 'title'), from('title')),
    description: found(literalString(shallow, 'description'), from('description')),
    baseUrl: found(literalString(shallow, keys.baseUrl), from(keys.baseUrl)),
    ...(keys.language ? { language: found(literalString(shallow, keys.language), from(keys.language)) } : {}),
    author:
      author === undefined
        ? { name: found(literalString(shallow, 'author'), from('author')) }
        : {
            name: found(literalString(author, 'name'), from('author.name')),
            email: found(literalString(author, 'email'), from('author.email')),
            url: found(literalString(author, 'url'), from('author.url')),
          },
  };
}

// ---------------------------------------------------------------------------------------------

function parseData(site: SiteFiles, file: string): { data: Data } | { note: string } {
  const source = scriptText(site, file);
  if ('note' in source) return source;
  let data: unknown;
  try {
    if (file.endsWith('.toml')) data = parseToml(source.text);
    else if (file.endsWith('.json')) data = JSON.parse(source.text);
    else {
      // Plain data: the YAML library's default limits on aliases, and no custom tags registered.
      const document = parseDocument(source.text, { schema: 'core', uniqueKeys: false });
      const error = document.errors[0];
      if (error) throw error;
      data = document.toJS({ maxAliasCount: 100 });
    }
  } catch (error) {
    return { note: `${file}: could not be read (${(error as Error).message.split('\n')[0]}); its values are placeholders` };
  }
  return isRecord(data) ? { data } : { note: `${file}: is not a mapping of keys to values; its values are placeholders` };
}

function scriptText(site: SiteFiles, file: string): { text: string } | { note: string } {
  const entry = site.get(file);
  if (entry?.kind !== 'file' || entry.text === undefined) return { note: `${file}: could not be read (unreadable or over 1 MB); its values are placeholders` };
  return { text: entry.text };
}

function isRecord(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string or number as text, trimmed; nothing for empty values, lists, tables and dates. */
function text(value: unknown): string | undefined {
  const written = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
  return written ? written : undefined;
}

function found(value: string | undefined, from: string): Found | undefined {
  return value === undefined ? undefined : { value, from };
}

/** A site URL plus a path prefix (Jekyll's baseurl, Docusaurus' baseUrl), ending in "/". */
function joinUrl(url: string, prefix: string | undefined): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return `${[url.slice(0, end), ...pathSegments(prefix ?? '')].join('/')}/`;
}

/** The non-empty segments of a path; split, not /^\/+|\/+$/, which is quadratic on a long run of slashes. */
function pathSegments(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** An author written as a name or as `{ name, email, url }`; `email` is the site's own address, if any. */
function authorOf(value: unknown, key: string, from: (key: string) => string, email?: Found): SiteSettings['author'] {
  if (isRecord(value)) {
    return {
      name: found(text(value.name), from(`${key}.name`)),
      email: found(text(value.email), from(`${key}.email`)) ?? email,
      url: found(text(value.url), from(`${key}.url`)),
    };
  }
  return { name: found(text(value), from(key)), email };
}
