// A real node:http server on 127.0.0.1 with the API handler, for tests that go through
// sockets. Paths the handler declines get a plain-text 404 of the server's own, so tests
// can tell "not ours" from the API's JSON not_found.

import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Engine, type MemoryQueryable } from '@metrics-hub/promql';
import type { LabelMatcher, Labels } from '@metrics-hub/wire';
import { compileMatcher } from '@metrics-hub/wire';
import type { ApiBackend, ApiOptions, MetricMetadataEntry } from '../backend.ts';
import { createPrometheusApi } from '../handler.ts';

export interface ApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startApiServer(backend: ApiBackend, options: ApiOptions = {}): Promise<ApiServer> {
  const handle = createPrometheusApi(backend, options);
  const server = createServer((req, res) => {
    void handle(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not an API path');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The store half of a backend over a MemoryQueryable, for tests without SQLite. */
export function memoryBackend(
  queryable: MemoryQueryable,
  extra: Partial<ApiBackend> & { meta?: Record<string, MetricMetadataEntry> } = {},
): ApiBackend {
  const { meta = {}, ...rest } = extra;
  const all = (): Labels[] =>
    [...queryable.select([{ type: '=~', name: '__name__', value: '.+' }], -Infinity, Infinity)].map((s) => s.labels);
  const matching = (matchers: readonly LabelMatcher[] = []) => {
    const compiled = matchers.map(compileMatcher);
    return all().filter((l) => compiled.every((m) => m.matches(l[m.name] ?? '')));
  };
  return {
    engine: new Engine(),
    queryable,
    series: (matchers, mint, maxt) =>
      mint === undefined || maxt === undefined ? matching(matchers) : [...queryable.select(matchers, mint, maxt)].map((s) => s.labels),
    labelNames: (matchers) => [...new Set(matching(matchers).flatMap((l) => Object.keys(l)))],
    labelValues: (name, matchers) => [...new Set(matching(matchers).flatMap((l) => (l[name] === undefined ? [] : [l[name]])))],
    metadata: (metric) => new Map(Object.entries(meta).filter(([name]) => metric === undefined || name === metric)),
    buildInfo: { version: '3.0.0', revision: 'abc123' },
    ...rest,
  };
}

/** A raw request (fetch hides Content-Encoding and decompresses): status, headers, body bytes. */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A parsed API response, loosely typed for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: tests read whatever shape each endpoint answers
export type ApiBody = { status: string; data?: any; errorType?: string; error?: string; warnings?: string[]; infos?: string[] };
