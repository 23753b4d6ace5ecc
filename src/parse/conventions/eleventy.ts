// Eleventy (posts/ or content/blog/): `2024-01-31-slug.md` names, Nunjucks/Liquid in bodies,
// `eleventyExcludeFromCollections` and `permalink: false` left out, front-matter `permalink`.
import { generator } from './generator.js';

export const eleventy = generator({
  name: 'eleventy',
  dateInName: true,
  keys: { image: ['image', 'cover', 'hero'] },
  permalinkKeys: ['permalink'],
  hiddenWhen: [
    { key: 'eleventyExcludeFromCollections', value: 'true' },
    { key: 'permalink', value: 'false' },
  ],
  ignored: ['eleventyNavigation', 'eleventyComputed', 'pagination', 'templateEngineOverride', 'eleventyImport', 'subtitle', 'syntax'],
  summarySeparators: ['more', 'excerpt'],
  bodySyntax: ['liquid', 'markdown-extensions'],
});
