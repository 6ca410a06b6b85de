import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { Translator } from '../i18n/translate.ts';
import type { AppStores } from '../stores/appStores.ts';

/** The app's stores, handed down once from the entry point (tests make their own). */
export const StoresContext = createContext<AppStores | null>(null);

export function useStores(): AppStores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('StoresContext is missing');
  return stores;
}

export function useTr(): Translator {
  return useStore(useStores().locale, (s) => s.tr);
}

export function useNow(): number {
  return useStore(useStores().clock, (s) => s.nowMs);
}
