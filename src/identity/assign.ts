// The identity stage: slug → permalink → id for every parsed post, then the duplicate check.
// `recorded` gives the id the ledger holds for a post (identity/ledger.ts matches them).
import type { Config } from '../config/schema.js';
import type { Diagnostic, ParsedPost, Post, Site } from '../model.js';
import { CONVENTIONS } from '../parse/conventions/index.js';
import { calendarIn } from '../parse/dates.js';
import { findDuplicates } from './duplicates.js';
import { idOf } from './ids.js';
import { buildPermalink, pathUnder } from './permalink.js';
import { slugOf } from './slug.js';
import { withFields } from '../with-fields.js';

export function assignIdentities(
  parsed: readonly ParsedPost[],
  config: Config,
  site: Site,
  recorded: (file: string) => string | undefined = () => undefined,
): { posts: Post[]; diagnostics: Diagnostic[] } {
  const convention = CONVENTIONS[config.conventions];
  const posts: Post[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const post of parsed) {
    const slug = slugOf(post, convention);
    if ('diagnostic' in slug) {
      diagnostics.push(slug.diagnostic);
      continue;
    }
    const date = convention.urlDateInTimeZone ? calendarIn(post.date, config.timeZone) : post.calendar;
    // Hugo lower-cases every path by default; its slugs are lower case already (file-name.ts).
    const lower = (path: string) => (convention.lowercasePaths ? path.toLowerCase() : path);
    const permalink = post.permalinkPath
      ? pathUnder(lower(post.permalinkPath.value).replace(/[^\x21-\x7e]+/gu, encodeURIComponent), site.baseUrl)
      : buildPermalink(lower(config.permalink), site.baseUrl, { slug: slug.slug, date, categories: post.categories });
    const { slug: _slug, id: _id, ...rest } = post;
    posts.push(
      withFields(rest, {
        slug: slug.slug,
        permalink,
        id: idOf(post, permalink, recorded(post.file)),
        identityLines: {
          ...(post.slug?.line ? { slug: post.slug.line } : post.permalinkPath?.line ? { slug: post.permalinkPath.line } : {}),
          ...(post.id?.line ? { id: post.id.line } : {}),
        },
      }),
    );
  }
  diagnostics.push(...findDuplicates(posts));
  return { posts, diagnostics };
}
