import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../shared/time.ts';
import type { Translator } from '../i18n/translate.ts';

export type Urgency = 'calm' | 'soon' | 'urgent' | 'overdue';

/**
 * How loudly a deadline is shown. Thresholds are presentation only (the deadline itself comes
 * from the shared rules): under a day is "soon", under 6 hours "urgent", and a deadline that
 * moves money turns urgent a day early.
 */
export function urgencyOf(leftMs: number, moneyMoves: boolean): Urgency {
  if (leftMs < 0) return 'overdue';
  if (leftMs < 6 * HOUR_MS || (moneyMoves && leftMs < DAY_MS)) return 'urgent';
  if (leftMs < DAY_MS || (moneyMoves && leftMs < 2 * DAY_MS)) return 'soon';
  return 'calm';
}

export function formatDuration(tr: Translator, ms: number): string {
  const abs = Math.abs(ms);
  const d = Math.floor(abs / DAY_MS);
  const h = Math.floor((abs % DAY_MS) / HOUR_MS);
  const m = Math.floor((abs % HOUR_MS) / MINUTE_MS);
  if (d > 0) return tr.t('countdown.d', { d, h });
  if (h > 0) return tr.t('countdown.h', { h, m });
  return tr.t('countdown.m', { m });
}
