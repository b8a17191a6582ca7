// A real remote-write receiver on 127.0.0.1 for tests: it decodes every body with the
// codec, records it, and answers as the test says (503 for a while, 400, slowly...).

import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { labelsKey } from '@metrics-hub/wire';
import { decodeRemoteWriteBody } from '../request-body.ts';
import type { TimeSeries } from '../write-request.ts';

export interface ReceivedRequest {
  /** Arrival number, from 1. */
  n: number;
  headers: IncomingHttpHeaders;
  series: TimeSeries[];
  samples: number;
  /** What the endpoint answered (0 when the client went away first). */
  status: number;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Answer after this long (the request is recorded on arrival). */
  delayMs?: number;
}

export interface RecordingEndpoint {
  url: string;
  requests: ReceivedRequest[];
  /** Samples of the requests answered 2xx, per series key, in arrival order. */
  accepted(): Map<string, { t: number[]; v: number[] }>;
  acceptedSamples(): number;
  /** Changes how later requests are answered. */
  answer: (n: number, req: ReceivedRequest) => Answer;
  close(): Promise<void>;
}

export async function startRecordingEndpoint(
  o: { answer?: (n: number, req: ReceivedRequest) => Answer; tls?: { certFile: string; keyFile: string } } = {},
): Promise<RecordingEndpoint> {
  const requests: ReceivedRequest[] = [];
  const endpoint: RecordingEndpoint = {
    url: '',
    requests,
    answer: o.answer ?? (() => ({ status: 204 })),
    accepted() {
      const out = new Map<string, { t: number[]; v: number[] }>();
      for (const r of requests) {
        if (r.status < 200 || r.status >= 300) continue;
        for (const s of r.series) {
          const key = labelsKey(s.labels);
          let e = out.get(key);
          if (!e) out.set(key, (e = { t: [], v: [] }));
          e.t.push(...s.timestamps);
          e.v.push(...s.values);
        }
      }
      return out;
    },
    acceptedSamples() {
      return requests.filter((r) => r.status >= 200 && r.status < 300).reduce((a, r) => a + r.samples, 0);
    },
    close: async () => undefined,
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let series: TimeSeries[] = [];
      let problem: string | undefined;
      try {
        series = decodeRemoteWriteBody(Buffer.concat(chunks), 64 << 20).timeseries;
      } catch (e) {
        problem = (e as Error).message;
      }
      const rec: ReceivedRequest = {
        n: requests.length + 1,
        headers: req.headers,
        series,
        samples: series.reduce((a, s) => a + s.timestamps.length, 0),
        status: 0,
      };
      requests.push(rec);
      const a: Answer = problem ? { status: 400, body: problem } : endpoint.answer(rec.n, rec);
      const reply = () => {
        if (res.destroyed) return;
        rec.status = a.status;
        res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers });
        res.end(a.body ?? '');
      };
      if (a.delayMs) setTimeout(reply, a.delayMs);
      else reply();
    });
  };
  const server = o.tls
    ? createHttpsServer({ cert: readFileSync(o.tls.certFile), key: readFileSync(o.tls.keyFile) }, handle)
    : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `${o.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  endpoint.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return endpoint;
}
