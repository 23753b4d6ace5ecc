// The names postfeed keeps for itself inside the output folder, and which feed names may be written.

export const LOCK = '.postfeed.lock';
/** Added to the lock's name for the lock held while a stale lock is removed (output/lock.ts). */
export const TAKEOVER_SUFFIX = '.takeover';
export const JOURNAL = '.postfeed-commit.json';
export const STAGING_PREFIX = '.postfeed-staging-';

/**
 * Why `name` cannot be an output file name, or undefined when it can. A feed named like postfeed's
 * lock, journal or staging folder would be deleted or taken for them by a later run, and any other
 * dot name is hidden from most web servers.
 */
export function reservedOutputName(name: string): string | undefined {
  if (name === '') return 'is empty; give a file name such as "rss.xml"';
  if (/[/\\]/.test(name)) return `"${name}" must be a plain file name inside the output folder, without "/" or "\\"`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return `"${JSON.stringify(name).slice(1, -1)}" contains a control character`;
  if (name === LOCK) return `"${name}" is postfeed's lock file; choose another name`;
  if (name === JOURNAL || name.startsWith(`${JOURNAL}.tmp-`)) return `"${name}" is postfeed's commit journal; choose another name`;
  if (name.startsWith(STAGING_PREFIX)) return `"${name}" is postfeed's staging folder; choose another name`;
  if (name.startsWith('.')) return `"${name}" starts with "."; postfeed keeps such names for its own temporary files`;
  if (Buffer.byteLength(name) > 255) return `"${name.slice(0, 40)}…" is longer than a file name may be (255 bytes)`;
  return undefined;
}

/**
 * Why this set of output names cannot be written together, or undefined. Names that differ only in
 * letter case or Unicode normalization are the same file on macOS and Windows, so they count as one.
 */
export function outputNamesProblem(names: readonly string[]): string | undefined {
  const seen = new Map<string, string>();
  for (const name of names) {
    const reserved = reservedOutputName(name);
    if (reserved) return reserved;
    const key = name.normalize('NFC').toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return earlier === name
        ? `"${name}" is named twice; every feed needs its own file`
        : `"${earlier}" and "${name}" are the same file on case-insensitive file systems; every feed needs its own file`;
    }
    seen.set(key, name);
  }
  return undefined;
}
