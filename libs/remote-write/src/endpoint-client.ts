// One POST of a remote-write body to one endpoint, and what to do about its answer:
//
//   2xx                    ─► sent
//   429, 5xx, no answer    ─► retry (after Retry-After when the endpoint sends one)
//   any other status       ─► drop: resending the same body cannot succeed (bad labels,
//                             out-of-order samples, a wrong URL); the reason is kept
//
// Plain node:http(s) with a keep-alive agent per endpoint, so that TLS options (a CA file,
// a client certificate) apply per endpoint and connections are reused across requests.

import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { REMOTE_WRITE_HEADERS } from './request-body.ts';

export interface EndpointAuth {
  bearerToken?: string;
  /** Read at every request, so that a rotated token is picked up. */
  bearerTokenFile?: string;
  username?: string;
  password?: string;
  passwordFile?: string;
}

export interface EndpointTls {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecureSkipVerify?: boolean;
}

export type SendOutcome =
  | { kind: 'sent'; status: number }
  | { kind: 'retry'; status?: number; reason: string; retryAfterMs?: number }
  | { kind: 'drop'; status: number; reason: string };

/** Headers a config may not set: the protocol's own, and credentials (use the auth options). */
export const RESERVED_HEADERS = [
  'authorization',
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'x-prometheus-remote-write-version',
];

const MAX_ERROR_BODY = 512;
/** Shorter strings are not looked for (a one-letter password would blank half a message). */
const MIN_SECRET_LENGTH = 4;

/**
 * `text` with each of `secrets` replaced by xxxxx: an endpoint may answer "invalid token
 * <the token>", and a reason is logged and shown in the status.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join('xxxxx');
  return out;
}

export class EndpointClient {
  /** What the requests carry that must not appear in a reason: credentials, header values, the URL's password. */
  private secrets: string[] = [];
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  constructor(
    url: string,
    private readonly o: {
      auth?: EndpointAuth;
      headers?: Record<string, string>;
      tls?: EndpointTls;
      timeoutMs: number;
      connections: number;
      userAgent: string;
    },
  ) {
    this.url = new URL(url);
    if (this.url.password) this.secrets.push(this.url.password, decodeURIComponent(this.url.password));
    this.secure = this.url.protocol === 'https:';
    if (!this.secure && this.url.protocol !== 'http:')
      throw new Error(`remote write url ${redactUrl(url)} must start with http:// or https://`);
    const tls = o.tls ?? {};
    this.agent = this.secure
      ? new https.Agent({
          keepAlive: true,
          maxSockets: o.connections,
          ca: tls.caFile ? readFileSync(tls.caFile) : undefined,
          cert: tls.certFile ? readFileSync(tls.certFile) : undefined,
          key: tls.keyFile ? readFileSync(tls.keyFile) : undefined,
          rejectUnauthorized: !tls.insecureSkipVerify,
        })
      : new http.Agent({ keepAlive: true, maxSockets: o.connections });
  }

  /** Posts `body`; never throws (network trouble is an outcome to retry). No reason holds a credential. */
  async send(body: Uint8Array, signal: AbortSignal): Promise<SendOutcome> {
    const outcome = await this.post(body, signal);
    return outcome.kind === 'sent' ? outcome : { ...outcome, reason: redactSecrets(outcome.reason, this.secrets) };
  }

  private async post(body: Uint8Array, signal: AbortSignal): Promise<SendOutcome> {
    let headers: Record<string, string>;
    try {
      headers = await this.headers(body.length);
    } catch (e) {
      return { kind: 'retry', reason: `cannot read credentials: ${(e as Error).message}` };
    }
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const finish = (o: SendOutcome) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve(o);
      };
      const req = (this.secure ? https : http).request(
        this.url,
        { method: 'POST', agent: this.agent, headers, timeout: this.o.timeoutMs },
        (res) => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < MAX_ERROR_BODY) chunks.push(c);
            size += c.length;
          });
          res.on('error', (e) => finish({ kind: 'retry', status, reason: `reading the answer: ${e.message}` }));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY).trim();
            const reason = `HTTP ${status}${text ? `: ${text}` : ''}`;
            if (status >= 200 && status < 300) finish({ kind: 'sent', status });
            else if (status === 429 || status >= 500)
              finish({ kind: 'retry', status, reason, retryAfterMs: retryAfter(res.headers['retry-after']) });
            else finish({ kind: 'drop', status, reason });
          });
        },
      );
      const onAbort = () => {
        req.destroy(new Error('stopped'));
        finish({ kind: 'retry', reason: 'stopped before an answer' });
      };
      signal.addEventListener('abort', onAbort);
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.o.timeoutMs} ms`)));
      req.on('error', (e: NodeJS.ErrnoException) =>
        finish({ kind: 'retry', reason: e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message }),
      );
      if (signal.aborted) return onAbort();
      req.end(body);
    }).catch((e: Error) => ({ kind: 'retry', reason: `cannot send: ${e.message}` }));
  }

  private async headers(length: number): Promise<Record<string, string>> {
    const h: Record<string, string> = {
      ...this.o.headers,
      ...REMOTE_WRITE_HEADERS,
      'content-length': String(length),
      'user-agent': this.o.userAgent,
    };
    const a = this.o.auth ?? {};
    const token = a.bearerTokenFile ? (await readFile(a.bearerTokenFile, 'utf8')).trim() : a.bearerToken;
    const secrets = [...(this.url.password ? [this.url.password, decodeURIComponent(this.url.password)] : [])];
    for (const v of Object.values(this.o.headers ?? {})) secrets.push(String(v));
    if (token) {
      h.authorization = `Bearer ${token}`;
      secrets.push(token);
    } else if (a.username !== undefined) {
      const password = a.passwordFile ? (await readFile(a.passwordFile, 'utf8')).trim() : (a.password ?? '');
      h.authorization = `Basic ${Buffer.from(`${a.username}:${password}`).toString('base64')}`;
      secrets.push(password, h.authorization.slice('Basic '.length));
    }
    // Longest first, so that a secret inside another is not left half shown.
    this.secrets = secrets.sort((x, y) => y.length - x.length);
    return h;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Retry-After as seconds or an HTTP date, in ms (undefined when absent or unreadable). */
function retryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The URL without user:password (safe for logs and status). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = 'xxxxx';
    return u.toString();
  } catch {
    return url;
  }
}
