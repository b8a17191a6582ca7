// What keeps web pages out of the hub's API. Any page the user opens can make the browser
// send requests to 127.0.0.1; the hub has no cookies, so the browser adds no credential,
// but without a token every request is trusted. A page cannot read the answers (the hub
// sends no CORS headers), so what is refused here is what a page could *do*:
//
//   Host       not a name of this hub                  421  DNS rebinding: the page's own
//                                                            name, re-resolved to 127.0.0.1
//   Origin     `null`, or another origin than the       403  a page elsewhere (browsers send
//              request's own Host                             it on every cross-origin request
//                                                             but a plain GET)
//   Sec-Fetch-Site  cross-site or same-site             403  the browser's own word that another
//              (a link followed to the hub's pages            site (or port) sent it
//              stays allowed)
//   a change (not GET/HEAD/OPTIONS) without a sign a    403  what an HTML form or a no-cors
//   page could not have sent it: a JSON or other              fetch() can send without asking:
//   non-form Content-Type, an Authorization header, or        text/plain, form-encoded,
//   X-Metrics-Hub                                             multipart or no body type
//
// Programs (curl, Grafana's server, Prometheus remote write, the hub's CLI and the desktop
// app's main process) send no Origin and no Sec-Fetch-*, so only the last rule concerns
// them. Prometheus's query API under /api/v1/ only reads, and Grafana posts its queries as
// forms: those are spared the last rule (a page elsewhere is still refused by the others).

import type { IncomingMessage } from 'node:http';
import type { HostRule } from './allowed-hosts.ts';

/** The header that marks a request as sent by a program, not a web page (no form can set it). */
export const CLIENT_HEADER = 'x-metrics-hub';

export type RefusalReason = 'host' | 'origin' | 'fetch_site' | 'simple_request';

export interface Refusal {
  status: 403 | 421;
  reason: RefusalReason;
  error: string;
}

export interface BrowserGuardOptions {
  hosts: HostRule;
  /** Paths whose POST only reads (Prometheus's query API): no sign of a program needed. */
  readOnlyPost: (path: string) => boolean;
}

// Content types an HTML form or a no-cors fetch() may send (the Fetch standard's
// CORS-safelisted Content-Type); any other needs the browser to ask first, and the hub
// never says yes.
const FORM_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SAME_ORIGIN_FETCH = new Set(['same-origin', 'none']);
const MAX_SHOWN = 100;

/** The reason to refuse `req`, or undefined when it may go on to the token check and the routes. */
export function checkBrowserRules(req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>, o: BrowserGuardOptions): Refusal | undefined {
  const h = req.headers;
  const method = req.method ?? 'GET';
  // As the routes read it (they take an absolute-form target's path too).
  const path = pathOf(req.url);
  const host = h.host;
  // HTTP/1.0 allows no Host; no browser sends a request without one.
  if (host !== undefined && !o.hosts.allows(host)) {
    return {
      status: 421,
      reason: 'host',
      error:
        `refused Host ${show(host)}: this hub answers to ${o.hosts.describe()}. If you reach it by that name, ` +
        `add it to hub.yaml (http: { allowed_hosts: [${show(host.replace(/:\d+$/, ''))}] }) and restart; ` +
        'otherwise a web page may be trying to reach the hub under its own name (DNS rebinding), and nothing was done',
    };
  }
  const origin = h.origin;
  if (origin !== undefined && !sameOrigin(origin, host)) {
    return {
      status: 403,
      reason: 'origin',
      error:
        origin === 'null'
          ? 'refused: a page without an origin (Origin: null: a sandboxed frame, a file or data: URL) may not use the hub; nothing was done'
          : `refused: a page at ${show(origin)} may not use the hub (Origin is not http://${show(host ?? '')}); nothing was done. ` +
            "Open the hub's own page instead; programs (curl, Grafana, scripts) send no Origin header",
    };
  }
  const site = h['sec-fetch-site'];
  if (site !== undefined && !SAME_ORIGIN_FETCH.has(site) && !followedLink(method, path, h['sec-fetch-mode'])) {
    return {
      status: 403,
      reason: 'fetch_site',
      error: `refused: the browser says another site sent this request (Sec-Fetch-Site: ${show(site)}); only the hub's own pages may use its API, and nothing was done`,
    };
  }
  if (!SAFE_METHODS.has(method) && !o.readOnlyPost(path) && !programSign(h)) {
    const type = h['content-type'];
    return {
      status: 403,
      reason: 'simple_request',
      error:
        `refused: a ${method} with ${type ? `Content-Type ${show(type)}` : 'no Content-Type'} is what any web page can send, so nothing was done. ` +
        `Send the body as application/json (or the file's own type, e.g. application/openmetrics-text), or add the header X-Metrics-Hub: 1`,
    };
  }
  return undefined;
}

/** Origin is the request's own scheme-less address: the hub's page (or its proxy's) sent it. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (origin === 'null' || host === undefined) return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if ((o.protocol !== 'http:' && o.protocol !== 'https:') || o.origin !== origin.toLowerCase().replace(/\/$/, '')) return false;
  // URL leaves out the scheme's default port, as a browser (or a proxy) leaves it out of Host.
  let h: URL;
  try {
    h = new URL(`${o.protocol}//${host}`);
  } catch {
    return false;
  }
  return o.host === h.host;
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://hub').pathname;
  } catch {
    return url ?? '/';
  }
}

/** A user following a link (or typing the address) to the hub's pages, not its API. */
function followedLink(method: string, path: string, mode: string | undefined): boolean {
  return (method === 'GET' || method === 'HEAD') && mode === 'navigate' && !path.startsWith('/api/') && path !== '/metrics';
}

/** Something only a program, or the hub's own page, can put on a request. */
function programSign(h: IncomingMessage['headers']): boolean {
  if (h[CLIENT_HEADER] !== undefined || h.authorization !== undefined) return true;
  const type = h['content-type'];
  return type !== undefined && !isFormContentType(type);
}

/**
 * True when a page could send this Content-Type without asking: one of the form types, or
 * anything not read as exactly one media type (a list of types is read by browsers as its
 * last one, so the hub does not guess).
 */
export function isFormContentType(value: string): boolean {
  const m = /^[\t ]*([!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+)[\t ]*(;[^,]*)?$/.exec(value);
  return !m || FORM_TYPES.has(m[1].toLowerCase());
}

function show(text: string): string {
  return JSON.stringify(text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}...` : text);
}
