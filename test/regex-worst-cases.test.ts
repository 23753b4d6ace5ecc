// Every regular expression that sees input runs in linear time: each function that applies one is
// fed a large worst case for its pattern (long runs of what almost matches) and must answer well
// under a second. The e-mail pattern this replaced took 41 s on 200 KB; values.test.ts and
// front-matter.test.ts time their own modules the same way.
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../src/config/schema.js';
import { escapeControls, formatDiagnostic } from '../src/diagnostics/format.js';
import { xmlAttribute, xmlCdata, xmlPlainText, xmlText } from '../src/formats/xml.js';
import { mediaType } from '../src/media-types.js';
import { reservedOutputName } from '../src/output/names.js';
import { parseDate } from '../src/parse/dates.js';
import { SLUG_PATTERN } from '../src/parse/fields.js';
import { collapseWhitespace, stripForbiddenCharacters } from '../src/parse/text.js';
import { isLocalReference } from '../src/render/enclosure.js';
import { absolutizeSrcset, absolutizeUrl } from '../src/render/urls.js';

const SIZE = 200_000;
const BASE = 'https://example.com/blog/posts/x/';

function seconds(work: () => unknown): number {
  const started = performance.now();
  work();
  return (performance.now() - started) / 1000;
}

const cases: Array<[string, () => unknown]> = [
  ['slug pattern: letters then a forbidden character', () => SLUG_PATTERN.test(`${'a.'.repeat(SIZE / 2)}!`)],
  ['permalink pattern: %-escapes then a bad one', () => ConfigSchema.safeParse({ title: 't', baseUrl: 'https://example.com/', author: { name: 'a' }, permalink: `/:slug/${'%2'.repeat(SIZE / 3)}` })],
  ['permalink pattern: dot segments', () => ConfigSchema.safeParse({ title: 't', baseUrl: 'https://example.com/', author: { name: 'a' }, permalink: `/:slug${'/.'.repeat(SIZE / 2)}x` })],
  ['dates: digits and separators', () => parseDate(`${'2023-07-01 '.repeat(SIZE / 11)}`, 'UTC')],
  ['dates: a long offset-like tail', () => parseDate(`2023-07-01T10:00:00${'+0'.repeat(SIZE / 2)}`, 'UTC')],
  ['forbidden characters: surrogates without partners', () => stripForbiddenCharacters('\uD800a'.repeat(SIZE / 2))],
  ['white space collapse', () => collapseWhitespace(` \t${' \u00a0'.repeat(SIZE / 2)}x`)],
  ['control escapes in diagnostics', () => escapeControls('\u001b[2J\u202e'.repeat(SIZE / 6))],
  ['a whole diagnostic', () => formatDiagnostic({ severity: 'error', code: 'x', file: '::'.repeat(SIZE / 2), field: 'f', message: '\n'.repeat(SIZE) })],
  ['XML text, plain text, attributes, CDATA', () => [xmlText, xmlPlainText, xmlAttribute, xmlCdata].map((escape) => escape(']]>&<"\r'.repeat(SIZE / 7)))],
  ['media type: dots without an extension', () => mediaType(`${'.'.repeat(SIZE)}/`)],
  ['local reference: scheme-like prefix', () => isLocalReference(`${'a+.-'.repeat(SIZE / 4)}`)],
  ['URL resolution: spaces and colons', () => absolutizeUrl(`${' :'.repeat(SIZE / 2)}x`, BASE)],
  ['srcset: commas and descriptors', () => absolutizeSrcset(`${'a.png 1x,'.repeat(SIZE / 9)} ,`, BASE)],
  ['output names', () => reservedOutputName(`${'.postfeed-'.repeat(SIZE / 10)}`)],
];

describe('regular expressions on hostile input', () => {
  it.each(cases)('%s: well under a second on 200 KB', (_name, work) => {
    work(); // warm up: compile the patterns
    expect(seconds(work)).toBeLessThan(1);
  });
});
