// The URL segment of a post: `slug:` from the front matter, else the file name without its
// extension and without a `YYYY-MM-DD-` date prefix.
import path from 'node:path';
import type { Diagnostic, ParsedPost } from '../model.js';
import { SLUG_PATTERN } from '../parse/fields.js';

const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}-/;
const POST_EXTENSION = /\.[^./]+$/;

export function slugOf(post: ParsedPost): { slug: string } | { diagnostic: Diagnostic } {
  if (post.slug) return { slug: post.slug.value };
  const derived = path.basename(post.file).replace(POST_EXTENSION, '').replace(DATE_PREFIX, '');
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
