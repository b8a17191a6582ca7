// No password, token or secret URL of a receiver appears in an error: not in a config
// problem, not in a delivery error, even when the far end repeats what it was sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createIntegration } from './create-integration.ts';
import { firingNotification } from './testing/fixtures.ts';

const SECRET = 'Sup3rS3cretValue';
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** An HTTP endpoint answering 401 with the request's headers and path in its body. */
async function echoing(): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(`denied ${req.url} ${JSON.stringify(req.headers)}`);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return '';
}

const notification = firingNotification();

describe('receiver secrets', () => {
  it('are not repeated by config errors', () => {
    const problems = [
      errorOf(() =>
        createIntegration('email', { to: 'a@b.c', from: 'h@b.c', smarthost: 'smtp:587', auth_username: 'u', auth_password: 12345678 }),
      ),
      errorOf(() =>
        createIntegration('email', { to: 'a@b.c', from: 'h@b.c', smarthost: 'smtp:587', auth_username: 'u', auth_password: [SECRET] }),
      ),
      errorOf(() => createIntegration('slack', { api_url: `hooks.slack.com/services/${SECRET}` })),
      errorOf(() => createIntegration('slack', `https://hooks.slack.com/services/${SECRET}`)),
      errorOf(() => createIntegration('webhook', { url: 'http://x', http_config: { authorization: { credentials: 1234567 } } })),
    ];
    for (const p of problems) expect(p).toMatch(/receiver/);
    expect(problems.join('\n')).not.toContain(SECRET);
    expect(problems.join('\n')).not.toContain('12345678');
    expect(problems.join('\n')).not.toContain('1234567');
  });

  it('are not repeated by delivery errors when the far end echoes them', async () => {
    const base = await echoing();
    const integrations = [
      createIntegration('webhook', { url: `${base}/hook`, http_config: { authorization: { credentials: SECRET } } }),
      createIntegration('webhook', { url: `${base}/hook`, http_config: { basic_auth: { username: 'u', password: SECRET } } }),
      createIntegration('slack', { api_url: `${base}/services/${SECRET}`, channel: '#a' }),
    ];
    for (const integration of integrations) {
      const message = await integration.send(notification).then(
        () => 'delivered',
        (e: Error & { response?: string }) => `${e.message} ${e.response ?? ''}`,
      );
      expect(message).toMatch(/401/);
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain(Buffer.from(`u:${SECRET}`).toString('base64'));
    }
  });
});
