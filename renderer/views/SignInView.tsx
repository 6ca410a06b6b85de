import { useState } from 'react';
import type { FormEvent } from 'react';
import { useStore } from 'zustand';
import { useStores, useTr } from '../app/StoresContext.tsx';
import { LanguageSwitch } from '../app/LanguageSwitch.tsx';
import { ErrorText } from '../components/ErrorText.tsx';

export function SignInView() {
  const stores = useStores();
  const tr = useTr();
  const { phase, error, offerRunOnly, needsServer } = useStore(stores.session);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [serverUrl, setServerUrl] = useState('');

  async function submit(e: FormEvent) {
    e.preventDefault();
    const session = stores.session.getState();
    // A packaged desk with no server asks for its address first (no demo accounts there).
    if (needsServer && !(await session.setServer(serverUrl.trim()))) return;
    await session.signIn(username.trim(), password);
  }

  return (
    <main className="signin" id="main">
      <form
        className="signin-card form"
        onSubmit={(e) => void submit(e)}
        aria-labelledby="signin-title"
      >
        <h1 id="signin-title">{tr.t('signIn.title')}</h1>
        {needsServer ? (
          <label className="field">
            <span>{tr.t('signIn.server')}</span>
            <input
              name="server"
              type="url"
              inputMode="url"
              placeholder="https://"
              value={serverUrl}
              onChange={(e) => setServerUrl(e.target.value)}
              required
            />
          </label>
        ) : null}
        <label className="field">
          <span>{tr.t('signIn.username')}</span>
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label className="field">
          <span>{tr.t('signIn.password')}</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <div className="error" role="alert">
          {error ? (
            <ErrorText error={error} wrap={(message) => tr.t('signIn.failed', { message })} />
          ) : null}
          {offerRunOnly ? tr.t('signIn.noKeyring') : ''}
        </div>
        {offerRunOnly ? (
          <button
            type="button"
            disabled={phase === 'signing_in'}
            onClick={() => void stores.session.getState().signIn(username.trim(), password, true)}
          >
            {tr.t('signIn.runOnly')}
          </button>
        ) : null}
        <button type="submit" disabled={phase === 'signing_in'}>
          {phase === 'signing_in' ? tr.t('signIn.busy') : tr.t('signIn.submit')}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
