// Docusaurus blog (blog/2024-01-31-slug.md or blog/2024-01-31-slug/index.md): authors as keys
// into authors.yml, `<!--truncate-->` and `{/* truncate */}`, MDX in .md and .mdx, `unlisted`.
import type { Convention } from './convention.js';

export const docusaurus: Convention = {
  name: 'docusaurus',
  extensions: ['.md', '.mdx'],
  listPages: [],
  bundles: true,
  dateInName: true,
  keys: {
    title: ['title'],
    date: ['date'],
    updated: ['last_update.date'],
    summary: ['description'],
    authors: ['authors', 'author'],
    tags: ['tags'],
    image: ['image'],
    slug: ['slug'],
    id: ['id'],
    draft: ['draft'],
    lang: [],
  },
  oneKeyPerField: false,
  caseInsensitiveKeys: false,
  permalinkKeys: [],
  hiddenWhen: [{ key: 'unlisted', value: 'true' }],
  publishKeys: [],
  expiryKeys: [],
  authorUrlKeys: ['author_url', 'authorURL'],
  ignored: [
    'author_title', 'authorTitle', 'author_image_url', 'authorImageURL', 'authorFBID', 'authorTwitter', 'author_url', 'authorURL',
    'hide_table_of_contents', 'toc_min_heading_level', 'toc_max_heading_level', 'keywords', 'unlisted', 'last_update', 'sidebar_label',
    'sidebar_position', 'sidebar_class_name', 'pagination_next', 'pagination_prev', 'sidebar_custom_props', 'custom_edit_url', 'hide_title',
    'canonical', 'draft', 'tags', 'image', 'description', 'slug', 'title', 'date',
  ],
  summarySeparators: ['truncate'],
  tagsSeparatedBySpaces: false,
  slugStyle: 'as-written',
  lowercasePaths: false,
  urlDateInTimeZone: false,
  bodySyntax: ['mdx'],
};
