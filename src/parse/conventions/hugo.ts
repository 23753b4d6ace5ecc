// Hugo (content/posts/, page bundles slug/index.md, _index.md list pages): keys without case,
// TOML or YAML front matter, shortcodes in bodies, publishDate/expiryDate honoured, lower-case URLs.
import { generator } from './generator.js';

export const hugo = generator({
  name: 'hugo',
  extensions: ['.md', '.markdown', '.mdown', '.html'],
  listPages: ['_index.md', '_index.markdown', '_index.html'],
  bundleResources: true,
  // Hugo's own defaults (its frontmatter config): the date from date, publishdate, pubdate, published.
  keys: {
    date: ['date', 'publishdate', 'pubdate', 'published'],
    updated: ['lastmod', 'modified'],
    summary: ['summary', 'description'],
    authors: ['authors', 'author'],
    tags: ['tags', 'categories'],
    image: ['images', 'image', 'featured_image', 'cover.image', 'cover'],
  },
  caseInsensitiveKeys: true,
  permalinkKeys: ['url'],
  hiddenWhen: [{ key: 'build.list', value: 'never' }, { key: '_build.list', value: 'never' }, { key: 'headless', value: 'true' }],
  publishKeys: ['publishdate', 'pubdate', 'published'],
  expiryKeys: ['expirydate', 'unpublishdate'],
  ignored: [
    'aliases', 'type', 'weight', 'linktitle', 'params', 'menu', 'menus', 'markup', 'outputs', 'resources', 'sitemap', 'translationkey',
    'build', '_build', 'cascade', 'headless', 'iscjklanguage', 'comments', 'showtoc', 'tocopen', 'hidemeta', 'disableshare', 'searchhidden',
    'showreadingtime', 'showwordcount', 'showbreadcrumbs', 'showpostnavlinks', 'thumbnail', 'subtitle', 'math', 'katex', 'mermaid', 'hidden',
    'featuredimage', 'videos', 'audio', 'audios', 'sidebar', 'github', 'twitter', 'enablemath', 'mathjax', 'lightgallery', 'share',
    'externallink', 'canonicalurl', 'project', 'projects', 'disablecomments', 'nolastmod', 'noindex', 'robots', 'bookhidden',
  ],
  slugStyle: 'lowercase',
  lowercasePaths: true,
  bodySyntax: ['hugo-shortcodes', 'markdown-extensions'],
});
