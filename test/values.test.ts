// The shared value rules (src/parse/values.ts): e-mail, http(s) URLs, ids and language tags.
// Whatever they accept must pass the W3C Feed Validation Service; the validator's own patterns
// (feedvalidator/validators.py) are copied below to check that, on short inputs only: several
// of them backtrack badly on long ones.
import { describe, expect, it } from 'vitest';
import { canonicalLanguageTag, httpUrl, isEmailAddress, normalizeId } from '../src/parse/values.js';

const VALIDATOR = {
  // addr_spec.email_re (re.I, re.match: anchored at the start)
  email: /^([A-Z0-9_\-+.'!#$%&*/=?^_`{|}~]+)@(([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([A-Z0-9-]+\.)+))([A-Z0-9][-A-Z0-9]*)$/i,
  // rfc2396_full.rfc2396_re: links, guids, atom:id
  uri: /^[a-zA-Z][0-9a-zA-Z+\-.]*:(\/\/)?[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,#]+$/,
  // httpURL.http_re: enclosure url
  http: /^(http|https):\/\/(([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([A-Z0-9-]+\.)+))([A-Z0-9][-A-Z0-9]*)(?::\d+)?(\/|$)/i,
  tag: /^tag:([a-z0-9\-._]+?@)?[a-z0-9.-]+?,\d{4}(-\d{2}(-\d{2})?)?:[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*(#[0-9a-zA-Z;/?:@&=+$.\-_!~*'()%,]*)?$/,
  urn: /^[Uu][Rr][Nn]:[a-zA-Z0-9][a-zA-Z0-9-]{1,31}:([a-zA-Z0-9()+,.:=@;$_!*'-]|%[0-9A-Fa-f]{2})+$/,
};

function seconds(run: () => void): number {
  const started = performance.now();
  run();
  return (performance.now() - started) / 1000;
}

describe('isEmailAddress', () => {
  it.each(['ann@example.com', 'a.b+feeds@mail.example.co.uk', "o'neil@example.org", 'x_y-z!#$%&*/=?^`{|}~@example.com', 'a@1.2.3.4', 'a@xn--80ak6aa92e.com'])(
    'accepts %s, as the feed validator does',
    (address) => {
      expect(isEmailAddress(address)).toBe(true);
      expect(address).toMatch(VALIDATOR.email);
    },
  );

  it.each([
    'a@b.c;d',
    'a"b@c.d',
    'a@-.-',
    'a@-example.com',
    'a@example-.com',
    'a@example',
    'a@example.com.',
    'a@.example.com',
    'a@example..com',
    '.a@example.com',
    'a.@example.com',
    'a..b@example.com',
    '@example.com',
    'a@',
    'a@@example.com',
    'a@b@example.com',
    'Ann <ann@example.com>',
    'ann@example.com (Ann)',
    '"ann"@example.com',
    'ann @example.com',
    'ann@example.com\n',
    'ann@exa_mple.com',
    'анна@example.com',
    'ann@пример.рф',
    '',
    `${'a'.repeat(250)}@example.com`,
  ])('refuses %j', (address) => {
    expect(isEmailAddress(address)).toBe(false);
  });

  it.each([
    ['dots after the @', `a@${'.'.repeat(200_000)}@`],
    ['labels without a dot at the end', `a@${'a.'.repeat(100_000)}!`],
    ['a long local part', `${'a'.repeat(200_000)} @example.com`],
    ['dashes', `a@${'-'.repeat(200_000)}.com`],
  ])('takes linear time on 200 KB of %s (the old pattern took minutes)', (_case, address) => {
    let result = true;
    expect(seconds(() => (result = isEmailAddress(address)))).toBeLessThan(1);
    expect(result).toBe(false);
  });
});

describe('httpUrl', () => {
  it.each([
    ['https://example.com', 'https://example.com/'],
    ['HTTPS://EXAMPLE.COM/Path', 'https://example.com/Path'],
    ['http://example.com:80/a', 'http://example.com/a'],
    ['https://example.com:8443/a', 'https://example.com:8443/a'],
    ['https://example.com/a/./b/../c', 'https://example.com/a/c'],
    ['https://example.com/a b', 'https://example.com/a%20b'],
    ['https://example.com/a|b[c]^{d}`e"f<g>', 'https://example.com/a%7Cb%5Bc%5D%5E%7Bd%7D%60e%22f%3Cg%3E'],
    ['https://example.com/?q=a|b[c]^{d}`e', 'https://example.com/?q=a%7Cb%5Bc%5D%5E%7Bd%7D%60e'],
    ['https://example.com/#frag|[x]#y', 'https://example.com/#frag%7C%5Bx%5D%23y'],
    ['https://example.com/%7euser/%2f/%e2%82%ac', 'https://example.com/~user/%2F/%E2%82%AC'],
    ['https://example.com/%41%42', 'https://example.com/AB'],
    ['https://example.com/пример?q=ü#é', 'https://example.com/%D0%BF%D1%80%D0%B8%D0%BC%D0%B5%D1%80?q=%C3%BC#%C3%A9'],
    ['https://пример.рф/', 'https://xn--e1afmkfd.xn--p1ai/'],
    // Written characters are kept as written (no Unicode normalization): an id must not change under its author.
    ['https://example.com/e\u0301', 'https://example.com/e%CC%81'],
    ["https://example.com/a!$&'()*+,;=:@/b?c=d&e=f/g?h", "https://example.com/a!$&'()*+,;=:@/b?c=d&e=f/g?h"],
    ['https://example.com/?', 'https://example.com/?'],
    ['  https://example.com/  ', 'https://example.com/'],
    ['http://192.168.0.1/x', 'http://192.168.0.1/x'],
  ])('%s → %s, which the feed validator accepts', (text, expected) => {
    const result = httpUrl(text);
    expect(result).toEqual({ url: expected });
    expect(expected).toMatch(VALIDATOR.uri);
    expect(expected).toMatch(VALIDATOR.http);
  });

  it.each([
    ['https://user:secret@example.com/', /user name or password/],
    ['https://user@example.com/', /user name or password/],
    ['https://@example.com/', /user name or password/],
    ['https://example.com\\@evil.com/', /backslash/],
    ['https://example.com/a\\b', /backslash/],
    ['ftp://example.com/', /http or https URL, not ftp:/],
    ['javascript:alert(1)', /http or https URL, not javascript:/],
    ['JavaScript:alert(1)', /not javascript:/],
    ['mailto:a@example.com', /not mailto:/],
    ['//example.com/a', /starts with https:\/\//],
    ['/a/b', /starts with https:\/\//],
    ['example.com', /starts with https:\/\//],
    ['https:example.com', /starts with https:\/\//],
    ['https:/example.com', /starts with https:\/\//],
    ['https:///example.com', /no host/],
    ['https://', /no host/],
    ['https://exa\nmple.com/', /control character or a line break/],
    ['https://exa\tmple.com/', /control character/],
    ['https://example.com/\u0000', /control character/],
    ['https://[::1]/', /IPv6/],
    ['https://localhost/', /"localhost", which is not a domain name/],
    ['https://example.com./', /not a domain name/],
    ['https://exa_mple.com/', /not a domain name/],
    ['https://-example.com/', /not a domain name/],
    ['https://exa mple.com/', /not a valid URL/],
    ['https://example.com:99999/', /not a valid URL/],
    ['https://example.com/100%', /"%" not followed by two hexadecimal digits/],
    ['https://example.com/%zz', /"%" not followed/],
    ['https://example.com/%ff', /not UTF-8/],
    [`https://example.com/${'a'.repeat(9_000)}`, /longer than 8,192 characters/],
  ])('refuses %j', (text, problem) => {
    const result = httpUrl(text);
    expect('problem' in result && result.problem).toMatch(problem);
  });

  it.each([
    ['path characters', `https://example.com/${'|'.repeat(8_000)}`],
    ['percent escapes', `https://example.com/${'%41'.repeat(2_700)}`],
    ['a long host', `https://${'a.'.repeat(4_000)}com/`],
    ['200 KB', `https://example.com/${'a/'.repeat(100_000)}`],
  ])('takes linear time on hostile %s', (_case, text) => {
    expect(seconds(() => httpUrl(text))).toBeLessThan(1);
  });
});

describe('normalizeId', () => {
  it.each([
    ['https://example.com/posts/1', 'https://example.com/posts/1', VALIDATOR.uri],
    ['HTTP://Example.com/a|b', 'http://example.com/a%7Cb', VALIDATOR.uri],
    ['tag:example.com,2023:post-1', 'tag:example.com,2023:post-1', VALIDATOR.tag],
    ['TAG:example.com,2023-07:post-1', 'tag:example.com,2023-07:post-1', VALIDATOR.tag],
    ['tag:ann@example.com,2023-07-01:a/b?c', 'tag:ann@example.com,2023-07-01:a/b?c', VALIDATOR.tag],
    ['tag:example.com,2023:a|c{d}#e^', 'tag:example.com,2023:a%7Cc%7Bd%7D#e%5E', VALIDATOR.tag],
    ['tag:example.com,2023:%7euser', 'tag:example.com,2023:~user', VALIDATOR.tag],
    ['tag:example.com,2023:', 'tag:example.com,2023:', VALIDATOR.tag],
    ['urn:isbn:0451450523', 'urn:isbn:0451450523', VALIDATOR.urn],
    ['URN:ISBN:0451450523', 'urn:ISBN:0451450523', VALIDATOR.urn],
    ['urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66', 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66', VALIDATOR.urn],
    ['urn:example:a%2fb%41', 'urn:example:a%2FbA', VALIDATOR.urn],
    ["urn:ex:()+,-.:=@;$_!*'", "urn:ex:()+,-.:=@;$_!*'", VALIDATOR.urn],
  ])('%s → %s', (text, expected, pattern) => {
    expect(normalizeId(text)).toEqual({ id: expected });
    expect(expected).toMatch(pattern);
    expect(expected).toMatch(VALIDATOR.uri);
  });

  it.each([
    ['tag:abc', /tag: URI like tag:example.com,2023:post-1/],
    ['tag:example.com:post-1', /tag: URI like/],
    ['tag:example.com,23:post-1', /tag: URI like/],
    ['tag:Example.com,2023:post-1', /lower-case domain/],
    ['tag:example.com,2023-13:x', /month 13/],
    ['tag:example.com,2023-02-30:x', /day 2023-02-30/],
    ['tag:.example.com,2023:x', /tag: URI like/],
    ['tag:example.com,2023:a\\b', /backslash/],
    ['tag:example.com,2023:100%', /"%" not followed/],
    ['urn:aaa', /urn: like urn:isbn:0451450523/],
    ['urn:a:b', /urn: like/],
    ['urn:-ab:b', /urn: like/],
    ['urn:ab-:b', /urn: like/],
    [`urn:${'a'.repeat(33)}:b`, /urn: like/],
    ['urn:isbn:', /urn: like/],
    ['urn:ex:a/b', /contains "\/"/],
    ['urn:ex:a~b', /contains "~"/],
    ['urn:ex:a%7eb', /"~" \(or %7E\)/],
    ['urn:ex:a?+r', /contains "\?"/],
    ['urn:uuid:not-a-uuid', /urn:uuid: and a UUID/],
    ['https://user:pw@example.com/', /user name or password/],
    ['nope', /must be an absolute http\(s\) URL, a tag: URI \(tag:example.com,2023:post-1\) or a urn:/],
    ['mailto:a@example.com', /must be an absolute http\(s\) URL, a tag: URI/],
    ['', /must be an absolute http\(s\) URL/],
    // White space in an id is a typo, not something to percent-encode away.
    ['tag:example.com,2023:a b', /contains white space/],
    ['https://example.com/a b', /contains white space/],
  ])('refuses %j, saying the expected shape', (text, problem) => {
    const result = normalizeId(text);
    expect('problem' in result && result.problem).toMatch(problem);
  });

  it.each([
    ['a tag authority without a comma', `tag:${'a'.repeat(200_000)}`],
    ['a tag email part', `tag:${'a'.repeat(200_000)}@`],
    ['a urn name', `urn:ex:${'a'.repeat(200_000)}/`],
    ['tag dates', `tag:a,${'2023-'.repeat(40_000)}`],
  ])('takes linear time on 200 KB of %s', (_case, text) => {
    let result: object = {};
    expect(seconds(() => (result = normalizeId(text)))).toBeLessThan(1);
    expect(result).toHaveProperty('problem');
  });
});

describe('canonicalLanguageTag', () => {
  it.each([
    ['en', 'en'],
    ['en-us', 'en-US'],
    ['EN-GB', 'en-GB'],
    ['pt-BR', 'pt-BR'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    ['iw', 'he'],
    ['de-DE-u-co-phonebk', 'de-DE-u-co-phonebk'],
  ])('%s → %s', (text, tag) => {
    expect(canonicalLanguageTag(text)).toEqual({ tag });
  });

  it.each(['', 'e', 'en-a', 'en_US', 'en-', '-en', ' en', 'en US', 'x-private', '12', 'en-US-x', 'a'.repeat(101)])('refuses %j', (text) => {
    expect(canonicalLanguageTag(text)).toEqual({ problem: 'is not a BCP 47 language tag (like en, pt-BR or zh-Hant)' });
  });

  it('takes linear time on 200 KB', () => {
    expect(seconds(() => canonicalLanguageTag(`en-${'a-'.repeat(100_000)}`))).toBeLessThan(1);
  });
});
