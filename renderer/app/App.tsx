import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { AppStores } from '../stores/appStores.ts';
import { followDeskChanges } from '../stores/appStores.ts';
import { SignInView } from '../views/SignInView.tsx';
import { AppShell } from './AppShell.tsx';
import { StoresContext } from './StoresContext.tsx';

function Root({ stores }: { stores: AppStores }) {
  const phase = useStore(stores.session, (s) => s.phase);
  const locale = useStore(stores.locale, (s) => s.locale);
  const user = useStore(stores.session, (s) => s.user);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  useEffect(() => {
    void stores.locale.getState().load();
    void stores.session.getState().restore();
    return stores.clock.getState().start();
  }, [stores]);

  // Lists follow the desk only while someone is signed in; a new user starts from fresh lists.
  useEffect(() => {
    if (!user) return;
    const stop = followDeskChanges(stores);
    return stop;
  }, [stores, user]);

  if (phase === 'checking') return null;
  if (phase !== 'signed_in') return <SignInView />;
  return <AppShell key={user?.userId} />;
}

export function App({ stores }: { stores: AppStores }) {
  return (
    <StoresContext.Provider value={stores}>
      <Root stores={stores} />
    </StoresContext.Provider>
  );
}
