// The render stage for one post: Markdown → safe HTML with absolute URLs, the summary, the
// enclosure, and the authors every format credits (the post's, else the site's).
import type { Config } from '../config/schema.js';
import type { Diagnostic, Enclosure, FeedItem, Post, Site } from '../model.js';
import type { MediaSize } from '../source/media.js';
import { CONVENTIONS } from '../parse/conventions/index.js';
import { renderContent } from './content.js';
import type { PostResolver } from './references.js';
import { rewriteTemplates } from './templates.js';
import { resolveEnclosure } from './enclosure.js';
import { summarize } from './summary.js';
import { withFields } from '../with-fields.js';

/**
 * `media` is what the source stage found for a local `image:` file (undefined when there is none);
 * `resolvePost` finds the post a template reference (`{% post_url %}`, `{{< ref >}}`) names.
 */
export function renderItem(
  post: Post,
  site: Site,
  config: Config,
  media: MediaSize | undefined,
  resolvePost: PostResolver,
  diagnostics: Diagnostic[],
): FeedItem {
  const convention = CONVENTIONS[config.conventions];
  const rewritten = rewriteTemplates(post, convention, { baseUrl: site.baseUrl, resolvePost });
  diagnostics.push(...rewritten.diagnostics);
  const content = renderContent(withFields(post, { markdown: rewritten.markdown }), { summarySeparators: convention.summarySeparators });
  diagnostics.push(...content.diagnostics);
  let enclosure: Enclosure | undefined;
  if (post.image) {
    const resolved = resolveEnclosure(post.image.value, post.permalink, () => media ?? { problem: 'was not looked up in the posts folder' });
    if ('problem' in resolved) {
      const severity = convention.unusableImage;
      diagnostics.push({
        severity,
        code: resolved.code,
        file: post.file,
        ...(post.image.line ? { line: post.image.line } : {}),
        field: 'image',
        message: severity === 'warning' ? `${resolved.problem}; the item has no enclosure` : resolved.problem,
      });
    } else enclosure = resolved.enclosure;
  }
  return {
    id: post.id,
    url: post.permalink,
    title: post.title,
    date: post.date,
    ...(post.updated ? { updated: post.updated } : {}),
    summary: summarize(post.description, content.lead),
    ...(config.content === 'full' ? { html: content.html } : {}),
    authors: post.authors.length > 0 ? post.authors : [site.author],
    tags: post.tags,
    ...(enclosure ? { enclosure } : {}),
    ...(post.lang ? { lang: post.lang } : {}),
  };
}
