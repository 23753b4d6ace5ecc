// The built feed against the one published today, item by item (matched by id): what readers
// will see as added, changed, removed or pushed out by the limit — and, worst of all, an item
// whose id changed, which every reader shows again as new. Pure: items in, comparison out.
import type { Diagnostic, FeedFormat } from '../model.js';
import type { ComparableItem } from './read-feed.js';

export type ChangedField = 'title' | 'content' | 'date';

/** An item as a report names it. */
export interface ItemSummary {
  id: string;
  title?: string;
  link?: string;
  date?: string;
}

export interface ChangedItem extends ItemSummary {
  fields: ChangedField[];
}

/** A change that fails the check unless it is intended. */
export interface RemovedItem extends ItemSummary {
  intended: boolean;
}

export interface IdChange {
  /** The id published today. */
  from: string;
  /** The id the built feed gives the item with the same link. */
  to: string;
  link: string;
  title?: string;
  intended: boolean;
}

export interface FeedComparison {
  format: FeedFormat;
  /** The published feed: its URL or path. */
  published: string;
  /** The built feed file. */
  built: string;
  added: ItemSummary[];
  changed: ChangedItem[];
  removed: RemovedItem[];
  /** Missing from the built feed because newer items filled it to the limit: not an error. */
  pushedOut: ItemSummary[];
  idsChanged: IdChange[];
  unchanged: number;
}

/** A change the check would fail on, as an `intended` predicate sees it. */
export type FeedChange = { kind: 'id-changed'; from: string; to: string; link: string } | { kind: 'removed'; id: string };

export interface CompareOptions {
  /** The config's `limit` (0 = all): a full feed pushes its oldest items out. */
  limit: number;
  /**
   * Says which failing changes were made on purpose (the id ledger will answer from its
   * records): those are reported and do not fail the check. Default: none.
   */
  intended?: (change: FeedChange) => boolean;
}

export function compareFeeds(
  published: { name: string; items: readonly ComparableItem[] },
  built: { file: string; format: FeedFormat; items: readonly ComparableItem[] },
  options: CompareOptions,
): FeedComparison {
  const intended = options.intended ?? (() => false);
  const comparison: FeedComparison = {
    format: built.format,
    published: published.name,
    built: built.file,
    added: [],
    changed: [],
    removed: [],
    pushedOut: [],
    idsChanged: [],
    unchanged: 0,
  };
  const builtById = new Map(built.items.map((item) => [item.id, item]));
  const publishedIds = new Set(published.items.map((item) => item.id));
  // Only a built item whose id is new can be the same post under a changed id.
  const newByLink = new Map<string, ComparableItem>();
  for (const item of built.items) {
    if (item.link !== undefined && !publishedIds.has(item.id)) newByLink.set(linkKey(item.link), item);
  }
  const renamed = new Set<string>();
  const oldest = oldestInstant(built.items);
  const full = options.limit > 0 && built.items.length >= options.limit;

  for (const old of published.items) {
    const now = builtById.get(old.id);
    if (now !== undefined) {
      const fields = changedFields(old, now);
      if (fields.length > 0) comparison.changed.push({ ...summary(now), fields });
      else comparison.unchanged += 1;
      continue;
    }
    const successor = old.link === undefined ? undefined : newByLink.get(linkKey(old.link));
    if (successor !== undefined && !renamed.has(successor.id)) {
      renamed.add(successor.id);
      const change = { from: old.id, to: successor.id, link: old.link! };
      comparison.idsChanged.push({ ...change, ...optional('title', successor.title ?? old.title), intended: intended({ kind: 'id-changed', ...change }) });
      continue;
    }
    const date = instant(old.date ?? old.updated);
    // Equal dates are ordered by id, so an item as old as the oldest kept one may have gone too.
    if (full && date !== undefined && oldest !== undefined && date <= oldest) {
      comparison.pushedOut.push(summary(old));
    } else {
      comparison.removed.push({ ...summary(old), intended: intended({ kind: 'removed', id: old.id }) });
    }
  }
  for (const item of built.items) {
    if (!publishedIds.has(item.id) && !renamed.has(item.id)) comparison.added.push(summary(item));
  }
  return comparison;
}

/** One error per change readers would suffer from that nobody marked as intended. */
export function comparisonDiagnostics(comparison: FeedComparison): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const error = (code: string, field: string, message: string): Diagnostic => ({ severity: 'error', code, file: comparison.built, field, message });
  for (const change of comparison.idsChanged) {
    if (change.intended) continue;
    diagnostics.push(
      error(
        'id-changed',
        change.from,
        `the item at ${change.link} is now published with the id ${change.to}; every reader will show it again as new ` +
          `(give the post "id: ${change.from}" in its front matter to keep it)`,
      ),
    );
  }
  for (const item of comparison.removed) {
    if (item.intended) continue;
    diagnostics.push(
      error(
        'item-removed',
        item.id,
        `${item.title !== undefined ? `"${item.title}" ` : ''}is in the published feed (${comparison.published}) but not in the new one, ` +
          'and no newer item pushed it out: was its post deleted, made a draft or dated in the future?',
      ),
    );
  }
  return diagnostics;
}

function changedFields(old: ComparableItem, now: ComparableItem): ChangedField[] {
  const fields: ChangedField[] = [];
  if ((old.title ?? '').trim() !== (now.title ?? '').trim()) fields.push('title');
  if ((old.content ?? '') !== (now.content ?? '')) fields.push('content');
  if (!sameDate(old.date, now.date) || !sameDate(old.updated, now.updated)) fields.push('date');
  return fields;
}

/** The same moment, whichever format wrote it (RFC 822 or RFC 3339); text that is no date compares as text. */
function sameDate(a: string | undefined, b: string | undefined): boolean {
  const [first, second] = [instant(a), instant(b)];
  return first !== undefined && second !== undefined ? first === second : a === b;
}

function instant(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}

function oldestInstant(items: readonly ComparableItem[]): number | undefined {
  let oldest: number | undefined;
  for (const item of items) {
    const time = instant(item.date ?? item.updated);
    if (time !== undefined && (oldest === undefined || time < oldest)) oldest = time;
  }
  return oldest;
}

/** Links compare in the URL parser's canonical form (host case, default port, percent-encoding). */
function linkKey(link: string): string {
  return URL.canParse(link) ? new URL(link).href : link;
}

function summary(item: ComparableItem): ItemSummary {
  return { id: item.id, ...optional('title', item.title), ...optional('link', item.link), ...optional('date', item.date ?? item.updated) };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
