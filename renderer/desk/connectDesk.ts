import { buildDeskApi } from '../../shared/contract/buildDeskApi.ts';
import type { DeskApi } from '../../shared/contract/types.ts';
import { webSocketTransport } from './webSocketTransport.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in web mode. */
    desk?: DeskApi;
  }
}

const TOKEN_KEY = 'escrow-desk.token';

/**
 * Picks the transport once, at start: the preload's `window.desk` inside Electron, otherwise a
 * WebSocket to the web-mode server that served this page. The launch token arrives in the URL
 * fragment; it is moved to sessionStorage (survives a reload of this tab, nothing else) and
 * wiped from the address bar.
 */
export function connectDesk(): DeskApi {
  if (window.desk) return window.desk;
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = fromHash ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
  return buildDeskApi(webSocketTransport(`ws://${location.host}/desk`, token));
}
