// The URL segment of a post: `slug:` from the front matter, else what the file name gives under
// the convention (conventions/file-name.ts: no date prefix, a bundle's folder name).
import type { Diagnostic, ParsedPost } from '../model.js';
import type { Convention } from '../parse/conventions/convention.js';
import { postName } from '../parse/conventions/file-name.js';
import { SLUG_PATTERN } from '../parse/fields.js';

export function slugOf(post: ParsedPost, convention: Convention): { slug: string } | { diagnostic: Diagnostic } {
  if (post.slug) return { slug: post.slug.value };
  const derived = postName(post.file, convention).slug;
  if (SLUG_PATTERN.test(derived)) return { slug: derived };
  return {
    diagnostic: {
      severity: 'error',
      code: 'slug-invalid',
      file: post.file,
      line: 1,
      field: 'slug',
      message: `the file name gives the slug "${derived}", which is not URL-safe; rename the file or set slug:`,
    },
  };
}
