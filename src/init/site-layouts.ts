// How each generator lays out a site, as `postfeed init` needs it: the files that identify it,
// where its posts live and the URL it gives a post. How its posts read is the convention's business
// (parse/conventions/). Detection order is the order of DETECTION_RULES.
import { ConfigSchema } from '../config/schema.js';
import type { ConventionName } from '../parse/conventions/index.js';

interface SiteLayout {
  label: string;
  /** Posts folder candidates, best first: the first that holds posts wins, else the first that exists. */
  postsFolders: readonly string[];
  /** The generator's own URL for a post in `folder`, as a postfeed permalink. */
  permalink: (folder: string) => string;
  /** A file of author profiles the generator reads, written as `authors` when present. */
  authorsFile?: string;
}

/** `content/blog` → `/blog/:slug/`; the content root itself → `/:slug/`. */
const bySection = (root: string) => (folder: string) => {
  const section = folder === root ? '' : folder.slice(root.length + 1);
  return section ? `/${section}/:slug/` : '/:slug/';
};
const byFolderName = (folder: string) => `/${folder.split('/').pop()}/:slug/`;
/** A plain folder gets the schema's default, written out so the user sees it. */
const DEFAULT_PERMALINK = ConfigSchema.shape.permalink.parse(undefined);

export const SITE_LAYOUTS: Record<ConventionName, SiteLayout> = {
  plain: { label: 'no site generator', postsFolders: ['posts'], permalink: () => DEFAULT_PERMALINK },
  // Jekyll's default permalink style is "date"; init reads the site's own `permalink` over it.
  jekyll: { label: 'Jekyll', postsFolders: ['_posts'], permalink: () => '/:categories/:year/:month/:day/:slug.html', authorsFile: '_data/authors.yml' },
  hugo: { label: 'Hugo', postsFolders: ['content/posts', 'content/blog', 'content'], permalink: bySection('content') },
  zola: { label: 'Zola', postsFolders: ['content/blog', 'content'], permalink: bySection('content') },
  astro: { label: 'Astro', postsFolders: ['src/content/blog', 'src/content/posts', 'src/pages/blog'], permalink: byFolderName },
  docusaurus: { label: 'Docusaurus', postsFolders: ['blog'], permalink: () => '/blog/:year/:month/:day/:slug', authorsFile: 'blog/authors.yml' },
  eleventy: { label: 'Eleventy', postsFolders: ['posts', 'src/posts', 'content/blog', 'blog'], permalink: byFolderName },
  gatsby: { label: 'Gatsby', postsFolders: ['content/blog'], permalink: () => '/:slug/' },
  next: { label: 'Next.js', postsFolders: ['_posts', 'posts', 'content/posts', 'data/blog'], permalink: () => '/posts/:slug' },
};

interface DetectionRule {
  generator: Exclude<ConventionName, 'plain'>;
  files: readonly string[];
  /** An extra condition on the site, given the text of the file that matched. */
  when?: (text: string | undefined, hasFolder: (folder: string) => boolean) => boolean;
}

/** Zola's config names `base_url`; Hugo's says `baseURL`. */
const ZOLA_BASE_URL_KEY = /^[ \t]*base_url[ \t]*=/m;

export const DETECTION_RULES: readonly DetectionRule[] = [
  { generator: 'jekyll', files: ['_config.yml', '_config.yaml'] },
  { generator: 'hugo', files: ['hugo.toml', 'hugo.yaml', 'hugo.json'] },
  { generator: 'zola', files: ['zola.toml'] },
  { generator: 'zola', files: ['config.toml'], when: (text) => text !== undefined && ZOLA_BASE_URL_KEY.test(text) },
  { generator: 'hugo', files: ['config.toml', 'config.yaml'], when: (_text, hasFolder) => hasFolder('content') },
  { generator: 'astro', files: ['astro.config.mjs', 'astro.config.js', 'astro.config.ts', 'astro.config.mts', 'astro.config.cjs'] },
  { generator: 'docusaurus', files: ['docusaurus.config.js', 'docusaurus.config.ts', 'docusaurus.config.mjs'] },
  { generator: 'eleventy', files: ['eleventy.config.js', 'eleventy.config.mjs', 'eleventy.config.cjs', '.eleventy.js'] },
  { generator: 'gatsby', files: ['gatsby-config.js', 'gatsby-config.ts', 'gatsby-config.mjs'] },
  { generator: 'next', files: ['next.config.js', 'next.config.mjs', 'next.config.ts'] },
];
