/**
 * When a vendor's period is over: the instant after its last moment (epoch ms, UTC). The read cache keeps an answer
 * over a period that ended long enough ago for far longer, since the vendors no longer change it.
 */
const PERIOD = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** The end of a day, month or year written `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; `undefined` for anything else. */
export function periodEnd(period: string): number | undefined {
  const match = PERIOD.exec(period);
  if (!match) return undefined;
  const [, year, month, day] = match;
  if (day !== undefined) return Date.UTC(Number(year), Number(month) - 1, Number(day) + 1);
  if (month !== undefined) return Date.UTC(Number(year), Number(month));
  return Date.UTC(Number(year) + 1, 0);
}

/** The latest end among periods (last days of statements, say); `undefined` if any is open-ended or none is given. */
export function latestEnd(periods: readonly (string | undefined)[]): number | undefined {
  let latest: number | undefined;
  for (const period of periods) {
    const end = period === undefined ? undefined : periodEnd(period);
    if (end === undefined) return undefined;
    latest = latest === undefined ? end : Math.max(latest, end);
  }
  return latest;
}
