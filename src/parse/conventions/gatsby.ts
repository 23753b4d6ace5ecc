// Gatsby blogs (content/blog/slug/index.md): the folder names the post, .md and .mdx, a
// `2013-06-05-slug.md` name dates it (the gatsby-starter-blog and reactjs.org habits).
import { generator } from './generator.js';

export const gatsby = generator({
  name: 'gatsby',
  extensions: ['.md', '.mdx', '.markdown'],
  dateInName: true,
  keys: {
    date: ['date', 'publishedDate', 'published'],
    updated: ['updated', 'updatedDate', 'lastUpdated'],
    summary: ['description', 'excerpt', 'spoiler', 'summary'],
    image: ['image', 'cover', 'featuredImage', 'thumbnail', 'hero'],
    lang: ['lang', 'langKey'],
  },
  permalinkKeys: ['path'],
  hiddenWhen: [{ key: 'published', value: 'false' }],
  ignored: ['template', 'published', 'type', 'imageAlt', 'canonical', 'discussionId', 'redirect_from'],
});
