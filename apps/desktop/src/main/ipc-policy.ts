// Who may talk to the main process and what it may ask, as pure functions: the checks the
// `hub:request` handler and the window's navigation handlers run (Electron's security
// checklist: validate every IPC sender, no navigation, no new windows, careful
// shell.openExternal).

import { isHubApiPath, type HubMethod } from '../common/transport.ts';

/** The renderer's origin: a custom scheme served from the built files by the main process. */
export const APP_SCHEME = 'metrics-hub';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

const METHODS: ReadonlySet<string> = new Set<HubMethod>(['GET', 'POST', 'PUT', 'DELETE']);
/** Bigger request bodies are refused (dashboards and rule edits are far smaller). */
export const MAX_REQUEST_BODY_BYTES = 1 << 20;

function parse(url: string | undefined): URL | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Whether a URL belongs to the app's own pages (the sender frame of an IPC message, a navigation target). */
export function isAppUrl(url: string | undefined): boolean {
  const u = parse(url);
  return !!u && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '' && u.port === '';
}

export type HubRequestCheck = { ok: true; method: HubMethod; path: string; body: unknown } | { ok: false; status: number; error: string };

/**
 * Checks a `hub:request` from the renderer: a sender frame of the app's origin, a known
 * method, a path under the hub's API that stays there once a URL parser normalises it
 * (no `..`, encoded or not, no backslashes), a JSON-serialisable body of bounded size.
 */
export function checkHubRequest(senderUrl: string | undefined, method: unknown, path: unknown, body: unknown): HubRequestCheck {
  if (!isAppUrl(senderUrl)) return { ok: false, status: 403, error: `refused: the request came from ${senderUrl ?? 'an unknown frame'}, not from the app` };
  if (typeof method !== 'string' || !METHODS.has(method)) return { ok: false, status: 405, error: `refused: method ${String(method)}` };
  if (typeof path !== 'string' || path.length > 8192 || !isHubApiPath(path)) return { ok: false, status: 400, error: `refused: ${typeof path === 'string' ? path.slice(0, 200) : typeof path} is not a path of the hub's API` };
  const pathname = path.split('?')[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { ok: false, status: 400, error: `refused: ${pathname} has a broken percent-encoding` };
  }
  if (decoded.includes('..') || decoded.includes('\\') || /[\0-\x1f]/.test(decoded) || new URL(path, 'http://hub').pathname !== pathname) {
    return { ok: false, status: 400, error: `refused: ${pathname} leaves the hub's API once decoded` };
  }
  if (body !== undefined) {
    let json: string | undefined;
    try {
      json = JSON.stringify(body);
    } catch {
      json = undefined;
    }
    if (json === undefined) return { ok: false, status: 400, error: 'refused: the body is not JSON' };
    if (Buffer.byteLength(json) > MAX_REQUEST_BODY_BYTES) return { ok: false, status: 413, error: `refused: the body is over ${MAX_REQUEST_BODY_BYTES} bytes` };
    if (method === 'GET') return { ok: false, status: 400, error: 'refused: a GET has no body' };
  }
  return { ok: true, method: method as HubMethod, path, body };
}

/** Navigation inside the window: only the app's own pages. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

/**
 * The URL to hand to the system browser (shell.openExternal) for a link the app opened,
 * or undefined: http(s) only, no user:password@, at most 2048 characters.
 */
export function externalUrlToOpen(url: string): string | undefined {
  if (url.length > 2048) return undefined;
  const u = parse(url);
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || !u.hostname) return undefined;
  return u.href;
}
