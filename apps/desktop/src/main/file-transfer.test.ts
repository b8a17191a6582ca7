// The main process's file streaming against a real HTTP server on 127.0.0.1 and real files.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { partialPathFor, saveHubResponse, uploadFileToHub, writeFileViaTemp } from './file-transfer.ts';
import type { HubEndpoint } from './hub-client.ts';

let server: Server | undefined;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-transfer-'));
});

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<HubEndpoint> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, token: 'T' };
}

/** Deterministic bytes that are not all alike, so a misplaced chunk shows. */
function payload(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('saveHubResponse', () => {
  it('streams a complete answer into the file, with the token and the JSON body, progress up to the total', async () => {
    const data = payload(3 << 20);
    const seen: { auth?: string; method?: string; url?: string; body: string }[] = [];
    const hub = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, method: req.method, url: req.url, body });
        res.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-length': data.length });
        // In pieces, as a real export arrives.
        let i = 0;
        const next = () => {
          if (i >= data.length) return void res.end();
          res.write(data.subarray(i, i + 256 * 1024), next);
          i += 256 * 1024;
        };
        next();
      });
    });
    const target = join(dir, 'incident.ndjson');
    const progress: [number, number | null][] = [];
    const r = await saveHubResponse(hub, { method: 'POST', path: '/api/hub/v1/incidents', body: { title: 'x' } }, target, {
      onProgress: (b, t) => progress.push([b, t]),
      progressEveryMs: 0,
    });
    expect(r).toEqual({ status: 'saved', file: target, bytes: data.length });
    expect(sha(readFileSync(target))).toBe(sha(data));
    expect(readdirSync(dir)).toEqual(['incident.ndjson']);
    expect(seen).toEqual([{ auth: 'Bearer T', method: 'POST', url: '/api/hub/v1/incidents', body: '{"title":"x"}' }]);
    expect(progress.at(-1)).toEqual([data.length, data.length]);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.every(([b, t], i) => t === data.length && (i === 0 || b >= progress[i - 1][0]))).toBe(true);
  });

  it('reports a null total when the hub sends no Content-Length (chunked)', async () => {
    const hub = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.write('a,b\n');
      res.end('1,2\n');
    });
    const totals = new Set<number | null>();
    const target = join(dir, 'x.csv');
    const r = await saveHubResponse(hub, { method: 'GET', path: '/api/hub/v1/export?format=csv-long' }, target, {
      onProgress: (_b, t) => totals.add(t),
      progressEveryMs: 0,
    });
    expect(r).toEqual({ status: 'saved', file: target, bytes: 8 });
    expect(readFileSync(target, 'utf8')).toBe('a,b\n1,2\n');
    expect([...totals]).toEqual([null]);
  });

  it('a cancel mid-way stops the transfer and leaves no file, and an existing file as it was', async () => {
    let closedByClient = false;
    const hub = await serve((req, res) => {
      res.writeHead(200, { 'content-length': 10 << 20 });
      res.write(payload(128 * 1024));
      // ...and then nothing more: only the cancel can end this.
      req.socket.on('close', () => (closedByClient = true));
    });
    const target = join(dir, 'export.csv');
    writeFileSync(target, 'the old file');
    const abort = new AbortController();
    const r = await saveHubResponse(hub, { method: 'GET', path: '/api/hub/v1/export' }, target, {
      signal: abort.signal,
      progressEveryMs: 0,
      onProgress: (b) => {
        if (b > 0) abort.abort();
      },
    });
    expect(r).toEqual({ status: 'cancelled' });
    expect(readdirSync(dir)).toEqual(['export.csv']);
    expect(readFileSync(target, 'utf8')).toBe('the old file');
    await expect.poll(() => closedByClient).toBe(true);
  });

  it("a hub error leaves no file and gives the hub's message and status", async () => {
    const hub = await serve((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"no dashboard db"}');
    });
    const r = await saveHubResponse(
      hub,
      { method: 'POST', path: '/api/hub/v1/incidents', body: { dashboardId: 'db' } },
      join(dir, 'i.ndjson'),
    );
    expect(r).toEqual({ status: 'failed', httpStatus: 400, error: 'no dashboard db' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a hub that stops half-way leaves no file and says so', async () => {
    const hub = await serve((req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write(payload(500), () => req.socket.destroy());
    });
    const r = await saveHubResponse(hub, { method: 'GET', path: '/api/hub/v1/export' }, join(dir, 'cut.csv'));
    expect(r.status).toBe('failed');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a folder that is gone fails with what to do, and a hub that is not there too', async () => {
    const hub = await serve((_req, res) => res.end('x'));
    const r = await saveHubResponse(hub, { method: 'GET', path: '/api/hub/v1/export' }, join(dir, 'nope', 'x.csv'));
    expect(r).toMatchObject({ status: 'failed', error: expect.stringMatching(/does not exist any more: choose another/) });
    const closed = { url: 'http://127.0.0.1:9', token: 'T' };
    expect(await saveHubResponse(closed, { method: 'GET', path: '/api/hub/v1/export' }, join(dir, 'x.csv'))).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^the hub does not answer/),
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it("keeps the partial file hidden in the target's folder", () => {
    const p = partialPathFor('/home/u/Downloads/export.csv');
    expect(p).toMatch(/^\/home\/u\/Downloads\/\.export\.csv\.[0-9a-f]{8}\.part$/);
    expect(partialPathFor('/home/u/Downloads/export.csv')).not.toBe(p);
  });
});

describe('uploadFileToHub', () => {
  it("streams the file with its size and type; progress reaches the total; the hub's answer comes back", async () => {
    const data = payload((2 << 20) + 123);
    const file = join(dir, 'samples.om');
    writeFileSync(file, data);
    let received: Buffer | undefined;
    let headers: IncomingMessage['headers'] = {};
    const hub = await serve((req, res) => {
      headers = req.headers;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received = Buffer.concat(chunks);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ committed: true, bytes: received.length }));
      });
    });
    const progress: [number, number | null][] = [];
    // Throttled to one report a minute: the first chunk's, then the total, which must come whatever the timing.
    const r = await uploadFileToHub(hub, '/api/hub/v1/import?format=openmetrics', file, 'application/openmetrics-text; version=1.0.0', {
      onProgress: (b, t) => progress.push([b, t]),
      progressEveryMs: 60_000,
    });
    expect(r).toEqual({ status: 'sent', response: { ok: true, status: 200, body: { committed: true, bytes: data.length } } });
    expect(sha(received!)).toBe(sha(data));
    expect(headers['content-length']).toBe(String(data.length));
    expect(headers['content-type']).toBe('application/openmetrics-text; version=1.0.0');
    expect(headers.authorization).toBe('Bearer T');
    expect(progress.at(-1)).toEqual([data.length, data.length]);
    expect(progress[0][0]).toBeLessThan(data.length);
  });

  it("gives back a refusal with its body (an import's rejected lines)", async () => {
    const file = join(dir, 'bad.om');
    writeFileSync(file, 'x two 1\n');
    const hub = await serve((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"committed":false,"rejected":[{"line":1,"reason":"bad value"}]}');
      });
    });
    const r = await uploadFileToHub(hub, '/api/hub/v1/import', file, 'text/plain');
    expect(r).toEqual({
      status: 'sent',
      response: { ok: false, status: 400, body: { committed: false, rejected: [{ line: 1, reason: 'bad value' }] } },
    });
  });

  it('a cancel mid-way stops sending: the hub sees the request cut short', async () => {
    const file = join(dir, 'big.ndjson');
    writeFileSync(file, payload(32 << 20));
    let hubGot = 0;
    let hubSawAbort = false;
    const hub = await serve((req) => {
      // Reads on and never answers: only the cancel ends this request.
      req.on('data', (c: Buffer) => (hubGot += c.length));
      req.on('close', () => (hubSawAbort = !req.complete));
    });
    const abort = new AbortController();
    const r = await uploadFileToHub(hub, '/api/hub/v1/incidents/open', file, 'application/octet-stream', {
      signal: abort.signal,
      progressEveryMs: 0,
      // Well under way: the hub has the request and some of the body.
      onProgress: (b) => {
        if (b >= 4 << 20) abort.abort();
      },
    });
    expect(r).toEqual({ status: 'cancelled' });
    await expect.poll(() => hubSawAbort).toBe(true);
    expect(hubGot).toBeGreaterThan(0);
    expect(hubGot).toBeLessThan(32 << 20);
  });

  it('a file that is not there fails before anything is sent', async () => {
    let requests = 0;
    const hub = await serve((_req, res) => {
      requests++;
      res.end();
    });
    const r = await uploadFileToHub(hub, '/api/hub/v1/import', join(dir, 'gone.om'), 'text/plain');
    expect(r).toMatchObject({ status: 'failed', error: expect.stringMatching(/^cannot read .*gone\.om/) });
    expect(requests).toBe(0);
  });
});

describe('writeFileViaTemp', () => {
  it('writes the bytes under the name, leaving nothing else', async () => {
    const target = join(dir, 'chart.png');
    expect(await writeFileViaTemp(target, new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toEqual({ status: 'saved', file: target, bytes: 4 });
    expect([...readFileSync(target)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(readdirSync(dir)).toEqual(['chart.png']);
    expect(await writeFileViaTemp(join(dir, 'gone', 'c.png'), new Uint8Array([1]))).toMatchObject({ status: 'failed' });
  });
});
