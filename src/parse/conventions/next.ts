// Next.js Markdown blogs (the blog-starter's _posts/slug.md): excerpt, coverImage, author objects;
// .md read as MDX too, since Next.js sites render posts through MDX (next-mdx-remote, @next/mdx).
import { generator } from './generator.js';

export const next = generator({
  name: 'next',
  extensions: ['.md', '.mdx', '.markdown'],
  keys: {
    date: ['date', 'publishedAt', 'publishedDate', 'pubDate', 'publishDate', 'published'],
    updated: ['updated', 'updatedAt', 'lastModified', 'lastmod', 'modified', 'updatedDate'],
    summary: ['excerpt', 'summary', 'description'],
    image: ['coverImage', 'image', 'images', 'ogImage.url', 'cover', 'banner'],
    lang: ['lang', 'locale'],
  },
  hiddenWhen: [{ key: 'published', value: 'false' }],
  ignored: ['ogImage', 'published', 'canonicalUrl', 'readingTime'],
  bodySyntax: ['mdx', 'markdown-extensions'],
});
