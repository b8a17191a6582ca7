// The hub's HTTP server: one listener, handlers tried in order (the Prometheus API, the
// hub's routes), a bearer token when one is configured, and a JSON 500 instead of a crash
// when a handler throws. Bound to 127.0.0.1 unless the config says otherwise (and then
// the config insists on a token).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { HostPort } from '../config.ts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export async function startHttpServer(o: {
  listen: HostPort;
  token: string | undefined;
  handlers: RouteHandler[];
  log: (line: string) => void;
}): Promise<{ server: Server; address: HostPort }> {
  const expected = o.token ? Buffer.from(`Bearer ${o.token}`) : undefined;
  const server = createServer((req, res) => {
    void (async () => {
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
    server.listen(o.listen.port, o.listen.host, resolve);
  });
  const addr = server.address();
  return { server, address: typeof addr === 'object' && addr ? { host: addr.address, port: addr.port } : o.listen };
}
