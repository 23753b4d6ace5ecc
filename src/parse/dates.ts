// Front-matter dates: a strict parser that never rolls over (Feb 30 is an error, not Mar 2).
//
// Accepted, with an optional fraction of a second:
//   2023-07-01                        midnight in the configured time zone
//   2023-07-01T10:00:00+03:00 / ...Z   RFC 3339
//   2023-07-01 10:00:00 +0300          Jekyll (also with a one-digit hour: 2013-11-22 5:00:00 +0000)
//   2023-07-01T10:00 / 2023-07-01 10:00:00   no offset: read in the configured time zone
//   2013-1-20                         one-digit month or day (Jekyll file names and front matter)
//   22 Feb 2023, Jul 08 2022, February 22, 2023   English month names (Astro sites): midnight in the zone
//
// The pattern has no nested or adjacent overlapping quantifiers, so it runs in linear time on any
// input (only `\s*` can backtrack, one step at a time, against fixed-width alternatives).
const DATE_PATTERN =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:T(\d{2})| (\d{1,2})):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
/** Longest part of a rejected value quoted back in a message. */
const MAX_ECHO = 60;

export const MIN_YEAR = 1900;
export const MAX_YEAR = 9999;

/** The calendar date as written, for permalinks: what the author (and the file name) calls the day. */
export interface CalendarDate {
  year: string;
  month: string;
  day: string;
}

export type DateResult = { ok: true; date: Date; calendar: CalendarDate } | { ok: false; message: string };

const formatterCache = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatterCache.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatterCache.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date an instant falls on in `timeZone` (Jekyll puts this date in URLs). */
export function calendarIn(date: Date, timeZone: string): CalendarDate {
  const parts: Record<string, string> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(date)) parts[part.type] = part.value;
  return { year: parts.year!.padStart(4, '0'), month: parts.month!.padStart(2, '0'), day: parts.day!.padStart(2, '0') };
}

/** Offset of `timeZone` from UTC at the instant `utcMillis`, in milliseconds. */
function zoneOffset(timeZone: string, utcMillis: number): number {
  const parts: Record<string, number> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(new Date(utcMillis))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(utcMillis / 1000) * 1000;
}

const DAY = 86_400_000;

/**
 * The instant at which the wall clock in `timeZone` shows the given local time (UTC millis), by
 * RFC 9557 / Temporal's "compatible" rule, the same east and west of UTC: a time skipped by a
 * clock change (02:30 on a spring-forward night) moves forward by the length of the gap (03:30);
 * a time that happens twice (an autumn fold) is the earlier of the two.
 */
function zonedToUtc(localAsUtc: number, timeZone: string): number {
  if (timeZone === 'UTC') return localAsUtc;
  // Offsets a day before and after; zones do not change their offset twice within a day.
  const before = zoneOffset(timeZone, localAsUtc - DAY);
  const after = zoneOffset(timeZone, localAsUtc + DAY);
  const candidates = [localAsUtc - before, localAsUtc - after].filter((utc) => utc + zoneOffset(timeZone, utc) === localAsUtc);
  // In a gap neither offset fits: the offset from before the change moves the time forward.
  return candidates.length > 0 ? Math.min(...candidates) : localAsUtc - before;
}

/** A rejected value as quoted in a message: never a whole megabyte of it. */
function echo(text: string): string {
  if (text.length <= MAX_ECHO) return JSON.stringify(text);
  const cut = /[\uD800-\uDBFF]/.test(text[MAX_ECHO - 1]!) ? MAX_ECHO - 1 : MAX_ECHO; // keep surrogate pairs whole
  return JSON.stringify(`${text.slice(0, cut)}…`);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const DAY_MONTH_YEAR = /^(\d{1,2}) ([A-Za-z]{3,9})\.?,? (\d{4})$/;
const MONTH_DAY_YEAR = /^([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/;

/** `22 Feb 2023` or `February 22, 2023` as `2023-02-22`, when the month is an English month name. */
function fromMonthName(text: string): string | undefined {
  const dayFirst = DAY_MONTH_YEAR.exec(text);
  const monthFirst = dayFirst ? undefined : MONTH_DAY_YEAR.exec(text);
  const [day, name, year] = dayFirst ? [dayFirst[1]!, dayFirst[2]!, dayFirst[3]!] : monthFirst ? [monthFirst[2]!, monthFirst[1]!, monthFirst[3]!] : [];
  if (!name) return undefined;
  const lower = name.toLowerCase();
  const month = MONTHS.findIndex((full) => lower === full || lower === full.slice(0, 3) || (lower === 'sept' && full === 'september'));
  return month < 0 ? undefined : `${year}-${String(month + 1).padStart(2, '0')}-${day!.padStart(2, '0')}`;
}

export function parseDate(written: string, timeZone: string): DateResult {
  const text = fromMonthName(written.trim()) ?? written;
  const match = DATE_PATTERN.exec(text.trim());
  if (!match) {
    return {
      ok: false,
      message: `${echo(written)} is not a date; write 2023-07-01, 2023-07-01T10:00:00+03:00 or 2023-07-01 10:00:00 +0300`,
    };
  }
  const [, y, mo, d, hourAfterT, hourAfterSpace, mi, s, fraction, offset] = match;
  const h = hourAfterT ?? hourAfterSpace;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (year < MIN_YEAR || year > MAX_YEAR) return { ok: false, message: `year ${year} is outside ${MIN_YEAR}–${MAX_YEAR}` };
  if (month < 1 || month > 12) return { ok: false, message: `month ${mo} does not exist in ${echo(written)}` };
  if (day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, message: `day ${d} does not exist in ${y}-${mo} (${echo(written)})` };
  }
  if (hour > 23) return { ok: false, message: `hour ${h} does not exist in ${echo(written)}` };
  if (minute > 59) return { ok: false, message: `minute ${mi} does not exist in ${echo(written)}` };
  if (second > 59) return { ok: false, message: `second ${s} does not exist in ${echo(written)}` };
  const millis = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);

  const localAsUtc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  let utc: number;
  if (offset === undefined) {
    utc = zonedToUtc(localAsUtc, timeZone);
  } else if (offset.toUpperCase() === 'Z') {
    utc = localAsUtc;
  } else {
    const digits = offset.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    const offsetHours = Number(digits.slice(1, 3));
    const offsetMinutes = Number(digits.slice(3, 5));
    if (offsetHours > 23 || offsetMinutes > 59) return { ok: false, message: `offset ${offset} does not exist in ${echo(written)}` };
    utc = localAsUtc - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  // An offset can push the last minutes of 9999 into year 10000, which no feed date format can carry.
  if (new Date(utc).getUTCFullYear() > MAX_YEAR) return { ok: false, message: `${echo(written)} is after ${MAX_YEAR}-12-31 in UTC` };
  return { ok: true, date: new Date(utc), calendar: { year: y!, month: mo!.padStart(2, '0'), day: d!.padStart(2, '0') } };
}
