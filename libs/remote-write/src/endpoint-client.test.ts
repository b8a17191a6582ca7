// An endpoint that answers with what it was sent (some do: "invalid token <token>") must not
// put a credential into the reason the hub logs and shows.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointClient } from './endpoint-client.ts';

const SECRET = 'Sup3rS3cretValue';
let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** An endpoint answering `status` with every request header in its body. */
async function echoingEndpoint(status: number): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(`refused: ${JSON.stringify(req.headers)}`);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
}

describe('EndpointClient reasons', () => {
  it('hide the bearer token, the basic-auth password and header values the endpoint echoes', async () => {
    const cases = [
      { status: 401, auth: { bearerToken: SECRET } },
      { status: 500, auth: { username: 'hub', password: SECRET } },
      { status: 400, headers: { 'X-Api-Key': SECRET } },
    ];
    for (const c of cases) {
      const url = await echoingEndpoint(c.status);
      const client = new EndpointClient(url, { auth: c.auth, headers: c.headers, timeoutMs: 5000, connections: 1, userAgent: 'test' });
      const outcome = await client.send(new Uint8Array(4), new AbortController().signal);
      client.close();
      await new Promise<void>((r) => server!.close(() => r()));
      server = undefined;
      expect(outcome.kind).not.toBe('sent');
      const reason = outcome.kind === 'sent' ? '' : outcome.reason;
      expect(reason).toMatch(new RegExp(`^HTTP ${c.status}: refused: `));
      expect(reason).not.toContain(SECRET);
      expect(reason).not.toContain(Buffer.from(`hub:${SECRET}`).toString('base64'));
    }
  });
});
