// Flag values several commands share, checked once: a bad value is a usage error naming the flag.
import { httpUrl } from '../parse/values.js';
import { UsageError } from './terminal.js';

/** A larger limit is surely a typo; 0 already means "every post". */
const MAX_LIMIT = 1_000_000_000;

/** Longer than this is surely a typo for milliseconds. */
const MAX_TIMEOUT_SECONDS = 600;

export function limitFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value) || Number(value) > MAX_LIMIT) {
    throw new UsageError(`--limit: must be a whole number from 0 (all posts) to ${MAX_LIMIT}, found "${value}"`);
  }
  return Number(value);
}

/** --base-url wins over POSTFEED_BASE_URL; a bad value names whichever one gave it. */
export function baseUrlOverride(flag: string | undefined, environment: string | undefined): string | undefined {
  const [source, value] = flag !== undefined ? ['--base-url', flag] : ['POSTFEED_BASE_URL', environment];
  if (value === undefined || (value === '' && source === 'POSTFEED_BASE_URL')) return undefined;
  const result = httpUrl(value);
  if ('problem' in result) throw new UsageError(`${source}: "${value}" ${result.problem}`);
  return result.url;
}

export function timeoutFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!/^\d+(?:\.\d+)?$/.test(value) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`--timeout: must be a number of seconds above 0 and at most ${MAX_TIMEOUT_SECONDS}, found "${value}"`);
  }
  return seconds * 1000;
}

/** More threads than this only add start-up time on any machine postfeed runs on. */
const MAX_WORKERS = 64;

/** --workers: how many worker threads parse and render; 1 keeps the build in one thread. */
export function workersFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) {
    throw new UsageError(`--workers: must be a whole number from 1 (no worker threads) to ${MAX_WORKERS}, found "${value}"`);
  }
  return Number(value);
}
