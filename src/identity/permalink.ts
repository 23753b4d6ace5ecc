// The post's URL: the permalink pattern expanded under the base URL, or the path the post sets.
import type { CalendarDate } from '../model.js';

export interface PermalinkParts {
  slug: string;
  date: CalendarDate;
  /** Jekyll categories: `:categories` becomes them joined by `/`, lower case (nothing when none). */
  categories: readonly string[];
}

/**
 * Expands the permalink pattern (`/:year/:month/:day/:slug/`) against the base URL (which ends in
 * `/`). The date parts are the calendar date the caller chose: as written by default (a post
 * written at 01:00 +03:00 on 1 July stays under /07/01/), in the site's zone under Jekyll.
 */
export function buildPermalink(pattern: string, baseUrl: string, parts: PermalinkParts): string {
  const categories = parts.categories.map((category) => encodeURIComponent(category.toLowerCase())).join('/');
  const pathPart = pattern
    .replace(/:year/g, parts.date.year)
    .replace(/:month/g, parts.date.month)
    .replace(/:day/g, parts.date.day)
    .replace(/:categories/g, categories)
    .replace(/\/{2,}/g, '/')
    .replace(/:slug/g, encodeURIComponent(parts.slug));
  return pathUnder(pathPart, baseUrl);
}

/** A path (`/2023/07/01/x/`) as an absolute URL below the base URL. */
export function pathUnder(pathPart: string, baseUrl: string): string {
  return new URL(pathPart.replace(/^\/+/, ''), baseUrl).href;
}
