// Electron's security checklist for everything outside the window's own settings (those,
// contextIsolation, sandbox and the rest, are in window.ts; the CSP in renderer-files.ts):
// the renderer's origin is metrics-hub://app/, served from the built files; the session
// grants no permission and lets the renderer reach nothing but that scheme; every
// webContents is kept to the app's pages (no navigation, no redirects, no <webview>, no
// new windows: http(s) links open in the system browser).

import { app, protocol, session, shell } from 'electron';
import { readFile } from 'node:fs/promises';
import { APP_SCHEME, externalUrlToOpen, isAllowedNavigation } from './ipc-policy.ts';
import { rendererFileFor, rendererHeaders } from './renderer-files.ts';

/** Makes the app's scheme standard and secure; must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);
}

/** Serves metrics-hub://app/... from the built renderer in `rendererDir`. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = rendererFileFor(rendererDir, request.url);
    if (!file) return new Response('not found', { status: 404 });
    try {
      return new Response(await readFile(file), { headers: rendererHeaders(file) });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}

/** Permissions, requests: once the app is ready. */
export function hardenSession(): void {
  const s = session.defaultSession;
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.setDevicePermissionHandler(() => false);
  // The renderer has no business on the network: its data comes over IPC.
  s.webRequest.onBeforeRequest((details, callback) => {
    const scheme = details.url.slice(0, details.url.indexOf(':'));
    callback({ cancel: !(scheme === APP_SCHEME || scheme === 'data' || scheme === 'devtools' || scheme === 'chrome-extension') });
  });
}

/** Navigation and new windows, for every webContents the app will ever make. */
export function guardWebContents(): void {
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event) => {
      if (!isAllowedNavigation(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isAllowedNavigation(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const external = externalUrlToOpen(url);
      if (external) void shell.openExternal(external);
      return { action: 'deny' };
    });
  });
}
