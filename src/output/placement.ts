// Where the output folder may be: never the posts folder, inside it or around it, however reached.
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Why the output folder cannot be used with this posts folder, or undefined when it can. Compares
 * real paths, so a committed `dist -> posts` symlink (or a parent linked into posts) is caught
 * before anything is written. A folder that does not exist yet is judged by its nearest existing
 * ancestor, where it would be created.
 */
export function checkOutputPlacement(postsDir: string, outDir: string): string | undefined {
  const realPosts = realPathOf(postsDir);
  const realOut = realPathOf(outDir);
  // A file where the folder should be is the config's mistake, found before any work is done.
  const existing = statSync(realOut, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) return 'the output folder is an existing file, not a folder; name a folder in "out"';
  const inside = (child: string, parent: string) => child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
  if (!inside(realOut, realPosts) && !inside(realPosts, realOut)) return undefined;
  const relation = realOut === realPosts ? 'is the posts folder' : inside(realOut, realPosts) ? 'is inside the posts folder' : 'contains the posts folder';
  const through = realOut !== path.resolve(outDir) || realPosts !== path.resolve(postsDir) ? ` (through a symbolic link: ${realOut} and ${realPosts})` : '';
  return `the output folder may not be or overlap the posts folder: it ${relation}${through}`;
}

/** The real path of `target`, following links in every part of it that exists. */
function realPathOf(target: string): string {
  const absolute = path.resolve(target);
  const missing: string[] = [];
  let existing = absolute;
  for (;;) {
    try {
      return path.join(realpathSync.native(existing), ...missing);
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return absolute;
      missing.unshift(path.basename(existing));
      existing = parent;
    }
  }
}
