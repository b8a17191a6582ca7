// The hub's HTTP server: one listener, handlers tried in order (the Prometheus API, the
// hub's routes), and a JSON 500 instead of a crash when a handler throws. Before any
// handler: the browser rules (browser-guard.ts: the Host is one of the hub's names, no
// page elsewhere drives the API), then the bearer token when one is configured. Bound to
// 127.0.0.1 unless the config says otherwise (and then the config insists on a token).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { HostPort } from '../config.ts';
import { HostRule, parseHost, type ParsedHost } from './allowed-hosts.ts';
import { checkBrowserRules, type BrowserGuardOptions, type Refusal, type RefusalReason } from './browser-guard.ts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Requests refused by the browser rules, by reason (for the status and /metrics). */
export type RefusedCounts = Record<RefusalReason, number>;

// A page can send refused requests in a loop: one log line per reason a minute says so
// without flooding the log.
const REFUSAL_LOG_EVERY_MS = 60_000;

export async function startHttpServer(o: {
  listen: HostPort;
  token: string | undefined;
  handlers: RouteHandler[];
  log: (line: string) => void;
  /** Names the hub is also reached by (http.allowed_hosts), beside its listen address. */
  allowedHosts?: readonly ParsedHost[];
  /** Paths whose POST only reads (Prometheus's query API, which Grafana posts as forms). */
  readOnlyPost?: (path: string) => boolean;
}): Promise<{ server: Server; address: HostPort; refused: RefusedCounts }> {
  const expected = o.token ? Buffer.from(`Bearer ${o.token}`) : undefined;
  const refused: RefusedCounts = { host: 0, origin: 0, fetch_site: 0, simple_request: 0 };
  const lastLogged = new Map<RefusalReason, { atMs: number; since: number }>();
  const noteRefusal = (req: IncomingMessage, r: Refusal) => {
    refused[r.reason]++;
    const now = Date.now();
    const last = lastLogged.get(r.reason);
    if (last && now - last.atMs < REFUSAL_LOG_EVERY_MS) {
      last.since++;
      return;
    }
    const more = last?.since ? ` (${last.since} more refused for the same reason before this one)` : '';
    lastLogged.set(r.reason, { atMs: now, since: 0 });
    o.log(`http: ${req.method} ${JSON.stringify(req.url?.split('?')[0] ?? '')}: ${r.error}${more}`);
  };
  // Known once the port is bound (the config may say 0); no request arrives before.
  let guard: BrowserGuardOptions | undefined;
  const server = createServer((req, res) => {
    void (async () => {
      // Every answer: not to be read by a page elsewhere (CORP), nor taken for another type.
      res.setHeader('cross-origin-resource-policy', 'same-origin');
      res.setHeader('x-content-type-options', 'nosniff');
      const refusal = checkBrowserRules(req, guard!);
      if (refusal) {
        noteRefusal(req, refusal);
        req.resume();
        res.writeHead(refusal.status, { 'content-type': 'application/json', connection: 'close' });
        res.end(JSON.stringify({ status: 'error', errorType: 'forbidden', error: refusal.error }));
        return;
      }
      if (expected) {
        const given = Buffer.from(req.headers.authorization ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
          res.end(
            JSON.stringify({ status: 'error', errorType: 'unauthorized', error: 'send the hub token: Authorization: Bearer <http.token>' }),
          );
          return;
        }
      }
      for (const handle of o.handlers) if (await handle(req, res)) return;
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'error',
          errorType: 'not_found',
          error: `no endpoint ${req.url?.split('?')[0]}: the API is under /api/v1/ (Prometheus) and /api/hub/v1/`,
        }),
      );
    })().catch((e: Error & { code?: string }) => {
      // A client that goes away mid-upload (a cancelled import) is not the hub's fault.
      if (req.destroyed && (e.code === 'ECONNRESET' || e.code === 'ERR_STREAM_PREMATURE_CLOSE' || e.message === 'aborted')) {
        o.log(`http: ${req.method} ${req.url?.split('?')[0]}: the client went away before the request was complete`);
        return;
      }
      o.log(`http: ${req.method} ${req.url}: ${e.stack ?? e.message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', errorType: 'internal', error: e.message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          e.code === 'EADDRINUSE'
            ? `http: ${o.listen.host}:${o.listen.port} is in use: stop what uses it or set http.listen to another port`
            : `http: cannot listen on ${o.listen.host}:${o.listen.port}: ${e.message}`,
        ),
      ),
    );
    server.listen(o.listen.port, o.listen.host, () => {
      const bound = boundAddress(server, o.listen);
      // A name in http.listen (not an address) is one the hub is reached by, too.
      const named = parseHost(o.listen.host);
      const listenName = named && !/^[\d.]+$|^\[/.test(named.hostname) ? [{ hostname: named.hostname, port: bound.port }] : [];
      guard = { hosts: new HostRule(bound, [...(o.allowedHosts ?? []), ...listenName]), readOnlyPost: o.readOnlyPost ?? (() => false) };
      resolve();
    });
  });
  return { server, address: boundAddress(server, o.listen), refused };
}

function boundAddress(server: Server, fallback: HostPort): HostPort {
  const addr = server.address();
  return typeof addr === 'object' && addr ? { host: addr.address, port: addr.port } : fallback;
}
