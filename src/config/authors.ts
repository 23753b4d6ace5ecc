// The config's `authors` → the index posts look authors up in. Entries may carry keys of the
// site's own (Docusaurus `image_url`, `socials`); only name, email and url reach the feeds.
import type { Author, Diagnostic } from '../model.js';
import { collapseWhitespace, stripForbiddenCharacters } from '../parse/text.js';
import { httpUrl, isEmailAddress } from '../parse/values.js';

/** Validates authors data (from the config or its authors file) into key → Author, with a warning per unusable value. */
export function authorIndex(raw: unknown, file: string): { authors: Map<string, Author>; diagnostics: Diagnostic[] } {
  const authors = new Map<string, Author>();
  const diagnostics: Diagnostic[] = [];
  const say = (severity: Diagnostic['severity'], code: string, field: string, message: string) =>
    diagnostics.push({ severity, code, file, field: `authors.${field}`, message });
  if (raw === null || raw === undefined) return { authors, diagnostics };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    diagnostics.push({ severity: 'error', code: 'authors-invalid', file, field: 'authors', message: 'must map each key to {name, email, url}' });
    return { authors, diagnostics };
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const entry = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { name: value }) as Record<string, unknown>;
    const text = (field: string) => (typeof entry[field] === 'string' ? collapseWhitespace(stripForbiddenCharacters(entry[field] as string).text) : undefined);
    const name = text('name');
    if (!name) {
      say('error', 'missing-field', `${key}.name`, 'is required');
      continue;
    }
    const author: Author = { name };
    const email = text('email');
    if (email && isEmailAddress(email)) author.email = email;
    else if (email) say('warning', 'email-invalid', `${key}.email`, `"${email}" is not an e-mail address; left out`);
    const url = text('url') ?? text('uri') ?? text('link') ?? text('website');
    const checked = url ? httpUrl(url) : undefined;
    if (checked && 'url' in checked) author.url = checked.url;
    else if (checked) say('warning', 'url-invalid', `${key}.url`, `"${url}" ${checked.problem}; left out`);
    authors.set(key, author);
  }
  return { authors, diagnostics };
}
