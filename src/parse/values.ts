// The rules for values that front matter and config share: e-mail addresses, http(s) URLs, ids
// and language tags. Each rule accepts only what the W3C Feed Validation Service accepts
// (feedvalidator/validators.py: addr_spec, rfc2396_full, tag_re, urn_re; uri.py: canonicalForm
// for atom:id), and each runs in linear time: no regular expression here can backtrack.

/** Longer URLs and ids are refused before any parsing; real ones are far shorter. */
const MAX_URL_LENGTH = 8_192;
/** RFC 5321: a path, and so an address, is at most 254 characters. */
const MAX_EMAIL_LENGTH = 254;
const MAX_LANGUAGE_TAG_LENGTH = 100;

export type UrlResult = { url: string } | { problem: string };
export type IdResult = { id: string } | { problem: string };
export type LanguageTagResult = { tag: string } | { problem: string };

// ---------------------------------------------------------------------------------------------
// E-mail

/** atext of RFC 5322 (the validator's local-part set): letters, digits and !#$%&'*+-/=?^_`{|}~ */
const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;

/**
 * An RFC 5322 addr-spec in the dot-atom form the feed validator takes: `local@domain.tld`, no
 * quoted local parts, no comments, no display name, a domain of at least two labels.
 */
export function isEmailAddress(text: string): boolean {
  if (text.length > MAX_EMAIL_LENGTH) return false;
  const at = text.indexOf('@');
  if (at <= 0 || text.indexOf('@', at + 1) >= 0) return false;
  const local = text.slice(0, at).split('.');
  if (!local.every((atom) => ATEXT.test(atom))) return false;
  return isDomainName(text.slice(at + 1));
}

/** Host name of two or more labels (`example.com`, `xn--80ak6aa92e.com`); no trailing dot. */
function isDomainName(text: string): boolean {
  const labels = text.split('.');
  return labels.length >= 2 && text.length <= 253 && labels.every((label) => label.length <= 63 && LABEL.test(label));
}

// ---------------------------------------------------------------------------------------------
// URLs

const UNRESERVED = /[A-Za-z0-9\-._~]/;
/** RFC 3986 pchar without the unreserved characters and percent-encodings: sub-delims, ":" and "@". */
const PCHAR_DELIMITERS = "!$&'()*+,;=:@";
const PATH_SAFE = `${PCHAR_DELIMITERS}/`;
const QUERY_SAFE = `${PCHAR_DELIMITERS}/?`;
/** The validator's rfc2396_full pattern, which every URL and id here must match. */
const VALIDATOR_URI = /^[A-Za-z][A-Za-z0-9+\-.]*:(?:\/\/)?[A-Za-z0-9;/?:@&=+$.\-_!~*'()%,#]+$/;
/** Control characters, and the white space WHATWG URL parsing silently deletes (tab, line breaks). */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const HEX = /^[0-9A-Fa-f]{2}$/;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * An absolute http or https URL, normalized to the form the feed validator calls canonical:
 * WHATWG-parsed (lower-case scheme and host, IDN hosts in punycode, default port dropped, dot
 * segments resolved), then every character RFC 3986 does not allow percent-encoded (`|`, `[`,
 * `]`, `^`, `{`, `}`, backtick, `"`, `<`, `>`, space), percent-encodings in upper case and
 * unreserved characters decoded. Refused: other schemes, no host, a user name or password, a
 * backslash (browsers read it as `/`, other programs do not), control characters, IP-v6 literals
 * and hosts that are not domain names or IPv4 addresses.
 */
export function httpUrl(text: string): UrlResult {
  const value = text.trim();
  const refused = refusedUrlText(value);
  if (refused) return { problem: refused };
  if (!/^https?:\/\//i.test(value)) {
    const scheme = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(value);
    const name = scheme?.[1]!.toLowerCase();
    return {
      problem: name && name !== 'http' && name !== 'https'
        ? `must be an http or https URL, not ${name}:`
        : 'must be an absolute URL that starts with https:// or http:// (like https://example.com/page)',
    };
  }
  const afterSlashes = value.slice(value.indexOf('//') + 2);
  const authority = afterSlashes.slice(0, firstIndexOf(afterSlashes, '/?#'));
  if (authority === '') return { problem: 'has no host after "//" (like https://example.com/page)' };
  if (authority.includes('@')) return { problem: 'contains a user name or password before "@"; it would be published in every feed' };

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: 'is not a valid URL' };
  }
  const host = url.hostname;
  if (host.startsWith('[')) return { problem: 'has an IPv6 address as its host; feed validators accept host names and IPv4 addresses only' };
  if (!isDomainName(host) && !/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) {
    return { problem: `has the host "${host}", which is not a domain name (like example.com)` };
  }
  const rest = canonicalTail(url.href.slice(url.protocol.length + 2 + url.host.length));
  if ('problem' in rest) return rest;
  return checked(`${url.protocol}//${url.host}${rest.text}`, (url) => ({ url }));
}

function refusedUrlText(value: string): string | undefined {
  if (value.length > MAX_URL_LENGTH) return `is longer than ${MAX_URL_LENGTH.toLocaleString('en-US')} characters`;
  if (CONTROL.test(value)) return 'contains a control character or a line break';
  if (value.includes('\\')) return 'contains a backslash (\\); browsers read it as "/" and other programs do not: write "/" or %5C';
  return undefined;
}

function firstIndexOf(text: string, characters: string): number {
  for (let index = 0; index < text.length; index += 1) if (characters.includes(text[index]!)) return index;
  return text.length;
}

/** Path (or opaque part), query and fragment in canonical form (see httpUrl). */
function canonicalTail(tail: string): { text: string } | { problem: string } {
  const hash = tail.indexOf('#');
  const beforeHash = hash < 0 ? tail : tail.slice(0, hash);
  const question = beforeHash.indexOf('?');
  const path = canonicalPart(question < 0 ? beforeHash : beforeHash.slice(0, question), PATH_SAFE);
  const query = question < 0 ? '' : canonicalPart(beforeHash.slice(question + 1), QUERY_SAFE);
  const fragment = hash < 0 ? '' : canonicalPart(tail.slice(hash + 1), QUERY_SAFE);
  for (const part of [path, query, fragment]) if (typeof part !== 'string') return part;
  return { text: `${path}${question < 0 ? '' : `?${query}`}${hash < 0 ? '' : `#${fragment}`}` };
}

/**
 * One component, scanned once: unreserved and `safe` characters stay, percent-encodings of
 * unreserved characters are decoded, other percent-encodings are upper-cased (and must be
 * UTF-8), everything else is percent-encoded as UTF-8.
 */
function canonicalPart(text: string, safe: string): string | { problem: string } {
  let out = '';
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (character === '%') {
      const run = percentRun(text, index);
      if ('problem' in run) return run;
      out += run.text;
      index = run.end;
    } else if (UNRESERVED.test(character) || safe.includes(character)) {
      out += character;
      index += 1;
    } else {
      const codePoint = String.fromCodePoint(text.codePointAt(index)!);
      out += encodeBytes(utf8.encode(codePoint));
      index += codePoint.length;
    }
  }
  return out;
}

/** A run of %XX escapes starting at `start`: decoded where unreserved, checked as UTF-8 otherwise. */
function percentRun(text: string, start: number): { text: string; end: number } | { problem: string } {
  const bytes: number[] = [];
  let end = start;
  while (text[end] === '%') {
    const hex = text.slice(end + 1, end + 3);
    if (!HEX.test(hex)) return { problem: `has a "%" not followed by two hexadecimal digits (write %25 for a percent sign)` };
    bytes.push(Number.parseInt(hex, 16));
    end += 3;
  }
  let decoded: string;
  try {
    decoded = strictUtf8.decode(new Uint8Array(bytes));
  } catch {
    return { problem: 'has percent-encoded bytes that are not UTF-8' };
  }
  let out = '';
  for (const character of decoded) {
    // Reserved characters keep their escape: %2F in a path is not a "/".
    out += UNRESERVED.test(character) ? character : encodeBytes(utf8.encode(character));
  }
  return { text: out, end };
}

function encodeBytes(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}

function checked<T>(value: string, wrap: (value: string) => T): T | { problem: string } {
  // Every rule above should already guarantee this; a miss is refused, never published.
  return VALIDATOR_URI.test(value) ? wrap(value) : { problem: 'cannot be written in a form feed validators accept' };
}

// ---------------------------------------------------------------------------------------------
// Ids

const ID_SHAPES =
  'must be an absolute http(s) URL, a tag: URI (tag:example.com,2023:post-1) or a urn: (urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66)';
/** RFC 4151: tag:authority,date:specific[#fragment]; authority a domain or an e-mail address. */
const TAG = /^tag:(?:([a-z0-9._-]+)@)?([a-z0-9.-]+),(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?:([^#]*)(?:#(.*))?$/;
/** RFC 8141 NID: 2 to 32 letters, digits and hyphens, starting with a letter or digit, not ending with a hyphen. */
const URN = /^urn:([A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]):(.+)$/;
/** The validator's NSS characters (urn_re), besides %XX. */
const URN_NSS_CHARACTER = /[A-Za-z0-9()+,.:=@;$_!*'-]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An id for atom:id, RSS guid and JSON Feed id: an absolute http(s) URL (as httpUrl), a `tag:`
 * URI (RFC 4151) or a `urn:` (RFC 8141), in the form the validator calls canonical.
 */
export function normalizeId(text: string): IdResult {
  const value = text.trim();
  // An id is compared character for character forever: white space in one is a typo, never encoded away.
  if (/\s/.test(value)) return { problem: `contains white space; ${ID_SHAPES.replace('must be', 'an id must be')}` };
  const scheme = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    const result = httpUrl(value);
    return 'url' in result ? { id: result.url } : result;
  }
  const refused = refusedUrlText(value);
  if (refused) return { problem: refused };
  // The scheme is case-insensitive (RFC 3986); the canonical form is lower case.
  const lowered = scheme ? `${scheme}${value.slice(scheme.length)}` : value;
  if (scheme === 'tag') return tagId(lowered);
  if (scheme === 'urn') return urnId(lowered);
  return { problem: ID_SHAPES };
}

function tagId(value: string): IdResult {
  const match = TAG.exec(value);
  const shape = 'must be a tag: URI like tag:example.com,2023:post-1 (a lower-case domain or e-mail address, a comma, a year or date, a colon)';
  if (!match) return { problem: shape };
  const [, , domain, year, month, day] = match;
  if (!isDomainName(domain!) && !LABEL.test(domain!)) return { problem: shape };
  if (month !== undefined && (Number(month) < 1 || Number(month) > 12)) return { problem: `has the month ${month}, which does not exist` };
  if (day !== undefined && (Number(day) < 1 || Number(day) > new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate())) {
    return { problem: `has the day ${year}-${month}-${day}, which does not exist` };
  }
  const specificStart = value.indexOf(':', 'tag:'.length) + 1;
  const tail = canonicalTail(value.slice(specificStart));
  if ('problem' in tail) return tail;
  return checked(`${value.slice(0, specificStart)}${tail.text}`, (id) => ({ id }));
}

function urnId(value: string): IdResult {
  const match = URN.exec(value);
  if (!match) return { problem: 'must be a urn: like urn:isbn:0451450523 (urn:, a 2–32 character namespace, a colon, the name)' };
  const [, namespace, name] = match;
  if (namespace!.toLowerCase() === 'uuid' && !UUID.test(name!)) return { problem: 'must be urn:uuid: and a UUID like 6e8bc430-9c3a-11d9-9669-0800200c9a66' };
  let nss = '';
  for (let index = 0; index < name!.length; ) {
    const character = name![index]!;
    if (character === '%') {
      const run = percentRun(name!, index);
      if ('problem' in run) return run;
      nss += run.text;
      index = run.end;
    } else if (URN_NSS_CHARACTER.test(character)) {
      nss += character;
      index += 1;
    } else if (character.charCodeAt(0) > 0x7f) {
      // Letters of any script are written as their UTF-8 bytes, percent-encoded (RFC 3987's mapping).
      const codePoint = String.fromCodePoint(name!.codePointAt(index)!);
      nss += encodeURIComponent(codePoint);
      index += codePoint.length;
    } else {
      return { problem: `contains "${character}", which a urn: name may not (letters, digits, ()+,-.:=@;$_!*' and %XX)` };
    }
  }
  // Decoding %7E gives "~", which the validator refuses in a urn.
  if (nss.includes('~')) return { problem: 'contains "~" (or %7E), which a urn: name may not' };
  return checked(`urn:${namespace}:${nss}`, (id) => ({ id }));
}

// ---------------------------------------------------------------------------------------------
// Language tags

/** A BCP 47 language tag in canonical case and form (`en-us` → `en-US`, `iw` → `he`). */
export function canonicalLanguageTag(text: string): LanguageTagResult {
  const problem = { problem: 'is not a BCP 47 language tag (like en, pt-BR or zh-Hant)' };
  if (text.length === 0 || text.length > MAX_LANGUAGE_TAG_LENGTH) return problem;
  try {
    const tags = Intl.getCanonicalLocales(text);
    return tags.length === 1 ? { tag: tags[0]! } : problem;
  } catch {
    return problem;
  }
}
