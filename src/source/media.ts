// Local media (a post's `image:` path): the size of a file inside the posts folder, and nothing else.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Post } from '../model.js';
import { isLocalReference } from '../render/enclosure.js';
import { isInside } from './posts.js';

export type MediaSize = { size: number } | { code: string; problem: string };

/**
 * The size of the file a post's relative `ref` (as written in front matter, percent-encoded like a
 * URL path) names, or why it cannot be used. The file is judged by its real path, after every link
 * is followed: a dot-named link the walk never looked at, or `../`, cannot reach outside
 * `postsRoot` (the real path of the posts folder, `LoadedPosts.root`). Only regular files count.
 */
export async function mediaFileSize(postsRoot: string, postFile: string, ref: string): Promise<MediaSize> {
  const encoded = ref.split(/[?#]/)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    return { code: 'image-bad-escape', problem: `"${ref}" has a malformed percent-escape; write % as %25` };
  }
  if (decoded.includes('\0')) return { code: 'image-bad-escape', problem: `"${ref}" contains a NUL character (%00)` };
  let real: string;
  let local = path.resolve(path.dirname(postFile), decoded);
  try {
    // The post's own folder by its real path first, so "../" is measured where the post really is.
    local = path.resolve(await fs.realpath(path.dirname(postFile)), decoded);
    real = await fs.realpath(local);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!isInside(local, postsRoot)) return { code: 'image-outside-posts', problem: `"${ref}" points outside the posts folder` };
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { code: 'image-not-found', problem: `"${ref}" not found (looked for ${path.relative(postsRoot, local)} in the posts folder)` };
    }
    if (code === 'ELOOP') return { code: 'image-symlink-loop', problem: `"${ref}" is a symlink loop` };
    return { code: 'image-unreadable', problem: `"${ref}" cannot be read (${code ?? (error as Error).message})` };
  }
  if (!isInside(real, postsRoot)) return { code: 'image-outside-posts', problem: `"${ref}" points outside the posts folder` };
  try {
    const stat = await fs.stat(real);
    if (!stat.isFile()) return { code: 'image-not-regular-file', problem: `"${ref}" is not a regular file` };
    return { size: stat.size };
  } catch (error) {
    return { code: 'image-unreadable', problem: `"${ref}" cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
}

/** What a post's local `image:` file is, judged by its real path inside the posts folder; undefined when it names none. */
export async function postMedia(post: Pick<Post, 'file' | 'image'>, postsRoot: string, cwd: string): Promise<MediaSize | undefined> {
  const image = post.image?.value;
  return image && isLocalReference(image) ? mediaFileSize(postsRoot, path.resolve(cwd, post.file), image) : undefined;
}
