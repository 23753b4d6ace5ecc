// Docusaurus blog (blog/2024-01-31-slug.md or blog/2024-01-31-slug/index.md): authors as keys
// into authors.yml, `<!--truncate-->` and `{/* truncate */}`, MDX in .md and .mdx, `unlisted`,
// untitled posts titled by their first heading or file name.
import { generator } from './generator.js';

export const docusaurus = generator({
  name: 'docusaurus',
  extensions: ['.md', '.mdx'],
  dateInName: true,
  keys: {
    updated: ['last_update.date'],
    summary: ['description'],
    authors: ['authors', 'author'],
    tags: ['tags'],
    image: ['image'],
    lang: [],
  },
  hiddenWhen: [{ key: 'unlisted', value: 'true' }],
  authorUrlKeys: ['author_url', 'authorURL'],
  ignored: [
    'author_title', 'authorTitle', 'author_image_url', 'authorImageURL', 'authorFBID', 'authorTwitter', 'hide_table_of_contents',
    'toc_min_heading_level', 'toc_max_heading_level', 'last_update', 'sidebar_label', 'sidebar_position', 'sidebar_class_name',
    'pagination_next', 'pagination_prev', 'sidebar_custom_props', 'custom_edit_url', 'hide_title', 'canonical',
  ],
  summarySeparators: ['truncate'],
  untitled: 'heading',
  bodySyntax: ['mdx', 'markdown-extensions'],
});
