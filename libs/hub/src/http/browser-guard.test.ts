// The browser rules on a real hub over real HTTP: each request a web page could make the
// browser send (a foreign Host after DNS rebinding, a foreign or null Origin, the browser's
// own Sec-Fetch-Site, a form-like POST) is refused with its reason and changes nothing;
// each real client (curl, the hub's own page, Grafana's form POSTs, remote write, a token
// holder) still works.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRemoteWriteBody } from '@metrics-hub/remote-write';
import { tempDir } from '@metrics-hub/testing';
import { Hub } from '../hub.ts';
import { testHubConfig } from '../testing/test-hub-config.ts';

const SLACK_SECRET = 'https://hooks.slack.example/services/T000/B000/very-secret-path';
const NOTIFIER = `route:\n  receiver: chat\nreceivers:\n  - name: chat\n    slack_configs:\n      - api_url: ${SLACK_SECRET}\n        channel: '#ops'\n`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  error?: string;
}

/** One request with exactly these headers (Host included), as any client could send it. */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Uint8Array,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let error: string | undefined;
        try {
          error = (JSON.parse(text) as { error?: string }).error;
        } catch {
          error = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, error });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const SILENCE = JSON.stringify({ matchers: ['alertname=~".+"'], for: '87600h', createdBy: 'attacker', comment: 'x' });

describe('browser rules on a hub without a token (the default)', () => {
  const cleanups: (() => unknown)[] = [];
  let hub: Hub;
  let port: number;
  const lines: string[] = [];
  beforeAll(async () => {
    const dir = tempDir('hub-browser-guard-', cleanups).path;
    const ui = join(dir, 'ui');
    mkdirSync(ui);
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>hub</title>');
    writeFileSync(join(dir, 'alerting.yml'), NOTIFIER);
    hub = await Hub.start(
      testHubConfig(dir, ['alerting:', `  notifier_config: ${join(dir, 'alerting.yml')}`], {
        METRICS_HUB_HTTP_ALLOWED_HOSTS: 'metrics.example.com',
      }),
      { log: (l) => lines.push(l), uiDir: ui },
    );
    port = hub.httpAddress.port;
  });
  afterAll(async () => {
    await hub.stop();
    for (const c of cleanups.reverse()) await c();
  });

  const silences = () => hub.alerting.notifier.silences.list(Date.now(), {} as never).length;
  const snapshots = () => {
    try {
      return readdirSync(join(hub.config.dataDir, 'snapshots')).length;
    } catch {
      return 0;
    }
  };
  const series = (name: string) => hub.store.select([{ name: '__name__', type: '=', value: name }], 0, Infinity).length;

  describe('refuses, and nothing changes', () => {
    it('a Host that is not one of its names (DNS rebinding): 421 naming the Host and the config to add', async () => {
      for (const host of [`attacker.example:${port}`, `localhost:${port + 1}`, 'attacker.example', `127.0.0.1.attacker.example:${port}`]) {
        const r = await send(port, 'POST', '/api/hub/v1/silences', { host, ...JSON_TYPE }, SILENCE);
        expect(r.status, host).toBe(421);
        expect(r.error).toContain(`refused Host ${JSON.stringify(host)}`);
        expect(r.error).toContain(`this hub answers to 127.0.0.1:${port}, localhost:${port}, [::1]:${port}, metrics.example.com`);
        expect(r.error).toMatch(/add it to hub\.yaml \(http: \{ allowed_hosts: \[".*"\] \}\)/);
      }
      // A rebinding page reads nothing either: not the notifier config with its secrets, not the settings.
      for (const path of ['/api/hub/v1/alerting-config', '/api/hub/v1/settings', '/api/hub/v1/snapshots', '/api/v1/query?query=up', '/']) {
        const r = await send(port, 'GET', path, { host: `attacker.example:${port}`, 'sec-fetch-site': 'same-origin' });
        expect(r.status, path).toBe(421);
        expect(r.text).not.toContain('hooks.slack.example');
      }
      expect(silences()).toBe(0);
      expect(lines.some((l) => l.includes('refused Host "attacker.example'))).toBe(true);
    });

    it('a page on another origin (Origin header), even with a JSON body: 403', async () => {
      for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, `http://localhost:${port}`]) {
        const r = await send(port, 'POST', '/api/hub/v1/agents', { origin, ...JSON_TYPE }, JSON.stringify({ agentId: 'web-1' }));
        expect(r.status, origin).toBe(403);
        expect(r.error).toContain(`refused: a page at ${JSON.stringify(origin)} may not use the hub`);
      }
      // Reads too: a page elsewhere cannot even make the hub work for it.
      const read = await send(port, 'GET', '/api/hub/v1/alerting-config', { origin: 'http://evil.example' });
      expect(read.status).toBe(403);
      expect(read.text).not.toContain('hooks.slack.example');
      expect(hub.tokens.list()).toEqual([]);
    });

    it('Origin: null (a sandboxed frame, a file: page): 403', async () => {
      const r = await send(port, 'POST', '/api/hub/v1/silences', { origin: 'null', ...JSON_TYPE }, SILENCE);
      expect(r.status).toBe(403);
      expect(r.error).toMatch(/^refused: a page without an origin \(Origin: null/);
      expect(silences()).toBe(0);
    });

    it('what the browser says came from another site or port (Sec-Fetch-Site cross-site, same-site): 403', async () => {
      for (const site of ['cross-site', 'same-site']) {
        const post = await send(
          port,
          'POST',
          '/api/hub/v1/silences',
          { 'sec-fetch-site': site, 'sec-fetch-mode': 'no-cors', ...JSON_TYPE },
          SILENCE,
        );
        expect(post.status, site).toBe(403);
        expect(post.error).toBe(
          `refused: the browser says another site sent this request (Sec-Fetch-Site: "${site}"); only the hub's own pages may use its API, and nothing was done`,
        );
        // An <img> or <script> pointing at a query: not even the work is done.
        const img = await send(port, 'GET', '/api/v1/query?query=up', {
          'sec-fetch-site': site,
          'sec-fetch-mode': 'no-cors',
          'sec-fetch-dest': 'image',
        });
        expect(img.status).toBe(403);
        // A link followed from another site to the API (not the hub's pages).
        const link = await send(port, 'GET', '/api/hub/v1/settings', { 'sec-fetch-site': site, 'sec-fetch-mode': 'navigate' });
        expect(link.status).toBe(403);
      }
      expect(silences()).toBe(0);
    });

    it('a change sent the way a form or a no-cors fetch() sends it, with no Origin (an old browser): 403', async () => {
      const cases: [string, string, Record<string, string>, string | undefined][] = [
        ['POST', '/api/hub/v1/silences', { 'content-type': 'text/plain;charset=UTF-8' }, SILENCE],
        ['POST', '/api/hub/v1/silences', { 'content-type': 'application/x-www-form-urlencoded' }, `${SILENCE}=`],
        ['POST', '/api/hub/v1/agents', { 'content-type': 'multipart/form-data; boundary=x' }, '--x--'],
        // A list of types: browsers read the last one, so the hub does not take the first.
        ['POST', '/api/hub/v1/agents', { 'content-type': 'application/json, text/plain' }, '{"agentId":"web-1"}'],
        ['POST', '/api/hub/v1/snapshots', {}, undefined],
        ['POST', '/api/hub/v1/rules/reload', {}, undefined],
        ['POST', '/api/hub/v1/import?format=prometheus', { 'content-type': 'text/plain; version=0.0.4' }, `form_sent 1 ${Date.now()}\n`],
        ['POST', '/api/v1/write', { 'content-type': 'text/plain' }, 'x'],
        ['DELETE', '/api/hub/v1/agents/web-1/token', {}, undefined],
        // Read as the routes read them: not the read-only query API in disguise.
        ['POST', '/api/v1/../hub/v1/silences', { 'content-type': 'text/plain' }, SILENCE],
        ['POST', '/api/v1/%2e%2e/hub/v1/silences', { 'content-type': 'text/plain' }, SILENCE],
      ];
      for (const [method, path, headers, body] of cases) {
        const r = await send(port, method, path, headers, body);
        expect(r.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(r.error).toMatch(
          /is what any web page can send, so nothing was done\. Send the body as application\/json .* or add the header X-Metrics-Hub: 1$/,
        );
      }
      expect(silences()).toBe(0);
      expect(hub.tokens.list()).toEqual([]);
      expect(snapshots()).toBe(0);
      expect(series('form_sent')).toBe(0);
    });

    it('a CORS preflight from elsewhere gets no CORS headers, and no answer carries any', async () => {
      const r = await send(port, 'OPTIONS', '/api/v1/query', {
        origin: 'http://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      });
      expect(r.status).toBe(403);
      const answers = [
        r,
        await send(port, 'GET', '/api/v1/query?query=1'),
        await send(port, 'GET', '/api/hub/v1/status'),
        await send(port, 'GET', '/'),
      ];
      for (const a of answers) {
        expect(Object.keys(a.headers).filter((k) => k.startsWith('access-control-'))).toEqual([]);
        expect(a.headers['cross-origin-resource-policy']).toBe('same-origin');
        expect(a.headers['x-content-type-options']).toBe('nosniff');
      }
    });
  });

  describe('lets real clients through', () => {
    it('curl on this machine: JSON bodies, or X-Metrics-Hub with a form-like type or no body', async () => {
      const silence = await send(
        port,
        'POST',
        '/api/hub/v1/silences',
        JSON_TYPE,
        JSON.stringify({ matchers: ['job="x"'], for: '1h', createdBy: 'me', comment: 'ok' }),
      );
      expect(silence.status).toBe(201);
      const imported = await send(
        port,
        'POST',
        '/api/hub/v1/import?format=prometheus',
        { 'content-type': 'text/plain; version=0.0.4', 'x-metrics-hub': '1' },
        `curl_sent 1 ${Date.now()}\n`,
      );
      expect(imported.status, imported.text).toBe(200);
      expect(series('curl_sent')).toBe(1);
      const snap = await send(port, 'POST', '/api/hub/v1/snapshots', { 'x-metrics-hub': '1' });
      expect(snap.status).toBe(201);
      // localhost and [::1] are the hub's names too.
      for (const host of [`localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`])
        expect((await send(port, 'GET', '/api/hub/v1/status', { host })).status, host).toBe(200);
      hub.alerting.notifier.silences.expire(JSON.parse(silence.text).id, Date.now());
    });

    it("the hub's own page: same origin, as Chromium sends it (by 127.0.0.1 or localhost)", async () => {
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
        const r = await send(
          port,
          'PUT',
          '/api/hub/v1/dashboards/mine',
          { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', ...JSON_TYPE },
          JSON.stringify({ title: 'Mine', panels: [{ title: 'up', expr: 'up' }] }),
        );
        expect(r.status, host).toBe(200);
      }
      // Its EventSource: a same-origin GET without Origin.
      const read = await send(port, 'GET', '/api/hub/v1/alerting-config', { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' });
      expect(read.status).toBe(200);
      expect(read.text).toContain('hooks.slack.example');
    });

    it('a user following a link to the hub from another site, or typing its address', async () => {
      for (const site of ['cross-site', 'same-site', 'none']) {
        const r = await send(port, 'GET', '/', { 'sec-fetch-site': site, 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' });
        expect(r.status, site).toBe(200);
      }
      const typed = await send(port, 'GET', '/api/hub/v1/status', { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' });
      expect(typed.status).toBe(200);
    });

    it("Grafana's server: queries POSTed as forms without Origin, and its POST-then-GET resource calls", async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Grafana/11.3.0' };
      for (const path of ['/api/v1/query', '/api/v1/query_range', '/api/v1/series', '/api/v1/labels']) {
        const body =
          path === '/api/v1/query_range'
            ? 'end=4&query=1%2B1&start=1&step=1'
            : path === '/api/v1/query'
              ? 'query=1%2B1&time=4'
              : 'match%5B%5D=up';
        const r = await send(port, 'POST', path, form, body);
        expect(r.status, path).toBe(200);
      }
      // Grafana retries a 405 as GET; a 403 it would not.
      expect((await send(port, 'POST', '/api/v1/status/buildinfo', form, '')).status).toBe(405);
      // A page elsewhere posting the same form is refused before the query runs.
      const page = await send(
        port,
        'POST',
        '/api/v1/query',
        { ...form, origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
        'query=up',
      );
      expect(page.status).toBe(403);
    });

    it('remote write from Prometheus or vmagent (snappy protobuf)', async () => {
      const body = encodeRemoteWriteBody({
        timeseries: [{ labels: { __name__: 'rw_sent' }, timestamps: Float64Array.of(Date.now()), values: Float64Array.of(1) }],
      });
      const r = await send(
        port,
        'POST',
        '/api/v1/write',
        {
          'content-type': 'application/x-protobuf',
          'content-encoding': 'snappy',
          'x-prometheus-remote-write-version': '0.1.0',
          'user-agent': 'Prometheus/3.0.0',
        },
        body,
      );
      expect(r.status).toBe(204);
      expect(series('rw_sent')).toBe(1);
    });

    it('a name from http.allowed_hosts, behind a TLS proxy that keeps the browser Origin', async () => {
      const r = await send(
        port,
        'POST',
        '/api/hub/v1/silences',
        { host: 'metrics.example.com', origin: 'https://metrics.example.com', 'sec-fetch-site': 'same-origin', ...JSON_TYPE },
        JSON.stringify({ matchers: ['job="y"'], for: '1h', createdBy: 'me', comment: 'via proxy' }),
      );
      expect(r.status).toBe(201);
      hub.alerting.notifier.silences.expire(JSON.parse(r.text).id, Date.now());
    });

    it('counts the refusals for /metrics and the status', async () => {
      const metrics = await send(port, 'GET', '/metrics');
      expect(metrics.text).toMatch(/metrics_hub_http_requests_refused_total\{reason="host"\} [1-9]/);
      expect(metrics.text).toMatch(/metrics_hub_http_requests_refused_total\{reason="simple_request"\} [1-9]/);
      const status = JSON.parse((await send(port, 'GET', '/api/hub/v1/status')).text) as { http: { refused: Record<string, number> } };
      expect(status.http.refused.origin).toBeGreaterThan(0);
    });
  });
});

describe('browser rules on a hub with a token', () => {
  const cleanups: (() => unknown)[] = [];
  let hub: Hub;
  let port: number;
  const TOKEN = 'a-token-long-enough-for-anyone-0123456789';
  beforeAll(async () => {
    hub = await Hub.start(testHubConfig(tempDir('hub-browser-guard-token-', cleanups).path, [], { METRICS_HUB_HTTP_TOKEN: TOKEN }), {
      log: () => undefined,
    });
    port = hub.httpAddress.port;
  });
  afterAll(async () => {
    await hub.stop();
    for (const c of cleanups.reverse()) await c();
  });

  it('still wants the token, and the token does not let a page elsewhere through', async () => {
    const body = JSON.stringify({ agentId: 'web-1' });
    expect((await send(port, 'POST', '/api/hub/v1/agents', JSON_TYPE, body)).status).toBe(401);
    const foreign = await send(
      port,
      'POST',
      '/api/hub/v1/agents',
      { origin: 'http://evil.example', authorization: `Bearer ${TOKEN}`, ...JSON_TYPE },
      body,
    );
    expect(foreign.status).toBe(403);
    expect(hub.tokens.list()).toEqual([]);
    // The Authorization header is itself something no form can send: a bodyless POST with it is a program's.
    expect((await send(port, 'POST', '/api/hub/v1/agents', { authorization: `Bearer ${TOKEN}`, ...JSON_TYPE }, body)).status).toBe(201);
    expect((await send(port, 'DELETE', '/api/hub/v1/agents/web-1/token', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });
});
