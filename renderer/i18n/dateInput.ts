import type { Locale } from './translate.ts';

/**
 * Day fields written the locale's way (2026/11/26 in Chinese, 11/26/2026 in English) instead of
 * the browser's `<input type="date">`, which follows the browser's own language and showed
 * mm/dd/yyyy to Chinese users. Values stay "YYYY-MM-DD" (as `renderer/app/localDays.ts` reads).
 */
type Part = 'year' | 'month' | 'day';

const EXAMPLE = Date.UTC(2026, 10, 26, 12);

function dayFormat(locale: Locale): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone: 'UTC',
  });
}

/** The order of year, month and day in the locale's numeric dates. */
export function dayPartOrder(locale: Locale): Part[] {
  return dayFormat(locale)
    .formatToParts(EXAMPLE)
    .map((p) => p.type)
    .filter((t): t is Part => t === 'year' || t === 'month' || t === 'day');
}

/** A "YYYY-MM-DD" value as the locale writes the day ('' for none). */
export function formatDayInput(locale: Locale, value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return '';
  return dayFormat(locale).format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
}

/** An example day in the locale's way, for placeholders and hints. */
export function dayInputExample(locale: Locale): string {
  return formatDayInput(locale, '2026-11-26');
}

/**
 * What a person typed, read in the locale's order ("26/11" is not accepted as a full day):
 * "YYYY-MM-DD", '' for an empty field, or null when it is not a real day. A four-digit first
 * group is always read year first, so an ISO date typed in any language works.
 */
export function parseDayInput(locale: Locale, text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const groups = trimmed.split(/[^0-9]+/).filter((g) => g !== '');
  if (groups.length !== 3) return null;
  const order: Part[] = groups[0]!.length === 4 ? ['year', 'month', 'day'] : dayPartOrder(locale);
  const got: Record<Part, number> = { year: 0, month: 0, day: 0 };
  order.forEach((part, i) => (got[part] = Number(groups[i])));
  if (String(got.year).length !== 4) return null;
  const d = new Date(Date.UTC(got.year, got.month - 1, got.day));
  if (
    d.getUTCFullYear() !== got.year ||
    d.getUTCMonth() !== got.month - 1 ||
    d.getUTCDate() !== got.day
  ) {
    return null;
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${got.year}-${pad(got.month)}-${pad(got.day)}`;
}
