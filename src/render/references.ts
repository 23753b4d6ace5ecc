// Links between posts written as generator references — Jekyll `{% post_url 2010-07-21-name %}`
// and `{% link _posts/2010-07-21-name.md %}`, Hugo `{{< ref "posts/name.md" >}}` — resolved to
// the target post's permalink.
import type { Post } from '../model.js';

/** Resolves a reference to a post's permalink (keeping a `#fragment`), or undefined when no post matches. */
export type PostResolver = (reference: string) => string | undefined;

/** Indexes `posts` on the first reference resolved: most builds resolve none (and a warm one only the cached renders' references). */
export function postResolver(posts: readonly Pick<Post, 'file' | 'permalink'>[]): PostResolver {
  let resolve: PostResolver | undefined;
  return (reference) => (resolve ??= indexedResolver(posts))(reference);
}

function indexedResolver(posts: readonly Pick<Post, 'file' | 'permalink'>[]): PostResolver {
  const byPath = new Map<string, string>();
  const byName = new Map<string, string | null>(); // null: two posts share the name, so it names neither
  // Every tail of every path after a "/", first post first: `2020/x.md` finds `posts/2020/x.md`.
  const bySuffix = new Map<string, string>();
  for (const post of posts) {
    const file = post.file.split('\\').join('/');
    byPath.set(file, post.permalink);
    for (let slash = file.indexOf('/'); slash >= 0; slash = file.indexOf('/', slash + 1)) {
      const suffix = file.slice(slash + 1);
      if (!bySuffix.has(suffix)) bySuffix.set(suffix, post.permalink);
    }
    for (const name of namesOf(file)) byName.set(name, byName.has(name) && byName.get(name) !== post.permalink ? null : post.permalink);
  }
  return (reference) => {
    const [target = '', fragment] = reference.trim().replace(/^["']|["']$/g, '').split('#', 2);
    const cleaned = target.replace(/^\.?\/+/, '').replace(/\/+$/, '').replace(/\/index\.[a-z]+$/i, '');
    if (cleaned === '') return undefined;
    let permalink = byPath.get(cleaned) ?? bySuffix.get(cleaned);
    permalink ??= byName.get(stem(cleaned.split('/').pop()!)) ?? undefined;
    return permalink && fragment ? `${permalink}#${fragment}` : permalink;
  };
}

/** The names a post answers to: its file stem, with and without a date prefix; a bundle's folder. */
function namesOf(file: string): string[] {
  const parts = file.split('/');
  let name = stem(parts.pop()!);
  if (name === 'index' && parts.length > 0) name = parts.pop()!;
  return [name, name.replace(/^\d{4}-\d{1,2}-\d{1,2}[-_]/, '')];
}

function stem(name: string): string {
  return name.replace(/\.[^.]+$/, '');
}
