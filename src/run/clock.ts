// "Now", the one reading of the clock: SOURCE_DATE_EPOCH when set (reproducible builds), else the
// system clock. It only decides which posts are in the future and is never written to a feed.

/** Whole seconds since 1970, within the years postfeed accepts: a value in ms or µs is refused, not a far future. */
export function now(environment: NodeJS.ProcessEnv = process.env): { date: Date } | { problem: string } {
  const epoch = environment.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return { date: new Date() };
  if (!/^\d{1,16}$/.test(epoch)) return { problem: `must be whole seconds since 1970, like 1688169600; found "${epoch}"` };
  const date = new Date(Number(epoch) * 1000);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() > 9999) {
    return { problem: `${epoch} seconds is after the year 9999: SOURCE_DATE_EPOCH counts seconds, not milliseconds` };
  }
  return { date };
}
