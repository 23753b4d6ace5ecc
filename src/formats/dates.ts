// Date formats the feed specifications require, always in UTC so output never depends on the machine.

/** RFC 822 (as updated by RFC 1123), for RSS: `Sat, 01 Jul 2023 00:00:00 GMT`. */
export function rfc822(date: Date): string {
  return date.toUTCString();
}

/** RFC 3339 in UTC, without milliseconds when there are none: Atom and JSON Feed. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace('.000Z', 'Z');
}
