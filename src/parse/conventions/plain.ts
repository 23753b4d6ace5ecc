// postfeed's own rules: the keys documented in the README, nothing implied by file names beyond
// the slug, and two keys for one field (description and summary) an error.
import type { Convention } from './convention.js';

export const plain: Convention = {
  name: 'plain',
  extensions: ['.md', '.markdown', '.mdx'],
  listPages: [],
  bundles: false,
  dateInName: false,
  keys: {
    title: ['title'],
    date: ['date'],
    updated: ['updated'],
    summary: ['description', 'summary'],
    authors: ['author', 'authors'],
    tags: ['tags'],
    image: ['image'],
    slug: ['slug'],
    id: ['id'],
    draft: ['draft'],
    lang: ['lang'],
  },
  oneKeyPerField: true,
  caseInsensitiveKeys: false,
  permalinkKeys: [],
  hiddenWhen: [],
  publishKeys: [],
  expiryKeys: [],
  authorUrlKeys: [],
  ignored: [],
  summarySeparators: ['more'],
  tagsSeparatedBySpaces: false,
  slugStyle: 'as-written',
  lowercasePaths: false,
  urlDateInTimeZone: false,
  bodySyntax: [],
};
