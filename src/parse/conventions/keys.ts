// Front-matter keys → post fields under a convention and the site's `fields` map: the one place
// that knows `pubDate` is the date in Astro and `newstitle` the title on one news site.
import type { FrontMatter } from '../front-matter.js';
import type { Convention, PostField } from './convention.js';

/** A value found in the front matter and the path it sits at (`['taxonomies', 'tags']`). */
export interface FoundKey {
  value: unknown;
  path: string[];
}

export type FieldOverrides = Partial<Record<PostField, string>>;

/** Finds a dotted key (`extra.summary`) in the front matter; without case when the convention says so. */
export function findKey(data: Record<string, unknown>, dotted: string, caseInsensitive: boolean): FoundKey | undefined {
  let value: unknown = data;
  const path: string[] = [];
  for (const segment of dotted.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    const key = caseInsensitive ? Object.keys(record).find((candidate) => candidate.toLowerCase() === segment.toLowerCase()) : segment;
    if (key === undefined || !Object.hasOwn(record, key)) return undefined;
    value = record[key];
    path.push(key);
  }
  return { value, path };
}

/** The keys read for a field: the site's own name for it when `fields` sets one, else the convention's. */
export function keysFor(field: PostField, convention: Convention, overrides: FieldOverrides): readonly string[] {
  const override = overrides[field];
  return override !== undefined ? [override] : convention.keys[field];
}

/** Every key present for a field, in the convention's order of precedence. */
export function findField(frontMatter: FrontMatter, field: PostField, convention: Convention, overrides: FieldOverrides): FoundKey[] {
  const found: FoundKey[] = [];
  for (const key of keysFor(field, convention, overrides)) {
    const hit = findKey(frontMatter.data, key, convention.caseInsensitiveKeys);
    // Case-insensitive spellings (`Tags`, `tags`) can find one key twice: it counts once.
    if (hit && !found.some((other) => samePath(other.path, hit.path))) found.push(hit);
  }
  return found;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, index) => part === b[index]);
}

/** Top-level keys neither the convention nor postfeed reads: each one is worth a warning. */
export function unknownKeys(frontMatter: FrontMatter, convention: Convention, overrides: FieldOverrides): string[] {
  const known = knownKeys(convention, overrides);
  return Object.keys(frontMatter.data).filter((key) => !known.has(foldKey(key, convention)));
}

/** A key as the convention compares keys: without case when it says so. */
function foldKey(key: string, convention: Convention): string {
  return convention.caseInsensitiveKeys ? key.toLowerCase() : key;
}

/** The top-level keys read under a convention and overrides (folded), made once per pair: a build asks for every post. */
const knownKeysMade = new WeakMap<Convention, WeakMap<FieldOverrides, ReadonlySet<string>>>();

function knownKeys(convention: Convention, overrides: FieldOverrides): ReadonlySet<string> {
  let byOverrides = knownKeysMade.get(convention);
  if (!byOverrides) knownKeysMade.set(convention, (byOverrides = new WeakMap()));
  const made = byOverrides.get(overrides);
  if (made) return made;
  const known = new Set<string>(
    [
      ...Object.values(convention.keys).flat(),
      ...Object.values(overrides),
      ...convention.permalinkKeys,
      ...convention.hiddenWhen.map((rule) => rule.key),
      ...convention.publishKeys,
      ...convention.expiryKeys,
      ...convention.authorUrlKeys,
      ...convention.ignored,
    ].map((key) => foldKey(key!.split('.')[0]!, convention)),
  );
  byOverrides.set(overrides, known);
  return known;
}
