// The Electron window's preload script (sandboxed, bundled into one CommonJS file by
// scripts/build-electron.mjs): `window.metricsHub` and nothing else.

import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';

contextBridge.exposeInMainWorld('metricsHub', createBridge(ipcRenderer));
