// What every front matter language (YAML, TOML, JavaScript) is held to, and how going over a limit
// is worded: one place, so the three readers refuse the same input with the same message.
import type { FrontMatterLimits } from './front-matter.js';

/** Keys in all mappings together. A post has a dozen; tens of thousands make YAML parsers crawl. */
export const MAX_KEYS = 1_000;
/** Brackets and braces inside each other; the parser recurses per level and would exhaust the stack. */
export const MAX_FLOW_DEPTH = 100;
/** Values of any kind (keys, scalars, lists, mappings, aliases) in the whole front matter. */
export const MAX_NODES = 20_000;

export const LIMITS: FrontMatterLimits = { maxKeys: MAX_KEYS, maxNodes: MAX_NODES, maxDepth: MAX_FLOW_DEPTH, tooManyKeys, tooManyValues };

export function tooManyKeys(keys: number, atLeast = false): string {
  return `has ${atLeast ? 'at least ' : ''}${count(keys)} keys; the limit is ${count(MAX_KEYS)} (front matter is for a post's metadata)`;
}

export function tooManyValues(): string {
  return `has more than ${count(MAX_NODES)} values; front matter is for a post's metadata`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}
