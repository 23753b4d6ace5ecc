// Generators for the fuzz tests: hostile text, Markdown bodies, valid dates, and whole posts.
// The YAML of the front matter is always valid (every value is a double-quoted scalar with YAML
// escapes for what YAML cannot carry raw): the content is fuzzed, not the YAML syntax.
import fc from 'fast-check';

const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, index) => String.fromCharCode(from + index));

/** Characters no XML document may carry, and the discouraged ones postfeed strips too. */
export const CONTROL_CHARACTERS = [...range(0x00, 0x1f), ...range(0x7f, 0x9f), '\uFFFE', '\uFFFF'];
export const LONE_SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D', '\uDE00'];
export const BIDI_CONTROLS = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'];
export const SPACES = [' ', '\t', '\n', '\r', '\r\n', '\u00A0', '\u1680', '\u2003', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000', '\uFEFF', '\u200B', '\u2060', '\u180E'];
const COMBINING = [...range(0x0300, 0x036f), '\u0483', '\u0489', '\u20DD', '\u20E3', '\uFE0F', '\uFE20', '\u1AB0'];
const EMOJI = ['😀', '👩‍👩‍👧‍👦', '🏳️‍🌈', '👍🏽', '🇺🇦', '🧑🏿‍🚀', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '𝕏', '𠜎', '𝄞', '\u{10FFFF}', '\u{E0001}', '\u{1F600}\u200D', '#\uFE0F\u20E3'];
const RTL_WORDS = ['שלום', 'עברית', 'مرحبا بالعالم', 'العربية', 'ܫܠܡܐ', 'ދިވެހި', 'ߒߞߏ', 'א\u05B0ב', 'سلام\u064B'];
const SCRIPT_WORDS = ['Привет', 'Ελληνικά', '日本語', '中文', '한국어', 'हिन्दी', 'ไทย', 'Zürich', 'straße', 'İı', 'ǅ', 'ﬁ', 'Å', 'A\u030A'];
const QUOTES = ['"', "'", '`', '“', '”', '‘', '’', '‚', '„', '‟', '«', '»', '‹', '›', '「', '」', '『', '』', '〝', '〞', '＂', '＇', '′', '″', '´', 'ʼ'];
const MARKUP_TOKENS = [
  ']]>', ']]', ']]]]>', '<![CDATA[', '<![CDATA[x]]>', '<script>alert(1)</script>', '<script', '</script>', '<SCRIPT SRC=//x.js>',
  '&amp;', '&amp;amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#39;', '&#x26;', '&#38;', '&#0;', '&#x0;', '&#xD800;', '&#1;', '&#x1F600;',
  '&#128512;', '&copy', '&copy;', '&nbsp;', '&notin;', '&not', '&ampx', '&AMP;', '&;', '&#;', '&#x;', '&x;', '&', '<', '>', '<b>', '</p>',
  '<!--', '-->', '<?xml version="1.0"?>', '<!DOCTYPE html>', '<!ENTITY x "y">', 'javascript:alert(1)', '\\', '\\"', '%00', '%s', '${x}',
  '{{x}}', '---', '...', '- ', '* ', '# ', ': ', ' #', '[x](y)', '*', '_', '~', '|', 'AT&T', 'a<b', 'x > y', 'http://example.com/?a=1&b=2',
  'xmlns="x"', ' xml:lang="x"', '<img src=x onerror=alert(1)>', '\u0000', '\u00AD', '$&', "$'", '$`', '$1', '$<x>', '$$',
];

const pick = (values: readonly string[]) => fc.constantFrom(...values);

/** One "character" of hostile text: a code point, a grapheme, a control or a fragment of markup. */
const nastyPiece: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }) },
  { weight: 2, arbitrary: pick(CONTROL_CHARACTERS) },
  { weight: 1, arbitrary: pick(LONE_SURROGATES) },
  { weight: 2, arbitrary: pick(BIDI_CONTROLS) },
  { weight: 2, arbitrary: pick(SPACES) },
  { weight: 2, arbitrary: fc.array(pick(COMBINING), { minLength: 1, maxLength: 8 }).map((marks) => `e${marks.join('')}`) },
  { weight: 2, arbitrary: pick(EMOJI) },
  { weight: 2, arbitrary: pick(RTL_WORDS) },
  { weight: 1, arbitrary: pick(SCRIPT_WORDS) },
  { weight: 2, arbitrary: pick(QUOTES) },
  { weight: 4, arbitrary: pick(MARKUP_TOKENS) },
);

/** Hostile text of a few dozen pieces. */
export const nastyText = (maxPieces = 12): fc.Arbitrary<string> =>
  fc.array(nastyPiece, { maxLength: maxPieces }).map((pieces) => pieces.join(''));

/** Very long text around `around` code units: a repeated piece, optionally with hostile text around it. */
const longText = (around: number): fc.Arbitrary<string> =>
  fc
    .tuple(nastyText(4), fc.constantFrom('x', 'é', '😀', 'ש', 'a b ', '&amp;', ']]>', '<'), fc.integer({ min: Math.max(1, around - 60), max: around + 60 }), nastyText(4))
    .map(([before, unit, length, after]) => before + unit.repeat(Math.ceil(length / unit.length)).slice(0, length) + after);

/** Text that is empty once forbidden characters are stripped and white space is trimmed. */
const blankText: fc.Arbitrary<string> = fc
  .array(fc.oneof(pick(CONTROL_CHARACTERS), pick(LONE_SURROGATES), pick(SPACES.filter((space) => /^\s+$/.test(space)))), { maxLength: 6 })
  .map((pieces) => pieces.join(''));

/** Something that survives stripping and trimming, so a field is not blank by accident. */
const visible: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: 1, maxLength: 8 }),
  pick(EMOJI),
  pick(RTL_WORDS),
  pick(SCRIPT_WORDS),
  pick(MARKUP_TOKENS.filter((token) => /[^\s\u0000-\u001f]/.test(token))),
);

/**
 * Text for a single-line field: hostile text around something visible; one case in
 * `1 + refusals` blank (refused where the field is required) or very long.
 */
export const fieldText = (longAround: number, refusals = 40): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: refusals, arbitrary: fc.tuple(nastyText(6), visible, nastyText(6)).map((parts) => parts.join('')) },
    { weight: 1, arbitrary: fc.oneof(blankText, nastyText(), longText(longAround)) },
  );

// ---------------------------------------------------------------- dates

export interface DateInput {
  /** As written in the front matter. */
  text: string;
  /** The instant it means (the config's timeZone is UTC). */
  millis: number;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** Every date form the README documents, with its instant computed independently. */
export const dateInput: fc.Arbitrary<DateInput> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc
      .record({
        year: fc.integer({ min: 1900, max: 9999 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 31 }),
        time: fc.option(
          fc.record({
            separator: fc.constantFrom('T', ' ', 't'),
            hour: fc.integer({ min: 0, max: 23 }),
            minute: fc.integer({ min: 0, max: 59 }),
            second: fc.option(
              fc.record({
                second: fc.integer({ min: 0, max: 59 }),
                fraction: fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 9 })),
              }),
            ),
            offset: fc.option(
              fc.record({
                space: fc.constantFrom('', ' '),
                zone: fc.oneof(
                  fc.constantFrom('Z', 'z'),
                  fc.record({
                    sign: fc.constantFrom(1, -1),
                    hours: fc.integer({ min: 0, max: 23 }),
                    minutes: fc.integer({ min: 0, max: 59 }),
                    colon: fc.boolean(),
                  }),
                ),
              }),
            ),
          }),
        ),
      })
      .map(({ year, month, day: rawDay, time }): DateInput => {
        const day = Math.min(rawDay, new Date(Date.UTC(year, month, 0)).getUTCDate());
        let text = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
        if (!time) return { text, millis: Date.UTC(year, month - 1, day) };
        text += `${time.separator}${pad(time.hour)}:${pad(time.minute)}`;
        let second = 0;
        let millis = 0;
        if (time.second) {
          second = time.second.second;
          text += `:${pad(second)}`;
          if (time.second.fraction !== null) {
            text += `.${time.second.fraction}`;
            millis = Number(`${time.second.fraction}00`.slice(0, 3));
          }
        }
        let offsetMinutes = 0;
        if (time.offset) {
          const { zone, space } = time.offset;
          if (typeof zone === 'string') text += `${space}${zone}`;
          else {
            text += `${space}${zone.sign > 0 ? '+' : '-'}${pad(zone.hours)}${zone.colon ? ':' : ''}${pad(zone.minutes)}`;
            offsetMinutes = zone.sign * (zone.hours * 60 + zone.minutes);
          }
        }
        return { text, millis: Date.UTC(year, month - 1, day, time.hour, time.minute, second, millis) - offsetMinutes * 60_000 };
      }),
  },
  // The ends of the documented range, where an offset moves the instant outside years 1900–9999.
  {
    weight: 1,
    arbitrary: fc.constantFrom<DateInput>(
      { text: '9999-12-31T23:59:59.999-23:59', millis: Date.UTC(9999, 11, 31, 23, 59, 59, 999) + (23 * 60 + 59) * 60_000 },
      { text: '9999-12-31', millis: Date.UTC(9999, 11, 31) },
      { text: '1900-01-01T00:00:00+23:59', millis: Date.UTC(1900, 0, 1) - (23 * 60 + 59) * 60_000 },
      { text: '1900-01-01', millis: Date.UTC(1900, 0, 1) },
    ),
  },
);

// ---------------------------------------------------------------- URLs and HTML

const RELATIVE_URLS = ['', 'a.png', './a.png', '../a.png', '../../../../x', '/abs/path', '//evil.example/x', '?q=1', '#frag', 'img/a b.png', '%0a', '.', 'a:b', 'C:\\x', '\\\\evil.example\\x', '/\\evil.example'];
const ABSOLUTE_URLS = [
  'https://example.org/%00%01%0A%1F%7F%C2%85%EF%BF%BE%ED%A0%80', 'mailto:a@example.org%0A%00', 'https://example.org/&#1;&#x85;', 'https://example.org/a%20b%25',
  'https://example.org/a?b=1&c=2#d', 'http://[::1]:8080/', 'HTTPS://EXAMPLE.ORG', 'https://例え.jp/パス', 'mailto:a@example.org', 'tel:+1-555', 'ftp://example.org/f', 'https://example.org/"onmouseover="x', 'https://user:pass@example.org/'];
export const HOSTILE_URLS = [
  'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'java\nscript:alert(1)', ' javascript:alert(1)', '\u0001javascript:alert(1)',
  'javascript&colon;alert(1)', '&#106;avascript:alert(1)', 'java&#x09;script:alert(1)', 'java&Tab;script:alert(1)', '&#x6A;&#x61;vascript:alert(1)',
  'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd', 'blob:https://x/y', 'about:blank', 'jar:x', 'view-source:x',
  'javascript://%0aalert(1)', 'http:evil.example', 'https:', '\u202Ejavascript:alert(1)', 'javascript\u0000:alert(1)',
];

export const url: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: pick(RELATIVE_URLS) },
  { weight: 2, arbitrary: pick(ABSOLUTE_URLS) },
  { weight: 3, arbitrary: pick(HOSTILE_URLS) },
  { weight: 2, arbitrary: fc.tuple(pick([...RELATIVE_URLS, ...ABSOLUTE_URLS, ...HOSTILE_URLS]), nastyText(3)).map(([a, b]) => a + b) },
);

const TAGS = [
  'a', 'img', 'video', 'audio', 'source', 'track', 'blockquote', 'q', 'del', 'ins', 'div', 'p', 'span', 'table', 'td', 'th', 'details', 'picture',
  'iframe', 'object', 'embed', 'form', 'input', 'button', 'svg', 'math', 'base', 'link', 'meta', 'style', 'script', 'noscript', 'template',
  'textarea', 'title', 'xmp', 'plaintext', 'noembed', 'noframes', 'frameset', 'applet', 'body', 'image', 'SCRIPT', 'ScRiPt', 'svg:script', 'x-foo',
];
const ATTRIBUTES = [
  'href', 'src', 'srcset', 'poster', 'cite', 'data', 'action', 'formaction', 'background', 'longdesc', 'xlink:href', 'style', 'onerror',
  'onload', 'OnClick', 'onmouseover', 'title', 'alt', 'id', 'class', 'dir', 'lang', 'name', 'rel', 'type', 'width', 'srcdoc', 'ping', 'HREF', 'SRC',
];
const RAW_HTML = [
  '<!-- ]]> -->', '<![CDATA[ x ]]>', '<?php echo 1; ?>', '<!DOCTYPE x>', '</script>', '<scr<script>ipt>alert(1)</script>', '<img src=x onerror=alert(1)//',
  '<svg><script>alert(1)</script></svg>', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>', '<video poster=javascript:alert(1)>', '<img srcset="javascript:alert(1) 1x, /a.png 2x">',
  '<img srcset="a.png 1x,b.png 2x, https://x.example/c.png 3x">', '<img srcset=",, a.png,, 1x">', '<form action=/x><button formaction=javascript:alert(1)>go</button></form>',
  '<base href="//evil.example/">', '<meta http-equiv=refresh content="0;url=javascript:alert(1)">', '<a href=//evil.example>x</a>', '<a href=\\\\evil.example>x</a>',
  '<a href="/\\evil.example">x</a>', '<style>@import "x"</style>', '<td style="text-align:center;background:url(javascript:alert(1))">', '<a href="x"onclick="y">z</a>',
  '<a/href="javascript:alert(1)">x</a>', '<a href=javascript&#58;alert(1)>x</a>', '<img src="x" alt="]]>">', '<div title="&amp;&lt;&gt;&quot;">', '<p>unclosed',
  '</div></div></div>', '<a href="', '<img src=\'x\' alt=\'"\'>', '<q cite="../c">q</q>', '<blockquote cite="javascript:x">b</blockquote>', '<del cite=x datetime=y>d</del>',
  '<object data="x.swf"></object>', '<a href="https://example.org/&quot;&gt;&lt;script&gt;">x</a>',
];

const attribute: fc.Arbitrary<string> = fc
  .tuple(pick(ATTRIBUTES), fc.oneof(url, nastyText(4)), fc.constantFrom('"', "'", '', 'raw'))
  .map(([name, value, quote]) => {
    if (quote === '"') return `${name}="${value.replace(/"/g, '&quot;')}"`;
    if (quote === "'") return `${name}='${value.replace(/'/g, '&#39;')}'`;
    if (quote === '') return `${name}=${value.replace(/[\s>"'=<`]/g, '')}`;
    return `${name}="${value}"`;
  });

const rawElement: fc.Arbitrary<string> = fc
  .tuple(pick(TAGS), fc.array(attribute, { maxLength: 4 }), nastyText(4), fc.constantFrom('close', 'open', 'self'))
  .map(([tag, attributes, inner, form]) => {
    const open = `<${tag}${attributes.map((a) => ` ${a}`).join('')}`;
    if (form === 'self') return `${open} />`;
    return form === 'close' ? `${open}>${inner}</${tag}>` : `${open}>${inner}`;
  });

export const rawHtml: fc.Arbitrary<string> = fc.oneof({ weight: 3, arbitrary: rawElement }, { weight: 2, arbitrary: pick(RAW_HTML) });

// ---------------------------------------------------------------- Markdown

const linkTitle = fc.option(nastyText(3)).map((title) => (title === null ? '' : ` "${title.replace(/["\n\r]/g, '')}"`));

const inline: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: nastyText(6) },
  { weight: 3, arbitrary: fc.tuple(nastyText(3), url, linkTitle).map(([text, href, title]) => `[${text}](${href}${title})`) },
  { weight: 2, arbitrary: fc.tuple(nastyText(3), url).map(([alt, src]) => `![${alt}](${src})`) },
  { weight: 1, arbitrary: fc.tuple(url).map(([href]) => `[r][ref] and <${href.replace(/[\s<>]/g, '')}>`) },
  { weight: 2, arbitrary: nastyText(3).map((t) => `*${t}* **${t}** ~~${t}~~`) },
  { weight: 2, arbitrary: nastyText(4).map((t) => `\`${t}\``) },
  { weight: 3, arbitrary: rawHtml },
  { weight: 1, arbitrary: fc.constantFrom('  \n', '\\\n', '\n') },
);

const paragraph = fc.array(inline, { minLength: 1, maxLength: 5 }).map((pieces) => pieces.join(' '));

const block: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: paragraph },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 6 }), paragraph).map(([level, text]) => `${'#'.repeat(level)} ${text}`) },
  { weight: 1, arbitrary: paragraph.map((text) => `> ${text}\n> > ${text}`) },
  { weight: 1, arbitrary: fc.array(paragraph, { minLength: 1, maxLength: 3 }).map((items) => items.map((item, i) => `${i % 2 ? '1.' : '-'} ${item}`).join('\n')) },
  { weight: 1, arbitrary: fc.tuple(nastyText(2), nastyText(8)).map(([info, code]) => `\`\`\`${info.replace(/[`\n]/g, '')}\n${code}\n\`\`\``) },
  { weight: 1, arbitrary: nastyText(6).map((code) => `    ${code.replace(/\n/g, '\n    ')}`) },
  { weight: 1, arbitrary: fc.tuple(nastyText(2), nastyText(2)).map(([a, b]) => `| ${a} | ${b} |\n| :-- | --: |\n| ${b} | ${a} |`) },
  { weight: 1, arbitrary: fc.constantFrom('---', '***', '___', '===') },
  { weight: 3, arbitrary: fc.array(rawHtml, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('\n')) },
  { weight: 1, arbitrary: url.map((href) => `[ref]: ${href.replace(/\s/g, '') || '<>'} "t"`) },
);

/** A Markdown body: blocks of hostile text, links, images and raw HTML. */
export const markdownBody: fc.Arbitrary<string> = fc
  .tuple(fc.array(block, { maxLength: 6 }), fc.constantFrom('\n\n', '\n', '\r\n\r\n'))
  .map(([blocks, separator]) => blocks.join(separator));

/**
 * A first paragraph Markdown reads as plain text: words that start with a letter, made of
 * characters without Markdown or HTML meaning (but with controls, bidi marks, emoji and lone
 * surrogates), separated by white space that never makes a blank line.
 */
const plainWordCharacter = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom(...'abcxyzABCXYZ0123456789,.;:?()"\'/=+%$@'), minLength: 1, maxLength: 4 }) },
  { weight: 2, arbitrary: pick([...SCRIPT_WORDS, ...RTL_WORDS]) },
  { weight: 1, arbitrary: pick(EMOJI) },
  { weight: 1, arbitrary: pick(BIDI_CONTROLS) },
  { weight: 1, arbitrary: pick(CONTROL_CHARACTERS.filter((c) => !/[\t\n\r\f\v]/.test(c))) },
  { weight: 1, arbitrary: pick(LONE_SURROGATES) },
  { weight: 1, arbitrary: pick(QUOTES.filter((q) => q !== '`')) },
  { weight: 1, arbitrary: fc.array(pick(COMBINING), { minLength: 1, maxLength: 3 }).map((marks) => marks.join('')) },
);
const plainWord = fc
  .tuple(fc.constantFrom('w', 'Ж', 'ש', 'م', '日', 'é', '😀'), fc.array(plainWordCharacter, { maxLength: 4 }))
  .map(([first, rest]) => first + rest.join(''));
const plainSpace = fc.constantFrom(' ', ' ', ' ', '  ', '\t', '\n', ' \n   ', '\u00A0', '\u3000', '\u2003');
export const plainParagraph: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 5, arbitrary: fc.array(fc.tuple(plainWord, plainSpace), { minLength: 1, maxLength: 30 }) },
    // Around and past the 300 characters where the summary is cut.
    { weight: 3, arbitrary: fc.array(fc.tuple(plainWord, plainSpace), { minLength: 40, maxLength: 160 }) },
  )
  .map((words) => words.map(([word, space]) => word + space).join('').trimEnd());

// ---------------------------------------------------------------- posts

export type AuthorInput = string | { name: string; email?: string };

export interface PostInput {
  title: string;
  date: DateInput;
  updated: DateInput | null;
  /** `description` or `summary`, and its text. */
  description: { key: 'description' | 'summary'; text: string } | null;
  author: { key: 'author'; value: AuthorInput } | { key: 'authors'; value: AuthorInput[] } | null;
  tags: string[] | null;
  /** The `id` as written, or null for "the permalink is the id". */
  id: string | null;
  /** When set, the body starts with this plain paragraph (its text is the summary). */
  lead: string | null;
  body: string;
}

/** A NUL byte makes the whole file binary (refused, as documented): kept in one post in twenty. */
const withoutNul = (text: string) => text.replace(/\0/g, '');

const EMAILS = ['jane@example.org', 'a.b+c@sub.example.co.uk', 'x@xn--80ak6aa92e.com'];

const authorInput = (refusals: number): fc.Arbitrary<AuthorInput> =>
  fc.oneof(
    { weight: 3, arbitrary: fieldText(200, refusals) },
    {
      weight: 2,
      arbitrary: fc
        .record({ name: fieldText(200, refusals), email: fc.option(pick(EMAILS)) })
        .map(({ name, email }) => (email ? { name, email } : { name })),
    },
  );

/** Hostile text without white space (ids with white space are refused), for ids that should pass. */
const idPart = nastyText(5).map((text) => text.replace(/\s/gu, ''));

/** Ids: mostly absolute URIs of the accepted schemes with hostile parts; sometimes shared, or anything at all. */
const idInput = (refusals: number): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: refusals,
      arbitrary: fc.oneof(
        idPart.map((rest) => `tag:example.org,2024:${rest}`),
        idPart.map((rest) => `urn:x-post:${rest}`),
        idPart.map((rest) => `https://example.org/${rest}`),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        nastyText(5).map((rest) => `tag:example.org,2024:${rest}`),
        fc.constantFrom('tag:example.org,2024:same', 'https://example.com/blog/posts/p0/', 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66'),
        fieldText(50, 1),
        pick(HOSTILE_URLS),
      ),
    },
  );

export interface PostOptions {
  /** Weight of a front matter field being set at all, out of 10. */
  fieldWeight?: number;
  /** Odds against a field being refused (blank, too long, an invalid id): 1 in `1 + refusals`. */
  refusals?: number;
}

export const postInput = ({ fieldWeight = 6, refusals = 40 }: PostOptions = {}): fc.Arbitrary<PostInput> => {
  const sometimes = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { freq: Math.max(1, 10 - fieldWeight) });
  return fc
    .record({
      title: fc.oneof({ weight: refusals, arbitrary: fieldText(1000, refusals) }, { weight: 1, arbitrary: fc.constant('') }),
      date: dateInput,
      updated: fc.option(dateInput, { freq: 3 }),
      description: sometimes(
        fc.record({ key: fc.constantFrom('description' as const, 'summary' as const), text: fc.oneof(fieldText(3000, 10), longText(5000)) }),
      ),
      author: sometimes(
        fc.oneof(
          authorInput(refusals).map((value) => ({ key: 'author' as const, value })),
          fc.array(authorInput(refusals), { maxLength: 3 }).map((value) => ({ key: 'authors' as const, value })),
        ),
      ),
      tags: sometimes(fc.array(fieldText(100, refusals * 3), { maxLength: 6 })),
      id: sometimes(idInput(refusals)),
      lead: fc.option(plainParagraph, { freq: 2 }),
      body: markdownBody,
      keepNul: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    })
    .map(({ keepNul, ...post }): PostInput =>
      keepNul ? post : { ...post, lead: post.lead === null ? null : withoutNul(post.lead), body: withoutNul(post.body) },
    );
};

/** A YAML double-quoted scalar: escapes for what YAML may not carry raw, everything else as is. */
export function yamlString(value: string): string {
  let out = '"';
  for (let index = 0; index < value.length; index++) {
    const unit = value.charCodeAt(index);
    const character = value[index]!;
    if (character === '"' || character === '\\') out += `\\${character}`;
    else if (unit === 0x09) out += '\\t';
    else if (unit === 0x0a) out += '\\n';
    else if (unit === 0x0d) out += '\\r';
    else if (unit < 0x20 || (unit >= 0x7f && unit <= 0x9f)) out += `\\x${unit.toString(16).padStart(2, '0')}`;
    else if (unit === 0xfffe || unit === 0xffff) out += `\\u${unit.toString(16).toUpperCase()}`;
    else if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < value.length && (value.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
      out += character + value[index + 1]!;
      index += 1;
    } else if (unit >= 0xd800 && unit <= 0xdfff) out += `\\u${unit.toString(16).toUpperCase()}`;
    else out += character;
  }
  return `${out}"`;
}

function yamlAuthor(author: AuthorInput): string {
  if (typeof author === 'string') return yamlString(author);
  return `{name: ${yamlString(author.name)}${author.email ? `, email: ${yamlString(author.email)}` : ''}}`;
}

/** The post file: front matter between --- lines, then the body. */
export function postFile(post: PostInput): string {
  const lines = ['---', `title: ${yamlString(post.title)}`, `date: ${post.date.text}`];
  if (post.updated) lines.push(`updated: ${yamlString(post.updated.text)}`);
  if (post.description) lines.push(`${post.description.key}: ${yamlString(post.description.text)}`);
  if (post.author?.key === 'author') lines.push(`author: ${yamlAuthor(post.author.value)}`);
  if (post.author?.key === 'authors') {
    lines.push(post.author.value.length === 0 ? 'authors: []' : 'authors:', ...post.author.value.map((author) => `  - ${yamlAuthor(author)}`));
  }
  if (post.tags) lines.push(`tags: [${post.tags.map(yamlString).join(', ')}]`);
  if (post.id !== null) lines.push(`id: ${yamlString(post.id)}`);
  lines.push('---', '');
  return `${lines.join('\n')}\n${post.lead !== null ? `${post.lead}\n\n` : ''}${post.body}\n`;
}

