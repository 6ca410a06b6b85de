import { createIntl, createIntlCache } from '@formatjs/intl';
import type { FormatNumberOptions, IntlShape, OnErrorFn } from '@formatjs/intl';
import type { Currency } from '../../shared/money.ts';
import { catalogEn } from './catalogEn.ts';
import type { MessageKey, Messages } from './catalogEn.ts';
import { catalogZhCN } from './catalogZhCN.ts';
import { catalogZhTW } from './catalogZhTW.ts';

/**
 * The renderer's one way to turn a message key into text: ICU MessageFormat through FormatJS
 * (`@formatjs/intl`), so plurals (`{count, plural, one {# order} other {# orders}}`), numbers,
 * currency and dates follow the locale's CLDR rules instead of being built by hand. Views hold
 * a `Translator` bound to one locale (from the locale store); non-React code calls `translate`.
 */
export type Locale = 'zh-CN' | 'zh-TW' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'zh-TW', 'en'];
/** Each language names itself, so a user who cannot read the current one still finds theirs. */
export const LOCALE_NAMES: Record<Locale, string> = {
  'zh-CN': '简体中文',
  'zh-TW': '繁體中文',
  en: 'English',
};

export const CATALOGS: Record<Locale, Messages> = {
  'zh-CN': catalogZhCN,
  'zh-TW': catalogZhTW,
  en: catalogEn,
};

export type Params = Record<string, string | number>;

/** The time zone of this computer: every date the desk shows is in the user's local time. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const cache = createIntlCache();
const intls = new Map<string, IntlShape>();
const reported = new Set<string>();

/** A broken message is reported once (not on every render); the user sees the key's fallback. */
const onError: OnErrorFn = (err) => {
  if (reported.has(err.message)) return;
  reported.add(err.message);
  console.error(`[i18n] ${err.message}`);
};

/** The FormatJS instance of a locale and time zone (cached: formatters are built once). */
export function intlFor(locale: Locale, timeZone: string = localTimeZone()): IntlShape {
  const key = `${locale}|${timeZone}`;
  let intl = intls.get(key);
  if (!intl) {
    intl = createIntl(
      { locale, timeZone, messages: CATALOGS[locale], defaultLocale: 'en', onError },
      cache,
    );
    intls.set(key, intl);
  }
  return intl;
}

/** The message for a key in a locale, ICU arguments (`{name}`, plurals, numbers) filled in. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  return intlFor(locale).formatMessage({ id: key }, params);
}

export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(catalogEn, key);
}

/** A key built at run time (a status, a carrier id) that may not exist in the catalog. */
export function translateDynamic(
  locale: Locale,
  key: string,
  fallback: string,
  params?: Params,
): string {
  return hasMessage(key) ? translate(locale, key, params) : fallback;
}

/** Date (and time) as people of the locale write it, in the user's local time zone. */
export function formatDateTime(
  locale: Locale,
  atMs: number,
  withTime = true,
  timeZone?: string,
): string {
  return dateText(intlFor(locale, timeZone), atMs, withTime);
}

function dateText(intl: IntlShape, atMs: number, withTime = true): string {
  return intl.formatDate(atMs, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
  });
}

/**
 * An amount in minor units (fen) as the locale shows that currency: CNY is `¥1,234.56` in
 * zh-CN and zh-TW and `CN¥1,234.56` in English (CLDR's symbol there, so it is never read as
 * Japanese yen).
 */
export function formatMoney(locale: Locale, amountFen: number, currency: Currency = 'CNY'): string {
  return moneyText(intlFor(locale), amountFen, currency);
}

function moneyText(intl: IntlShape, amountFen: number, currency: Currency = 'CNY'): string {
  // Divide only for display; two decimal digits hold every fen value exactly.
  return intl.formatNumber(amountFen / 100, {
    style: 'currency',
    currency,
    // zh-TW's CLDR symbol for CNY is "CN¥"; Chinese readers of either script expect ¥.
    currencyDisplay: intl.locale === 'en' ? 'symbol' : 'narrowSymbol',
    minimumFractionDigits: 2,
  });
}

/** What the desk, the contract or the server said went wrong: a stable code and a raw message. */
export interface ErrorLike {
  code: string;
  message?: string;
}

/**
 * The human message for an error: what happened and what to do next, in the user's language,
 * found by its code (`error.<code>`, or `ledger.<code>` for a ledger verify problem). The raw
 * `message` is developer English for support (shown folded away by `ErrorText`), never the
 * main text. An unknown code gets a general message naming it.
 */
export function translateError(locale: Locale, err: ErrorLike): string {
  return errorText(intlFor(locale), err);
}

function errorText(intl: IntlShape, err: ErrorLike): string {
  for (const key of [`error.${err.code}`, `ledger.${err.code}`]) {
    if (hasMessage(key)) return intl.formatMessage({ id: key });
  }
  return intl.formatMessage({ id: 'error.unknown' }, { code: err.code });
}

/** A translator bound to one locale, which is what views hold. */
export interface Translator {
  locale: Locale;
  /** The IANA time zone dates are shown in (this computer's). */
  timeZone: string;
  t(key: MessageKey, params?: Params): string;
  dyn(key: string, fallback: string, params?: Params): string;
  date(atMs: number, withTime?: boolean): string;
  /** Month and day only (chart axes): 11月26日, 11/26, Nov 26. */
  monthDay(atMs: number): string;
  money(amountFen: number, currency?: Currency): string;
  /** A number with the locale's grouping (100,000) and any other Intl.NumberFormat options. */
  number(value: number, options?: FormatNumberOptions): string;
  /** A ratio (0.75) as a percentage (75%). */
  percent(ratio: number): string;
  /** The human message for an error code (see `translateError`); never the raw message. */
  error(err: ErrorLike): string;
}

/**
 * Every method formats through the one FormatJS instance bound here: asking the computer for
 * its time zone per call builds an Intl.DateTimeFormat each time, which cost a scrolling
 * orders table 1 ms a frame.
 */
export function translatorFor(locale: Locale, timeZone: string = localTimeZone()): Translator {
  const intl = intlFor(locale, timeZone);
  return {
    locale,
    timeZone,
    t: (key, params) => intl.formatMessage({ id: key }, params),
    dyn: (key, fallback, params) =>
      hasMessage(key) ? intl.formatMessage({ id: key }, params) : fallback,
    date: (atMs, withTime) => dateText(intl, atMs, withTime),
    monthDay: (atMs) => intl.formatDate(atMs, { month: 'short', day: 'numeric' }),
    money: (amountFen, currency) => moneyText(intl, amountFen, currency),
    number: (value, options) => intl.formatNumber(value, options),
    percent: (ratio) => intl.formatNumber(ratio, { style: 'percent', maximumFractionDigits: 0 }),
    error: (err) => errorText(intl, err),
  };
}
