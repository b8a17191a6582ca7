import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { followHubEvents, hubRequest, SseParser } from './hub-client.ts';

describe('SseParser', () => {
  it('splits events across any chunking, with CRLF, comments and multi-line data', () => {
    const text = ': hello\r\nevent: fleet\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: ingest\ndata: {"n":2}\n\ndata: plain\n\n';
    for (const size of [1, 2, 3, 7, text.length]) {
      const got: [string, string][] = [];
      const p = new SseParser((e, d) => got.push([e, d]));
      for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
      expect(got).toEqual([
        ['fleet', '{"a":\n1}'],
        ['ingest', '{"n":2}'],
        ['message', 'plain'],
      ]);
    }
  });

  it('keeps an unfinished event until its blank line', () => {
    const got: string[] = [];
    const p = new SseParser((e) => got.push(e));
    p.push('event: fleet\ndata: {}\n');
    expect(got).toEqual([]);
    p.push('\n');
    expect(got).toEqual(['fleet']);
  });
});

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const a = server.address() as { port: number };
  return `http://127.0.0.1:${a.port}`;
}

describe('hubRequest and followHubEvents', () => {
  it("sends the token and the JSON body; answers in the bridge's shape", async () => {
    const seen: { auth?: string; body: string; type?: string }[] = [];
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body, type: req.headers['content-type'] });
        res.writeHead(req.url === '/api/hub/v1/bad' ? 422 : 200, { 'content-type': 'application/json' });
        res.end(req.url === '/api/hub/v1/bad' ? '{"error":"bad matcher"}' : '{"status":"success"}');
      });
    });
    expect(await hubRequest({ url, token: 'T' }, 'POST', '/api/hub/v1/silences', { a: 1 })).toEqual({
      ok: true,
      status: 200,
      body: { status: 'success' },
    });
    expect(seen[0]).toEqual({ auth: 'Bearer T', body: '{"a":1}', type: 'application/json' });
    expect(await hubRequest({ url, token: 'T' }, 'GET', '/api/hub/v1/bad')).toEqual({
      ok: false,
      status: 422,
      body: { error: 'bad matcher' },
    });
  });

  it('follows the event stream with the token and parses each event', async () => {
    let auth: string | undefined;
    const url = await serve((req, res) => {
      auth = req.headers.authorization;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('event: fleet\ndata: {"agents":[]}\n\n');
      setTimeout(() => res.write('event: ingest\ndata: {"samples":5}\n\n'), 20);
    });
    const got: [string, unknown][] = [];
    const stop = followHubEvents({ url, token: 'T' }, (e, d) => got.push([e, d]));
    await expect.poll(() => got.length).toBe(2);
    stop();
    expect(auth).toBe('Bearer T');
    expect(got).toEqual([
      ['fleet', { agents: [] }],
      ['ingest', { samples: 5 }],
    ]);
  });
});
