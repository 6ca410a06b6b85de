import { DeskError } from './errors.ts';

/** Amounts are integers in minor units (fen for CNY). Never floats. */
export type Fen = number;

export const CURRENCIES = ['CNY'] as const;
export type Currency = (typeof CURRENCIES)[number];

/**
 * The largest single order the platform accepts: 100 million yuan. Keeping amounts well under
 * 2^53 / 10_000 lets fee arithmetic in basis points stay exact in plain numbers.
 */
export const MAX_ORDER_FEN: Fen = 10_000_000_000;

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && (CURRENCIES as readonly string[]).includes(value);
}

/** Throws `invalid_amount` unless `value` is a safe, non-negative (or positive) integer. */
export function assertFen(value: unknown, what = 'amount', opts: { positive?: boolean } = {}): Fen {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new DeskError('invalid_amount', `${what} must be a safe integer number of fen`);
  }
  if (value < 0 || (opts.positive && value === 0)) {
    throw new DeskError(
      'invalid_amount',
      `${what} must be ${opts.positive ? 'positive' : 'zero or more'}`,
    );
  }
  return value;
}

/** Adds amounts, refusing any result outside the safe integer range. */
export function addFen(...amounts: Fen[]): Fen {
  let total = 0;
  for (const a of amounts) {
    total += a;
    if (!Number.isSafeInteger(total)) throw new DeskError('invalid_amount', 'sum overflows');
  }
  return total;
}

/** Fee in basis points, rounded down so the platform never takes more than the rate. */
export function feeFen(amount: Fen, feeBps: number): Fen {
  if (!Number.isSafeInteger(feeBps) || feeBps < 0 || feeBps > 10_000) {
    throw new DeskError('invalid_input', 'feeBps must be an integer from 0 to 10000');
  }
  return Math.floor((amount * feeBps) / 10_000);
}

const formatters = new Map<string, Intl.NumberFormat>();

/** Formats fen as money for a locale, e.g. 123456 → "¥1,234.56". */
export function formatFen(amount: Fen, currency: Currency = 'CNY', locale = 'zh-CN'): string {
  const key = `${locale}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: 2 });
    formatters.set(key, f);
  }
  // Divide only for display; 2 decimal digits hold every fen value exactly.
  return f.format(amount / 100);
}

/**
 * Fen as a plain decimal of yuan with two places (`-1606.81`, `50.00`): no symbol, no grouping,
 * built from integers, never through a float. What a spreadsheet sums and `parseYuan` reads.
 */
export function yuanText(fen: Fen): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Parses "12.34" (yuan, as typed by a person) into fen without floating-point rounding. */
export function parseYuan(text: string): Fen {
  const m = /^\s*(\d{1,12})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) throw new DeskError('invalid_amount', `not an amount: ${JSON.stringify(text)}`);
  const whole = Number(m[1]);
  const frac = Number((m[2] ?? '').padEnd(2, '0'));
  return assertFen(whole * 100 + frac);
}
