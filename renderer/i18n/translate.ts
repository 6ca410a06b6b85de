import type { Currency } from '../../shared/money.ts';
import { formatFen } from '../../shared/money.ts';
import { catalogEn } from './catalogEn.ts';
import type { MessageKey, Messages } from './catalogEn.ts';
import { catalogZhCN } from './catalogZhCN.ts';
import { catalogZhTW } from './catalogZhTW.ts';

export type Locale = 'zh-CN' | 'zh-TW' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'zh-TW', 'en'];
/** Each language names itself, so a user who cannot read the current one still finds theirs. */
export const LOCALE_NAMES: Record<Locale, string> = {
  'zh-CN': '简体中文',
  'zh-TW': '繁體中文',
  en: 'English',
};

const CATALOGS: Record<Locale, Messages> = {
  'zh-CN': catalogZhCN,
  'zh-TW': catalogZhTW,
  en: catalogEn,
};

export type Params = Record<string, string | number>;

/** The message for a key in a locale, with `{name}` parameters filled in. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const text = CATALOGS[locale][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** A key built at run time (a status, a carrier id) that may not exist in the catalog. */
export function translateDynamic(locale: Locale, key: string, fallback: string): string {
  return Object.hasOwn(catalogEn, key) ? translate(locale, key as MessageKey) : fallback;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Date and time as people of the locale write it, in the desk's time zone. */
export function formatDateTime(locale: Locale, atMs: number, withTime = true): string {
  const key = `${locale}|${withTime}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hour12: false } : {}),
    });
    dateFormats.set(key, f);
  }
  return f.format(atMs);
}

export function formatMoney(locale: Locale, amountFen: number, currency: Currency = 'CNY'): string {
  return formatFen(amountFen, currency, locale);
}

/** A translator bound to one locale, which is what views hold. */
export interface Translator {
  locale: Locale;
  t(key: MessageKey, params?: Params): string;
  dyn(key: string, fallback: string): string;
  date(atMs: number, withTime?: boolean): string;
  money(amountFen: number, currency?: Currency): string;
}

export function translatorFor(locale: Locale): Translator {
  return {
    locale,
    t: (key, params) => translate(locale, key, params),
    dyn: (key, fallback) => translateDynamic(locale, key, fallback),
    date: (atMs, withTime) => formatDateTime(locale, atMs, withTime),
    money: (amountFen, currency) => formatMoney(locale, amountFen, currency),
  };
}
