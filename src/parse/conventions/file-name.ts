// What a post's file name says under a convention: the slug, and the date of a
// `2024-01-31-slug.md` name (or `2024-01-31-slug/index.md` bundle folder).
import path from 'node:path';
import type { Convention } from './convention.js';

export interface PostName {
  /** The URL segment the file name gives, in the convention's style (checked later, in identity/). */
  slug: string;
  /** `YYYY-MM-DD` from the name, when it starts with one. */
  date?: string;
}

const DATE_PREFIX = /^(\d{4}-\d{1,2}-\d{1,2})[-_]/;

/** Jekyll's title for a post without one: its slug's words, capitalized. */
export function titleFromName(name: PostName): string {
  return name.slug
    .split(/[-_]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}

export function postName(file: string, convention: Pick<Convention, 'bundles' | 'slugStyle'>): PostName {
  const extension = path.extname(file);
  let stem = path.basename(file, extension);
  if (convention.bundles && stem === 'index') {
    const folder = path.basename(path.dirname(file));
    if (folder && folder !== '.' && folder !== '..') stem = folder;
  }
  const dated = DATE_PREFIX.exec(stem);
  const name = dated ? stem.slice(dated[0].length) : stem;
  return { slug: styleSlug(name, convention.slugStyle), ...(dated ? { date: dated[1] } : {}) };
}

/**
 * A name as the generator puts it in URLs. Jekyll keeps case and turns what URLs cannot carry
 * into hyphens; Hugo, Zola and Astro also lower-case. 'as-written' leaves the name to be checked.
 */
export function styleSlug(name: string, style: Convention['slugStyle']): string {
  if (style === 'as-written') return name;
  const hyphenated = name
    .replace(/[^\p{L}\p{N}._~-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._~]+|-+$/g, '');
  return style === 'lowercase' ? hyphenated.toLowerCase() : hyphenated;
}
