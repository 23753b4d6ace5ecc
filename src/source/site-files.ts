// Reads what `postfeed init` looks at in a site: named files (their text) and named folders
// (whether they hold posts). Never runs or imports anything.
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** A site's config file is a few kilobytes; a larger one is not read (its values become placeholders). */
const MAX_TEXT_BYTES = 1024 * 1024;
/** Enough to find one post in a posts folder with page bundles, without walking a huge tree. */
const MAX_MARKDOWN_DEPTH = 3;
const MAX_ENTRIES_VISITED = 2_000;

export type SiteEntry = { kind: 'file'; text?: string } | { kind: 'folder'; hasPosts: boolean };

/** Paths relative to the site root, with `/` separators, → what is there. Absent paths are absent. */
export type SiteFiles = ReadonlyMap<string, SiteEntry>;

/** `postExtensions` (lower case, with the dot) say which files in a folder are posts; by default Markdown's. */
export async function readSiteFiles(
  root: string,
  wanted: { files?: readonly string[]; folders?: readonly string[]; postExtensions?: readonly string[] },
): Promise<SiteFiles> {
  const found = new Map<string, SiteEntry>();
  for (const relative of wanted.files ?? []) {
    const stat = await fs.stat(path.join(root, relative)).catch(() => undefined);
    if (!stat?.isFile()) continue;
    const text = stat.size <= MAX_TEXT_BYTES ? await fs.readFile(path.join(root, relative), 'utf8').catch(() => undefined) : undefined;
    found.set(relative, text === undefined ? { kind: 'file' } : { kind: 'file', text: text.replace(/^\uFEFF/, '') });
  }
  for (const relative of wanted.folders ?? []) {
    const stat = await fs.stat(path.join(root, relative)).catch(() => undefined);
    if (stat?.isDirectory()) found.set(relative, { kind: 'folder', hasPosts: await holdsPosts(path.join(root, relative), wanted.postExtensions ?? ['.md', '.markdown']) });
  }
  return found;
}

/** Whether a post file sits in the folder or a few levels below. */
async function holdsPosts(folder: string, extensions: readonly string[]): Promise<boolean> {
  let visited = 0;
  const search = async (current: string, depth: number): Promise<boolean> => {
    const entries = await fs.readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (++visited > MAX_ENTRIES_VISITED) return false;
      if (entry.name.startsWith('.')) continue;
      if (entry.isFile() && extensions.includes(path.extname(entry.name).toLowerCase())) return true;
      if (entry.isDirectory() && depth < MAX_MARKDOWN_DEPTH && (await search(path.join(current, entry.name), depth + 1))) return true;
    }
    return false;
  };
  return search(folder, 1);
}
