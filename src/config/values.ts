// zod refinements for config values, built on the same rules as the front matter (parse/values.ts,
// parse/text.ts), so the config accepts exactly what a post would.
import { z } from 'zod';
import { collapseWhitespace, stripForbiddenCharacters } from '../parse/text.js';
import { outputNamesProblem, reservedOutputName } from '../output/names.js';
import { canonicalLanguageTag, httpUrl, isEmailAddress } from '../parse/values.js';

/** A one-line text (the site title, a name): white space collapsed, as in a post's title. */
export function configLine() {
  return configText().transform(collapseWhitespace);
}

/** Text that goes into every feed: characters no feed may carry are refused, not silently dropped. */
export function configText() {
  return z.string().superRefine((value, context) => {
    const stripped = stripForbiddenCharacters(value);
    if (stripped.count > 0) {
      context.addIssue({ code: 'custom', message: `contains ${stripped.removed.join(', ')}, which no feed may carry; remove it` });
    }
  });
}

/** An absolute http(s) URL, in the RFC 3986 form every feed carries (the one rule: parse/values.ts). */
export const absoluteHttpUrl = z.string().transform((value, context) => {
  const result = httpUrl(value);
  if ('url' in result) return result.url;
  context.addIssue({ code: 'custom', message: `"${value}" ${result.problem}` });
  return z.NEVER;
});

/** A URL relative to baseUrl or absolute; checked against baseUrl when the site is resolved. */
export const siteUrlReference = z.string().min(1, 'must not be empty');

export const emailAddress = z.string().refine(isEmailAddress, { message: 'must be an e-mail address, like "desk@example.org"' });

/** A BCP 47 language tag; resolve.ts writes its canonical form (`en-us` → `en-US`). */
export const languageTag = z.string().superRefine((value, context) => {
  if ('problem' in canonicalLanguageTag(value)) context.addIssue({ code: 'custom', message: 'must be a BCP 47 language tag, like "en" or "en-GB"' });
});

/** A feed's file name: never one postfeed keeps for itself (output/names.ts is the one rule). */
export const outputFileName = z.string().superRefine((name, context) => {
  const problem = reservedOutputName(name);
  if (problem) context.addIssue({ code: 'custom', message: problem });
});

export function checkOutputNames(output: Record<string, string>, context: z.RefinementCtx): void {
  const problem = outputNamesProblem(Object.values(output));
  if (problem) context.addIssue({ code: 'custom', message: problem });
}
