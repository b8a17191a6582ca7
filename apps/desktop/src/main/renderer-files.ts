// The window's pages: the built renderer (apps/desktop/dist/renderer) served by the main
// process under metrics-hub://app/ with a strict Content-Security-Policy. The renderer
// reaches the hub only through the preload bridge, so it may connect nowhere itself.

import { contentTypeFor, fileWithin } from '@metrics-hub/hub/static-files';
import { APP_HOST, APP_SCHEME } from './ipc-policy.ts';

/**
 * Scripts and styles from the app itself only, inline styles (uPlot and CodeMirror set
 * them), images from the app or data: URLs, no network at all (connect-src 'none'), no
 * plugins, no <base>, no framing, no forms.
 */
export const RENDERER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** The headers every page and file of the app is served with. */
export function rendererHeaders(file: string): Record<string, string> {
  return {
    'content-type': contentTypeFor(file),
    'content-security-policy': RENDERER_CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  };
}

/** The file under `dir` a metrics-hub://app/... URL names, or undefined (other host, escapes dir, bad URL). */
export function rendererFileFor(dir: string, url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return undefined;
  return fileWithin(dir, u.pathname);
}
