// Which feed files a build writes: one document per format today (the main feed), each knowing
// its format, path and links. Tag feeds and archives become more documents here.
import type { Config } from '../config/schema.js';
import { FORMAT_NAMES } from '../formats/registry.js';
import type { FeedDocument, FeedFormat, ItemFragments, Post, RenderedItem, Site } from '../model.js';

/** `items`: each item's fragments, in feed order; `updated`: the feeds' date (see feedDate). */
export function planFeeds(site: Site, config: Config, items: readonly ItemFragments[], updated: Date): FeedDocument[] {
  return FORMAT_NAMES.map((format) => ({
    format,
    path: config.output[format],
    site,
    items: items.map((fragments) => fragments[format]),
    links: { self: feedUrl(site, config, format), alternate: site.baseUrl },
    updated,
  }));
}

/** Where a main feed is published: its self link (`atom:link rel="self"`, `feed_url`). */
export function feedUrl(site: Site, config: Config, format: FeedFormat): string {
  return new URL(config.output[format], site.baseUrl).href;
}

/** The feeds' date: their newest item's (or, for an empty feed, the newest post's), never the clock. */
export function feedDate(items: ReadonlyArray<Pick<RenderedItem, 'date' | 'updated'>>, posts: readonly Post[]): Date {
  return newestDate(items.length > 0 ? items : posts);
}

function newestDate(entries: ReadonlyArray<{ date: Date; updated?: Date }>): Date {
  let newest = 0;
  for (const entry of entries) newest = Math.max(newest, (entry.updated ?? entry.date).getTime());
  return new Date(newest);
}
