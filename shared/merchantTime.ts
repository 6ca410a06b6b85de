import { DAY_MS, HOUR_MS } from './time.ts';

/**
 * A merchant's books run on the merchant's own clock: a China shop's day is 00:00–24:00 in
 * Shanghai, not UTC (which would run it 08:00–08:00). Exports and the balance history use
 * these helpers with the merchant's IANA zone; the desk's own display zone is another matter.
 */
export const DEFAULT_MERCHANT_TIME_ZONE = 'Asia/Shanghai';

const wallFormats = new Map<string, Intl.DateTimeFormat>();

function wallFormat(timeZone: string): Intl.DateTimeFormat {
  let f = wallFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallFormats.set(timeZone, f);
  }
  return f;
}

/** True for a zone this runtime knows (an unknown one would make Intl throw later). */
export function isTimeZone(timeZone: string): boolean {
  try {
    wallFormat(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall clock in `timeZone` at instant `atMs`. */
export function wallClock(atMs: number, timeZone: string): Wall {
  const parts: Record<string, number> = {};
  for (const p of wallFormat(timeZone).formatToParts(atMs)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** How far `timeZone`'s wall clock is ahead of UTC at `atMs` (whole seconds). */
function offsetMs(atMs: number, timeZone: string): number {
  const w = wallClock(atMs, timeZone);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - (atMs - (((atMs % 1000) + 1000) % 1000));
}

/** The instant a calendar day (month 1–12) began in `timeZone`. */
function midnightOf(year: number, month: number, day: number, timeZone: string): number {
  const midnightAsUtc = Date.UTC(year, month - 1, day);
  // Two rounds settle the offset even across a DST change near midnight.
  let guess = midnightAsUtc - offsetMs(midnightAsUtc, timeZone);
  guess = midnightAsUtc - offsetMs(guess, timeZone);
  return guess;
}

/** The instant the local day holding `atMs` began (local midnight) in `timeZone`. */
export function localDayStart(atMs: number, timeZone: string): number {
  const w = wallClock(atMs, timeZone);
  return midnightOf(w.year, w.month, w.day, timeZone);
}

/** A day field's value ("2026-11-26") as that day's start in `timeZone`, or null for ''. */
export function dayValueStart(value: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  return midnightOf(Number(m[1]), Number(m[2]), Number(m[3]), timeZone);
}

/** The day of `atMs` in `timeZone` as a day field's value ("2026-11-26"), '' for null. */
export function dayValueIn(atMs: number | null, timeZone: string): string {
  if (atMs === null) return '';
  return formatLocalDateTime(atMs, timeZone).slice(0, 10);
}

/** The local midnight after the one of `atMs` (days are 23 to 25 hours where DST applies). */
export function nextLocalDayStart(atMs: number, timeZone: string): number {
  const start = localDayStart(atMs, timeZone);
  // Past any 25-hour day, then back to that day's midnight.
  return localDayStart(start + DAY_MS + 2 * HOUR_MS, timeZone);
}

/** `2026-11-26 09:05:00`, the merchant's wall clock, as spreadsheets read a date-time. */
export function formatLocalDateTime(atMs: number, timeZone: string): string {
  const w = wallClock(atMs, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}:${two(w.second)}`;
}
