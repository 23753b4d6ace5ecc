// The identity stage: slug → permalink → id for every parsed post, then the duplicate check.
// The seam where an id ledger plugs in.
import type { Config } from '../config/schema.js';
import type { Diagnostic, ParsedPost, Post, Site } from '../model.js';
import { findDuplicates } from './duplicates.js';
import { idOf } from './ids.js';
import { buildPermalink } from './permalink.js';
import { slugOf } from './slug.js';

export function assignIdentities(parsed: readonly ParsedPost[], config: Config, site: Site): { posts: Post[]; diagnostics: Diagnostic[] } {
  const posts: Post[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const post of parsed) {
    const slug = slugOf(post);
    if ('diagnostic' in slug) {
      diagnostics.push(slug.diagnostic);
      continue;
    }
    const permalink = buildPermalink(config.permalink, site.baseUrl, slug.slug, post.calendar);
    const { slug: _slug, id: _id, ...rest } = post;
    posts.push({
      ...rest,
      slug: slug.slug,
      permalink,
      id: idOf(post, permalink),
      identityLines: { ...(post.slug?.line ? { slug: post.slug.line } : {}), ...(post.id?.line ? { id: post.id.line } : {}) },
    });
  }
  diagnostics.push(...findDuplicates(posts));
  return { posts, diagnostics };
}
