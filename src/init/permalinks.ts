// A generator's permalink setting in postfeed's tokens (:slug :year :month :day, and Jekyll's
// :categories). Tokens postfeed has no counterpart for are dropped and named, never guessed at.

export interface TranslatedPermalink {
  /** Undefined when nothing usable is left (no :slug); the convention's default applies. */
  permalink?: string;
  notes: string[];
}

/** Jekyll's built-in styles. Day-of-year and week styles have no postfeed tokens: the plain one stands in. */
const JEKYLL_STYLES: Record<string, { permalink: string; note?: string }> = {
  date: { permalink: '/:categories/:year/:month/:day/:slug.html' },
  pretty: { permalink: '/:categories/:year/:month/:day/:slug/' },
  ordinal: { permalink: '/:categories/:slug.html', note: 'the day of the year (:y_day) has no postfeed token' },
  weekdate: { permalink: '/:categories/:slug.html', note: 'week numbers (:week, :short_day) have no postfeed token' },
  none: { permalink: '/:categories/:slug.html' },
};

const JEKYLL_TOKENS: Record<string, string> = {
  title: ':slug',
  slug: ':slug',
  name: ':slug',
  year: ':year',
  month: ':month',
  day: ':day',
  categories: ':categories',
  output_ext: '.html',
};

const DATE_TOKENS: Record<string, string> = { year: ':year', month: ':month', day: ':day' };

export function jekyllPermalink(setting: string): TranslatedPermalink {
  const style = Object.hasOwn(JEKYLL_STYLES, setting) ? JEKYLL_STYLES[setting] : undefined;
  if (style) {
    return { permalink: style.permalink, notes: style.note ? [`permalink: ${setting}: ${style.note}; check the URLs`] : [] };
  }
  return translate(setting, JEKYLL_TOKENS);
}

/** Hugo's `[permalinks]` value for one section; `:section` is that section's name. */
export function hugoPermalink(setting: string, section: string): TranslatedPermalink {
  const slug = ':slug';
  return translate(setting, {
    ...DATE_TOKENS,
    filename: slug,
    title: slug,
    slug,
    slugorfilename: slug,
    contentbasename: slug,
    slugorcontentbasename: slug,
    section,
    sections: section,
  });
}

function translate(pattern: string, tokens: Record<string, string>): TranslatedPermalink {
  const dropped: string[] = [];
  const replaced = pattern.replace(/:([A-Za-z_]+)/g, (token, name: string) => {
    if (Object.hasOwn(tokens, name)) return tokens[name]!;
    dropped.push(token);
    return '';
  });
  const permalink = `/${replaced}`.replace(/\/{2,}/g, '/');
  const notes = dropped.length > 0 ? [`permalink "${pattern}": dropped ${dropped.join(', ')}, which postfeed has no token for; check the URLs`] : [];
  if (!permalink.includes(':slug')) return { notes: [...notes, `permalink "${pattern}" names no post (no :title or :slug); the convention's default is used`] };
  return { permalink, notes };
}
