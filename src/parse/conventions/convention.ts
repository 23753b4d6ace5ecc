// What a generator's posts look like, as data: which files are posts, where the date comes from,
// which front-matter keys mean what, what leaves a post out, and how its URL is made. One table
// per generator (one module each); the parser, the source walk and the identity stage read them.

/** The post fields a front-matter key can stand for. */
export type PostField = 'title' | 'date' | 'updated' | 'summary' | 'authors' | 'tags' | 'image' | 'slug' | 'id' | 'draft' | 'lang';

export const POST_FIELDS: readonly PostField[] = ['title', 'date', 'updated', 'summary', 'authors', 'tags', 'image', 'slug', 'id', 'draft', 'lang'];

/** A body syntax a generator runs before Markdown; postfeed rewrites it (render/templates.ts). */
export type BodySyntax = 'liquid' | 'hugo-shortcodes' | 'zola-shortcodes' | 'markdown-extensions' | 'mdx';

export interface Convention {
  name: string;
  /** File extensions that are posts, lower case with the dot. */
  extensions: readonly string[];
  /** File names that are never posts: list pages such as Hugo's `_index.md`. */
  listPages: readonly string[];
  /** `slug/index.md` is a post named by its folder (a page bundle). */
  bundles: boolean;
  /** Other files in a bundle are its resources, not posts (Hugo's leaf bundles). */
  bundleResources: boolean;
  /** A `2024-01-31-slug` file or bundle name gives the date when the front matter has none. */
  dateInName: boolean;
  /**
   * Front-matter keys read for each field, in order of precedence (dotted for nested tables:
   * `taxonomies.tags`). `tags` reads every key listed and merges them; the others take the first present.
   */
  keys: Readonly<Record<PostField, readonly string[]>>;
  /** Two keys of one field in one post are an error (plain) instead of the first one winning. */
  oneKeyPerField: boolean;
  /**
   * postfeed's own rules refuse what generators let pass (plain): an empty author or image, a slug
   * that is not URL-safe (generators make one of it), keys an author object does not define.
   */
  strictValues: boolean;
  /** Keys compared without case (Hugo lowercases every key). */
  caseInsensitiveKeys: boolean;
  /** Keys with a URL path that replaces the permalink pattern for that post (`permalink:`, Hugo `url:`). */
  permalinkKeys: readonly string[];
  /** Key and value (as written) that leave a post out of every feed: `published: false`. */
  hiddenWhen: ReadonlyArray<{ key: string; value: string }>;
  /** Keys with the instant a post becomes public: later than now, it is held back like a future post. */
  publishKeys: readonly string[];
  /** Keys with the instant a post stops being public: earlier than now, it is left out. */
  expiryKeys: readonly string[];
  /** Key of the author's URL next to a single author name (Docusaurus v1 `authorURL`). */
  authorUrlKeys: readonly string[];
  /** Keys the generator knows that postfeed has no use for: read silently. Lower case when keys are case-insensitive. */
  ignored: readonly string[];
  /** HTML comments (their text, lower case, spaces removed) that end the summary: `<!--more-->`. */
  summarySeparators: readonly string[];
  /** `tags: a b` is a space-separated list (Jekyll); elsewhere a string is one tag. */
  tagsSeparatedBySpaces: boolean;
  /** How a slug taken from a file name becomes a URL segment. */
  slugStyle: 'as-written' | 'jekyll' | 'lowercase';
  /** Permalink paths are lower case (Hugo's default). */
  lowercasePaths: boolean;
  /** The URL's :year/:month/:day are the date in the site's time zone (Jekyll), not as written. */
  urlDateInTimeZone: boolean;
  /**
   * A post without a title: an error (plain); named after its file as Jekyll does ('name'); or
   * titled by its first `# heading`, else its file name, as Docusaurus does ('heading'), with a
   * warning where the generator itself would publish it untitled ('heading-with-warning').
   */
  untitled: 'error' | 'name' | 'heading' | 'heading-with-warning';
  /**
   * An `image` postfeed cannot attach (missing file, unknown type): an error (plain), or a warning
   * and no enclosure — generators publish such posts, their themes just show no picture.
   */
  unusableImage: 'error' | 'warning';
  /** Template syntax in bodies of every post (`.mdx` files are always MDX). */
  bodySyntax: readonly BodySyntax[];
}
