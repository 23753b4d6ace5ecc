// What the generators share, so each generator's table says only how it differs: front matter a
// generator lets pass is read leniently, common key names are understood, Markdown extensions
// (`{#id}`, `:::note`) are rewritten, and an unusable image costs the enclosure, not the build.
import type { Convention, PostField } from './convention.js';

type Differences = Partial<Omit<Convention, 'keys'>> & { name: string; keys?: Partial<Record<PostField, readonly string[]>> };

const SHARED: Omit<Convention, 'name'> = {
  extensions: ['.md', '.markdown'],
  listPages: [],
  bundles: true,
  bundleResources: false,
  dateInName: false,
  keys: {
    title: ['title'],
    date: ['date'],
    updated: ['updated', 'lastmod', 'modified'],
    summary: ['description', 'summary', 'excerpt'],
    authors: ['author', 'authors'],
    tags: ['tags', 'categories', 'category'],
    image: ['image', 'cover'],
    slug: ['slug'],
    id: ['id'],
    draft: ['draft'],
    lang: ['lang'],
  },
  oneKeyPerField: false,
  strictValues: false,
  caseInsensitiveKeys: false,
  permalinkKeys: [],
  hiddenWhen: [],
  publishKeys: [],
  expiryKeys: [],
  authorUrlKeys: [],
  ignored: ['layout', 'keywords', 'featured', 'series', 'toc'],
  summarySeparators: ['more'],
  tagsSeparatedBySpaces: false,
  slugStyle: 'as-written',
  lowercasePaths: false,
  urlDateInTimeZone: false,
  untitled: 'heading-with-warning',
  unusableImage: 'warning',
  bodySyntax: ['markdown-extensions'],
};

/** A generator's convention: the shared rules with its differences; its own ignored keys add to the shared ones. */
export function generator({ keys, ignored = [], ...differences }: Differences): Convention {
  return { ...SHARED, ...differences, keys: { ...SHARED.keys, ...keys }, ignored: [...SHARED.ignored, ...ignored] };
}
