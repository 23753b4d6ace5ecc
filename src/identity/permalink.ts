// The post's URL: the permalink pattern expanded under the base URL.
import type { CalendarDate } from '../model.js';

/**
 * Expands the permalink pattern (`/:year/:month/:day/:slug/`) against the base URL (which ends in
 * `/`). The date parts are the date as written (as in a Jekyll file name), not converted to
 * another zone: a post written at 01:00 +03:00 on 1 July stays under /07/01/.
 */
export function buildPermalink(pattern: string, baseUrl: string, slug: string, date: CalendarDate): string {
  const pathPart = pattern
    .replace(/:year/g, date.year)
    .replace(/:month/g, date.month)
    .replace(/:day/g, date.day)
    .replace(/:slug/g, encodeURIComponent(slug));
  return new URL(pathPart.replace(/^\/+/, ''), baseUrl).href;
}
