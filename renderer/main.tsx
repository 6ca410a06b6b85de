import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { connectDesk } from './desk/connectDesk.ts';
import { createAppStores } from './stores/appStores.ts';
import './styles/app.css';
import './styles/disputes.css';

// A sign-out reloads the page: the next user starts from fresh stores, panels and notices.
const stores = createAppStores(connectDesk(), { onSignedOut: () => window.location.reload() });
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App stores={stores} />
  </StrictMode>,
);
