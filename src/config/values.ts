// zod refinements for config values, built on the same rules as the front matter (parse/values.ts,
// parse/text.ts), so the config accepts exactly what a post would.
import { z } from 'zod';
import { stripForbiddenCharacters } from '../parse/text.js';
import { canonicalLanguageTag, httpUrl, isEmailAddress } from '../parse/values.js';

/** Names postfeed keeps beside the feeds in the output folder; they all start with a dot. */
export const RESERVED_OUTPUT_PREFIX = '.';

/** Text that goes into every feed: characters no feed may carry are refused, not silently dropped. */
export function configText() {
  return z.string().superRefine((value, context) => {
    const stripped = stripForbiddenCharacters(value);
    if (stripped.count > 0) {
      context.addIssue({ code: 'custom', message: `contains ${stripped.removed.join(', ')}, which no feed may carry; remove it` });
    }
  });
}

export const absoluteHttpUrl = z.string().superRefine((value, context) => {
  const result = httpUrl(value);
  if ('problem' in result) context.addIssue({ code: 'custom', message: `${result.problem}; use an absolute http(s) URL, like "https://example.com/"` });
});

/** A URL relative to baseUrl or absolute; checked against baseUrl when the site is resolved. */
export const siteUrlReference = z.string().min(1, 'must not be empty');

export const emailAddress = z.string().refine(isEmailAddress, { message: 'must be an e-mail address, like "desk@example.org"' });

export const languageTag = z.string().superRefine((value, context) => {
  const result = canonicalLanguageTag(value);
  if ('problem' in result) context.addIssue({ code: 'custom', message: 'must be a BCP 47 language tag, like "en" or "en-GB"' });
});

export const outputFileName = z
  .string()
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, 'must be a plain file name (letters, digits, ".", "_", "-"), not starting with "." and without folders');
