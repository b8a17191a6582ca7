// A real HTTP server on 127.0.0.1 that records what receivers send and answers as told.

import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterEach } from 'vitest';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status?: number;
  body?: string;
  contentType?: string;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

export type Responder = (req: RecordedRequest, index: number) => Answer;

export interface HttpRecorder {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecorder(respond: Responder = () => ({})): Promise<HttpRecorder> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const answer = respond(recorded, requests.length - 1);
      const reply = () => {
        res.writeHead(answer.status ?? 200, { 'Content-Type': answer.contentType ?? 'text/plain' });
        res.end(answer.body ?? 'ok');
      };
      if (answer.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          reply();
        }, answer.delayMs);
        timers.add(t);
      } else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A `serve(respond?)` for a test file: each test's recorder is closed after it. */
export function recorderPerTest(): (respond?: Responder) => Promise<HttpRecorder> {
  let server: HttpRecorder | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return async (respond) => {
    server = await startRecorder(respond);
    return server;
  };
}
