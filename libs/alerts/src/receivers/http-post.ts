// One POST to a receiver over fetch (Node's, or one the host passes in, e.g. Electron's
// net.fetch, which follows the system proxy settings), with a deadline covering connect,
// headers and body, and errors that say which URL, what status and what the far end said.

import { formatPromDuration as formatDuration } from '@metrics-hub/promql';
import { DeliveryError, excerpt, headerSecrets, withoutSecrets } from './errors.ts';

export type Fetch = typeof globalThis.fetch;

export interface PostRequest {
  kind: string;
  url: string;
  /** How errors name the URL: Slack webhook URLs are secrets, so callers may hide the path. */
  shownUrl: string;
  body: string;
  contentType: string;
  headers: Record<string, string>;
  timeoutMs: number;
  followRedirects: boolean;
  fetch: Fetch;
}

export interface PostReply {
  status: number;
  contentType: string;
  /** The start of the response body (at most MAX_BODY bytes). */
  body: string;
}

const MAX_BODY = 64 * 1024;
/** Alertmanager waits without limit by default; a hub with one outbox cannot afford that. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
export const USER_AGENT = 'metrics-hub';

/** Resolves on 2xx; rejects with a DeliveryError otherwise, holding none of the request's credentials. */
export async function post(req: PostRequest): Promise<PostReply> {
  try {
    return await postOnce(req);
  } catch (err) {
    if (!(err instanceof DeliveryError)) throw err;
    const secrets = headerSecrets(req.headers);
    try {
      // What shownUrl hides (a Slack webhook's path is its token), and a password in the URL.
      const u = new URL(req.url);
      if (u.password) secrets.push(u.password, decodeURIComponent(u.password));
      if (u.pathname.length > 1 && !req.shownUrl.includes(u.pathname)) secrets.push(u.pathname.slice(1));
      if (u.search && !req.shownUrl.includes(u.search)) secrets.push(u.search.slice(1));
    } catch {
      // Not a URL: nothing more to hide.
    }
    throw withoutSecrets(err, secrets);
  }
}

async function postOnce(req: PostRequest): Promise<PostReply> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs);
  const what = `POST ${req.shownUrl}`;
  try {
    let res: Response;
    let body: string;
    try {
      res = await req.fetch(req.url, {
        method: 'POST',
        headers: { 'Content-Type': req.contentType, 'User-Agent': USER_AGENT, ...req.headers },
        body: req.body,
        redirect: req.followRedirects ? 'follow' : 'manual',
        signal: controller.signal,
      });
      body = await readBounded(res);
    } catch (err) {
      if (timedOut) {
        throw new DeliveryError(req.kind, 'timeout', `${what}: no answer within ${formatDuration(req.timeoutMs)} (timeout)`, {
          retryable: true,
          cause: err,
        });
      }
      throw new DeliveryError(req.kind, 'connection', `${what} failed: ${networkCause(err)}`, { retryable: true, cause: err });
    }
    if (res.status < 200 || res.status > 299) {
      const said = excerpt(body);
      throw new DeliveryError(
        req.kind,
        'http_status',
        `${what} answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${said ? `: ${said}` : ''}`,
        {
          // Alertmanager's rule: 5xx may pass on a retry, other codes will not; 429 asks for one.
          retryable: res.status >= 500 || res.status === 429,
          status: res.status,
          response: said,
        },
      );
    }
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
  } finally {
    clearTimeout(timer);
  }
}

async function readBounded(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_BODY) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8');
}

/** undici hides the reason in `cause` ("fetch failed" alone helps nobody). */
function networkCause(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as { message?: string; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.message && !parts.includes(e.message)) parts.push(e.message);
  }
  const detailed = parts.filter((p) => p !== 'fetch failed');
  return (detailed.length ? detailed : parts).join(': ') || String(err);
}

/** The URL without user info, query or fragment (which may carry secrets). */
export function describeUrl(url: string, hidePath = false): string {
  const u = new URL(url);
  return hidePath ? `${u.origin}/<secret>` : `${u.origin}${u.pathname}`;
}
