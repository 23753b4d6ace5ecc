// Value rules shared by front matter and config: one check per kind of value.
// (Interim version; replaced by the hardened module.)

export function isEmailAddress(text: string): boolean {
  if (text.length > 254) return false;
  const at = text.lastIndexOf('@');
  if (at <= 0) return false;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  return /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(local) && /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/.test(domain);
}

export function httpUrl(text: string): { url: string } | { problem: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: `"${text}" is not an absolute http(s) URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: `"${text}" is not an absolute http(s) URL` };
  if (url.username || url.password) return { problem: 'must not carry a user name or password' };
  return { url: url.href };
}

export function normalizeId(text: string): { id: string } | { problem: string } {
  const problem = { problem: `"${text}" is not an absolute URL, tag: URI or urn: (ids never change once published)` };
  if (/\s/.test(text)) return problem;
  if (/^https?:/i.test(text)) {
    const url = httpUrl(text);
    return 'url' in url ? { id: url.url } : problem;
  }
  if (/^tag:[^,\s]+,\d{4}(?:-\d{2}(?:-\d{2})?)?:\S*$/i.test(text)) return { id: new URL(text).href };
  if (/^urn:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]:\S+$/i.test(text)) return { id: new URL(text).href };
  return problem;
}

export function canonicalLanguageTag(text: string): { tag: string } | { problem: string } {
  try {
    const [tag] = Intl.getCanonicalLocales(text);
    if (tag) return { tag };
  } catch {
    // fall through
  }
  return { problem: `"${text}" is not a BCP 47 language tag (like en, ru, pt-BR)` };
}
