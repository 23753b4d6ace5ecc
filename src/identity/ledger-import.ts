// `ledger import`: the items of the feed published today matched to the posts, so each post keeps
// the id the old generator gave it. Pure: posts and items in, matches and ledger entries out.
import type { ComparableItem } from '../check/read-feed.js';
import type { Post } from '../model.js';
import { fingerprintOf, rfc3339, type LedgerEntry, type LedgerMatch } from './ledger.js';

export interface ImportMatch {
  source: string;
  /** The item's id as published: what the post keeps. */
  id: string;
  by: 'link' | 'title and date';
  /** Set when the post's front matter sets another id: the front matter wins, nothing is recorded. */
  frontMatterId?: string;
}

export interface ImportMatches {
  matched: ImportMatch[];
  /** Posts no item matched, by source: they keep the id postfeed gives them. */
  unmatchedPosts: string[];
  unmatchedItems: ComparableItem[];
}

/** Two published dates this close are one post's date written in two time zones. */
const SAME_DAY_MS = 26 * 60 * 60 * 1000;

/**
 * By link, ignoring the scheme, a trailing slash, `index.html` and case; then, for a link that
 * changed, by title and date. A match must be unique both ways: a guess is worse than no match.
 */
export function matchItems(posts: readonly Post[], items: readonly ComparableItem[]): ImportMatches {
  const matched: ImportMatch[] = [];
  const taken = new Set<Post>();
  const left: ComparableItem[] = [];
  const byLink = groupBy(posts, (post) => comparableLink(post.permalink));
  const itemsByLink = groupBy(items, (item) => (item.link ? comparableLink(item.link) : ''));
  for (const item of items) {
    const link = item.link ? comparableLink(item.link) : '';
    const candidates = byLink.get(link) ?? [];
    if (link !== '' && candidates.length === 1 && itemsByLink.get(link)!.length === 1) {
      matched.push(importMatch(candidates[0]!, item, 'link'));
      taken.add(candidates[0]!);
    } else left.push(item);
  }
  const unmatchedItems: ComparableItem[] = [];
  for (const item of left) {
    const candidates = posts.filter((post) => !taken.has(post) && sameTitleAndDate(post, item));
    const rivals = left.filter((other) => candidates.length === 1 && sameTitleAndDate(candidates[0]!, other));
    if (candidates.length !== 1 || rivals.length !== 1) {
      unmatchedItems.push(item);
      continue;
    }
    matched.push(importMatch(candidates[0]!, item, 'title and date'));
    taken.add(candidates[0]!);
  }
  const unmatchedPosts = posts.filter((post) => !taken.has(post)).map((post) => post.file);
  matched.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  return { matched, unmatchedPosts: unmatchedPosts.sort(), unmatchedItems };
}

/**
 * The ledger with each matched post's published id: an existing entry takes the id (the one it
 * replaces goes to `previous`, so `check` takes the switch as intended), a new one is added.
 */
export function importIds(entries: readonly LedgerEntry[], posts: readonly Post[], ledgerMatches: ReadonlyMap<string, LedgerMatch>, matched: readonly ImportMatch[]): LedgerEntry[] {
  const imported = new Map(matched.filter((match) => match.frontMatterId === undefined).map((match) => [match.source, match.id]));
  const replaced = new Map<LedgerEntry, LedgerEntry>();
  const added: LedgerEntry[] = [];
  for (const post of posts) {
    const id = imported.get(post.file);
    if (id === undefined) continue;
    const existing = ledgerMatches.get(post.file)?.entry;
    const fingerprint = fingerprintOf(post.markdown);
    if (!existing) {
      added.push({ source: post.file, id, published: rfc3339(post.date), fingerprint });
      continue;
    }
    const previous = existing.id === id ? existing.previous : [...(existing.previous ?? []).filter((old) => old !== existing.id), existing.id];
    replaced.set(existing, { ...existing, source: post.file, id, fingerprint, ...(previous?.length ? { previous } : {}) });
  }
  return [...entries.map((entry) => replaced.get(entry) ?? entry), ...added];
}

function importMatch(post: Post, item: ComparableItem, by: ImportMatch['by']): ImportMatch {
  // A post's front-matter id is what it is published with; the ledger cannot override it.
  const frontMatterId = post.identityLines.id !== undefined && post.id !== item.id ? { frontMatterId: post.id } : {};
  return { source: post.file, id: item.id, by, ...frontMatterId };
}

/** `HTTPS://Example.org/Blog/a/index.html` and `http://example.org/blog/a` are one link. */
function comparableLink(link: string): string {
  return link
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[?#].*$/, '')
    .replace(/\/index\.html?$/, '')
    .replace(/\/+$/, '');
}

function sameTitleAndDate(post: Post, item: ComparableItem): boolean {
  if (item.title === undefined || item.date === undefined) return false;
  const date = Date.parse(item.date);
  return comparableTitle(item.title) === comparableTitle(post.title) && Math.abs(date - post.date.getTime()) < SAME_DAY_MS;
}

/** Titles as text: feeds carry them as HTML (`Beta &amp; more`, Atom type="html") or as plain text. */
const comparableTitle = (title: string) =>
  title
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_match, reference: string) => {
      const lower = reference.toLowerCase();
      if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
      if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
      return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower]!;
    })
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

function groupBy<T>(values: readonly T[], key: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) groups.set(key(value), [...(groups.get(key(value)) ?? []), value]);
  return groups;
}
