import { useStore } from 'zustand';
import { LOCALES, LOCALE_NAMES } from '../i18n/translate.ts';
import type { Locale } from '../i18n/translate.ts';
import { useStores, useTr } from './StoresContext.tsx';

export function LanguageSwitch() {
  const stores = useStores();
  const tr = useTr();
  const locale = useStore(stores.locale, (s) => s.locale);
  return (
    <label className="field inline">
      <span>{tr.t('lang.label')}</span>
      <select
        value={locale}
        data-testid="language"
        onChange={(e) => void stores.locale.getState().setLocale(e.target.value as Locale)}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
