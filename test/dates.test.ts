// The date rules: the accepted spellings, the configured time zone, and no silent roll-over.
import { describe, expect, it } from 'vitest';
import { parseDate } from '../src/index.js';

const iso = (text: string, zone = 'UTC') => {
  const result = parseDate(text, zone);
  return result.ok ? result.date.toISOString() : `error: ${result.message}`;
};

describe('accepted dates', () => {
  it.each([
    ['2023-07-01', 'UTC', '2023-07-01T00:00:00.000Z'],
    ['2023-07-01T10:20:30Z', 'UTC', '2023-07-01T10:20:30.000Z'],
    ['2023-07-01T10:20:30z', 'UTC', '2023-07-01T10:20:30.000Z'],
    ['2023-07-01T10:20:30.123456Z', 'UTC', '2023-07-01T10:20:30.123Z'],
    ['2023-07-01T10:20:30+03:00', 'UTC', '2023-07-01T07:20:30.000Z'],
    ['2023-07-01T10:20:30-08:00', 'Asia/Tokyo', '2023-07-01T18:20:30.000Z'],
    ['2019-03-04T05:06:07+05:30', 'UTC', '2019-03-03T23:36:07.000Z'],
    ['2023-07-01 10:00:00 +0300', 'UTC', '2023-07-01T07:00:00.000Z'],
    ['2023-07-01 10:00:00 -0130', 'UTC', '2023-07-01T11:30:00.000Z'],
    ['2023-07-01 10:00', 'UTC', '2023-07-01T10:00:00.000Z'],
    ['2024-02-29', 'UTC', '2024-02-29T00:00:00.000Z'],
    // Jekyll's one-digit months and days, and the English month names Astro sites write.
    ['2013-1-20', 'UTC', '2013-01-20T00:00:00.000Z'],
    ['2023-7-1', 'UTC', '2023-07-01T00:00:00.000Z'],
    ['July 1, 2023', 'UTC', '2023-07-01T00:00:00.000Z'],
    ['22 Feb 2023', 'UTC', '2023-02-22T00:00:00.000Z'],
    ['6 December 2024', 'Europe/Moscow', '2024-12-05T21:00:00.000Z'],
    ['Jul 08 2022', 'UTC', '2022-07-08T00:00:00.000Z'],
    ['Sept 3rd, 2021', 'UTC', '2021-09-03T00:00:00.000Z'],
  ])('%s (zone %s) is %s', (text, zone, expected) => {
    expect(iso(text, zone)).toBe(expected);
  });

  it('reads dates without an offset in the configured time zone, across DST', () => {
    expect(iso('2023-07-01', 'Europe/Moscow')).toBe('2023-06-30T21:00:00.000Z');
    expect(iso('2023-01-15T12:00', 'America/New_York')).toBe('2023-01-15T17:00:00.000Z'); // EST
    expect(iso('2023-07-15T12:00', 'America/New_York')).toBe('2023-07-15T16:00:00.000Z'); // EDT
    expect(iso('2023-07-15 12:00:00', 'Asia/Kolkata')).toBe('2023-07-15T06:30:00.000Z');
    // An explicit offset wins over the zone.
    expect(iso('2023-07-15T12:00:00Z', 'America/New_York')).toBe('2023-07-15T12:00:00.000Z');
  });

  // RFC 9557 / Temporal "compatible": a time in a spring-forward gap moves forward by the gap
  // (02:30 → 03:30 new time); a time in an autumn fold is the earlier instant. Same rule east and
  // west of UTC and in both hemispheres.
  it.each([
    ['gap, east of UTC', '2023-03-26T02:30', 'Europe/Berlin', '2023-03-26T01:30:00.000Z'], // 03:30 CEST
    ['gap, west of UTC', '2023-03-12T02:30', 'America/New_York', '2023-03-12T07:30:00.000Z'], // 03:30 EDT
    ['gap, southern hemisphere', '2023-10-01T02:30', 'Australia/Sydney', '2023-09-30T16:30:00.000Z'], // 03:30 AEDT
    ['gap of half an hour', '2023-10-01T02:15', 'Australia/Lord_Howe', '2023-09-30T15:45:00.000Z'], // 02:45 +11
    ['gap, Jekyll spelling', '2023-03-12 2:30:00', 'America/New_York', '2023-03-12T07:30:00.000Z'],
    ['fold, east of UTC', '2023-10-29T02:30', 'Europe/Berlin', '2023-10-29T00:30:00.000Z'], // 02:30 CEST, not CET
    ['fold, west of UTC', '2023-11-05T01:30', 'America/New_York', '2023-11-05T05:30:00.000Z'], // 01:30 EDT, not EST
    ['fold, southern hemisphere', '2023-04-02T02:30', 'Australia/Sydney', '2023-04-01T15:30:00.000Z'], // 02:30 AEDT, not AEST
    ['just before a gap', '2023-03-12T01:59:59', 'America/New_York', '2023-03-12T06:59:59.000Z'],
    ['just after a gap', '2023-03-12T03:00', 'America/New_York', '2023-03-12T07:00:00.000Z'],
    ['just after a fold', '2023-10-29T03:00', 'Europe/Berlin', '2023-10-29T02:00:00.000Z'],
  ])('a wall-clock time at a DST change (%s): %s in %s is %s', (_case, text, zone, expected) => {
    expect(iso(text, zone)).toBe(expected);
  });

  it.each([
    ['2013-11-22 5:00:00 +0000', '2013-11-22T05:00:00.000Z'],
    ['2013-11-22 5:00 -0100', '2013-11-22T06:00:00.000Z'],
    ['2013-11-22 0:00:00', '2013-11-22T00:00:00.000Z'],
  ])("takes Jekyll's one-digit hour: %s", (text, expected) => {
    expect(iso(text)).toBe(expected);
  });
});

describe('rejected dates', () => {
  it.each([
    ['2023-02-30', /day 30 does not exist/],
    ['2023-02-29', /day 29 does not exist/],
    ['2023-13-01', /month 13 does not exist/],
    ['2023-00-10', /month 00 does not exist/],
    ['2023-07-01T25:00', /hour 25 does not exist/],
    ['2023-07-01T10:60', /minute 60 does not exist/],
    ['2023-07-01T10:00:61Z', /second 61 does not exist/],
    ['2023-07-01T10:00:00+25:00', /offset \+25:00 does not exist/],
    ['1899-12-31', /year 1899 is outside/],
    ['0001-01-01', /year 1 is outside/],
    ['9999-12-31T23:59:59-01:00', /is after 9999-12-31 in UTC/],
    ['Julyish 1, 2023', /is not a date/],
    ['31 Feb 2023', /day 31 does not exist in 2023-02 \("31 Feb 2023"\)/],
    ['2023/07/01', /is not a date/],
    ['20230701', /is not a date/],
    ['2023-7-1T1:00', /is not a date/],
    ['12345', /is not a date/],
    ['true', /is not a date/],
    ['', /is not a date/],
    ['2023-07-01T5:00:00Z', /is not a date/], // RFC 3339 has two-digit hours; only the Jekyll form has one
    ['2023-07-01 123:00', /is not a date/],
  ])('%j: %s', (text, message) => {
    const result = parseDate(text, 'UTC');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('never produces an invalid Date', () => {
    for (const text of ['2023-02-31', '9999-12-31T23:59:59-23:59', '2023-07-01T00:00:00.999999999Z']) {
      const result = parseDate(text, 'UTC');
      if (result.ok) expect(Number.isNaN(result.date.getTime())).toBe(false);
    }
  });
});

describe('hostile dates', () => {
  it.each([
    ['spaces before junk', `2023-07-01T10:00${' '.repeat(200_000)}x`],
    ['digits', '2023-07-01T10:00:00.' + '1'.repeat(200_000)],
    ['a repeated prefix', '2023-07-01 '.repeat(20_000)],
    ['offset-like runs', `2023-07-01 10:00 ${'+0000'.repeat(40_000)}`],
  ])('rejects 200 KB of %s in linear time, quoting only the start', (_case, text) => {
    const started = performance.now();
    const result = parseDate(text, 'Europe/Berlin');
    expect((performance.now() - started) / 1000).toBeLessThan(2);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeLessThan(200);
  });

  it('quotes control characters in a rejected date visibly', () => {
    const result = parseDate('\u001b]0;owned\u00072023', 'UTC');
    expect(result.ok ? '' : result.message).toBe('"\\u001b]0;owned\\u00072023" is not a date; write 2023-07-01, 2023-07-01T10:00:00+03:00 or 2023-07-01 10:00:00 +0300');
  });
});

describe('the calendar date in permalinks', () => {
  it('is the date as written, whatever the offset or the configured zone', async () => {
    const { build } = await import('../src/index.js');
    const { makeProject, post } = await import('./helpers.js');
    const cwd = makeProject(
      {
        'a.md': post('title: A\ndate: 2023-07-01T01:00:00+03:00'),
        'b.md': post('title: B\ndate: 2023-06-30 23:30:00 -0800'),
        'c.md': post('title: C\ndate: 2023-06-30'),
      },
      { permalink: '/:year/:month/:day/:slug/', timeZone: 'Asia/Tokyo' },
    );
    const result = await build({ cwd });
    const urls = JSON.parse(result.files[2]!.contents).items.map((item: { url: string }) => item.url);
    expect(urls).toEqual([
      'https://example.com/blog/2023/06/30/b/',
      'https://example.com/blog/2023/07/01/a/',
      'https://example.com/blog/2023/06/30/c/',
    ]);
  });
});
