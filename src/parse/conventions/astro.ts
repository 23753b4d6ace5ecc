// Astro content collections (src/content/blog/): pubDate, updatedDate, heroImage, .md and .mdx,
// entries named by file or by bundle folder, lower-cased like Astro's slugger.
import { generator } from './generator.js';

export const astro = generator({
  name: 'astro',
  extensions: ['.md', '.mdx', '.markdown', '.mdoc'],
  keys: {
    date: ['pubDate', 'date', 'publishDate', 'publishedDate', 'pubDatetime', 'published'],
    updated: ['updatedDate', 'updated', 'modDatetime', 'lastmod', 'updatedAt'],
    authors: ['authors', 'author'],
    image: ['heroImage', 'image', 'cover', 'coverImage', 'ogImage'],
    lang: ['lang', 'language'],
  },
  ignored: ['canonicalURL', 'hideEditPost', 'timezone', 'readingTime', 'minutesRead', 'heroImageAlt', 'imageAlt', 'ogImage', 'pinned'],
  slugStyle: 'lowercase',
});
