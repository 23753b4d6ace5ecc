// Jekyll (_posts/2024-01-31-slug.md): the date and slug from the file name, Liquid in bodies,
// `published: false` left out, the URL's date in the site's time zone, untitled posts named after
// their file (Jekyll's titleize).
import { generator } from './generator.js';

export const jekyll = generator({
  name: 'jekyll',
  extensions: ['.md', '.markdown', '.mkdown', '.mkdn', '.mkd', '.html'],
  bundles: false,
  dateInName: true,
  keys: {
    updated: ['last_modified_at', 'modified', 'updated', 'lastmod'],
    // jekyll-feed: `description`, else the excerpt.
    summary: ['description', 'excerpt', 'summary'],
    tags: ['tags', 'tag', 'categories', 'category'],
    image: ['image', 'image.path', 'image.feature', 'header.image', 'header.teaser', 'cover'],
  },
  permalinkKeys: ['permalink'],
  hiddenWhen: [{ key: 'published', value: 'false' }],
  ignored: [
    'excerpt_separator', 'redirect_from', 'redirect_to', 'comments', 'share', 'sitemap', 'toc_label', 'toc_icon', 'toc_sticky', 'header',
    'sidebar', 'author_profile', 'read_time', 'related', 'show_date', 'classes', 'subtitle', 'feature', 'hidden', 'pin', 'math', 'mathjax',
    'mermaid', 'disqus', 'disqus_identifier', 'seo', 'og_image', 'twitter', 'locale', 'type', 'visible', 'weight', 'order', 'nav_order',
    'parent', 'typora-root-url', 'typora-copy-images-to', 'background', 'thumbnail', 'teaser', 'highlight', 'img', 'cover-img', 'tagline',
    'canonical_url', 'modified_time', 'hide', 'noindex', 'render_with_liquid', 'description_long',
  ],
  summarySeparators: ['more', 'excerpt', 'truncate', 'break'],
  tagsSeparatedBySpaces: true,
  slugStyle: 'jekyll',
  urlDateInTimeZone: true,
  untitled: 'name',
  bodySyntax: ['liquid', 'markdown-extensions'],
});
