// Zola (content/blog/, TOML `+++` front matter, taxonomies, `2024-01-31-slug.md` names, bundles,
// _index.md sections, `<!-- more -->`, shortcodes `{{ name() }}` / `{% name() %}`).
import { generator } from './generator.js';

export const zola = generator({
  name: 'zola',
  extensions: ['.md'],
  listPages: ['_index.md'],
  dateInName: true,
  keys: {
    updated: ['updated'],
    summary: ['description', 'extra.summary'],
    authors: ['authors', 'extra.author', 'extra.authors'],
    tags: ['taxonomies.tags', 'taxonomies.categories', 'taxonomies.category'],
    image: ['extra.image', 'extra.cover', 'extra.banner'],
    id: ['extra.id'],
    lang: ['extra.lang'],
  },
  permalinkKeys: ['path'],
  hiddenWhen: [{ key: 'render', value: 'false' }],
  ignored: ['taxonomies', 'extra', 'aliases', 'template', 'weight', 'in_search_index', 'render', 'insert_anchor_links', 'sort_by', 'paginate_by', 'transparent', 'page_template'],
  slugStyle: 'lowercase',
  bodySyntax: ['zola-shortcodes', 'markdown-extensions'],
});
