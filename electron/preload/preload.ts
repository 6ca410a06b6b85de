import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadDesk } from './exposeDesk.ts';

// Sandboxed preload: exposes the contract's functions as `window.desk` and nothing else.
contextBridge.exposeInMainWorld('desk', createPreloadDesk(ipcRenderer));
