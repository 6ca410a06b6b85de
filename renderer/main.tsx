import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { connectDesk } from './desk/connectDesk.ts';
import { createAppStores } from './stores/appStores.ts';
import './styles/app.css';

const stores = createAppStores(connectDesk());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App stores={stores} />
  </StrictMode>,
);
