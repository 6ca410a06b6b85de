/** Calendar days in the desk's local time zone, as date inputs and file names write them. */

/** A date input's value ("2026-11-26") as local midnight in epoch ms, or null. */
export function dayStart(value: string): number | null {
  if (!value) return null;
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y!, m! - 1, d!).getTime();
}

/** The local day of `ms` as "2026-11-26" (a date input's value), or '' for null. */
export function dayValue(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
