import { createStore } from 'zustand/vanilla';
import type { DeskApi } from '../../shared/contract/types.ts';
import { translatorFor } from '../i18n/translate.ts';
import type { Locale, Translator } from '../i18n/translate.ts';

export interface LocaleState {
  locale: Locale;
  tr: Translator;
  /** Reads the saved language from the desk settings. */
  load(): Promise<void>;
  setLocale(locale: Locale): Promise<void>;
}

/** The UI language, kept in the desk's settings so it is the same after a restart. */
export function createLocaleStore(desk: DeskApi, initial: Locale = 'zh-CN') {
  return createStore<LocaleState>()((set) => ({
    locale: initial,
    tr: translatorFor(initial),
    async load() {
      const r = await desk.settings.get({});
      if (r.ok) set({ locale: r.value.locale, tr: translatorFor(r.value.locale) });
    },
    async setLocale(locale) {
      set({ locale, tr: translatorFor(locale) });
      await desk.settings.set({ locale });
    },
  }));
}

export type LocaleStore = ReturnType<typeof createLocaleStore>;
