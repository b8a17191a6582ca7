import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createIntegration } from './create-integration.ts';
import { firingNotification, resolvedNotification, standInRenderer, rejection } from './testing/fixtures.ts';
import { recorderPerTest } from './testing/http-recorder.ts';

// Alertmanager's bytes: Go struct order, sorted map keys, <>& escaped, trailing newline.
const GEN = String.raw`"generatorURL":"http://hub.example:9464/graph?g0.expr=up+%3D%3D+0\u0026g0.tab=1"`;
const WEB1_LABELS = `"labels":{"alertname":"HostDown","instance":"web-1:9100","job":"node","severity":"critical"}`;
const WEB1_ANNOTATIONS = `"annotations":{"runbook":"https://wiki.example/HostDown","summary":"web-1 is down"}`;
const FIRING_BODY =
  `{"receiver":"ops","status":"firing","alerts":[` +
  `{"status":"firing",${WEB1_LABELS},${WEB1_ANNOTATIONS},"startsAt":"2026-01-15T10:00:00.25Z","endsAt":"0001-01-01T00:00:00Z",${GEN},"fingerprint":"1a30ba71cca2921f"},` +
  String.raw`{"status":"firing","labels":{"alertname":"HostDown","instance":"web-2:9100","job":"node","severity":"critical"},"annotations":{"runbook":"https://wiki.example/HostDown","summary":"web-2 is down \u003csince boot\u003e"},"startsAt":"2026-01-15T10:02:00Z","endsAt":"0001-01-01T00:00:00Z",${GEN},"fingerprint":"2b41cb82ddb3a320"}],` +
  `"groupLabels":{"alertname":"HostDown"},"commonLabels":{"alertname":"HostDown","job":"node","severity":"critical"},"commonAnnotations":{"runbook":"https://wiki.example/HostDown"},` +
  String.raw`"externalURL":"http://hub.example:9464","version":"4","groupKey":"{}:{alertname=\"HostDown\"}","truncatedAlerts":0}` +
  '\n';
const RESOLVED_BODY =
  `{"receiver":"ops","status":"resolved","alerts":[` +
  `{"status":"resolved",${WEB1_LABELS},${WEB1_ANNOTATIONS},"startsAt":"2026-01-15T10:00:00.25Z","endsAt":"2026-01-15T10:30:00.5Z",${GEN},"fingerprint":"1a30ba71cca2921f"}],` +
  `"groupLabels":{"alertname":"HostDown"},"commonLabels":{"alertname":"HostDown","instance":"web-1:9100","job":"node","severity":"critical"},"commonAnnotations":{"runbook":"https://wiki.example/HostDown","summary":"web-1 is down"},` +
  String.raw`"externalURL":"http://hub.example:9464","version":"4","groupKey":"{}:{alertname=\"HostDown\"}","truncatedAlerts":0}` +
  '\n';

const serve = recorderPerTest();

describe('webhook receiver', () => {
  it("POSTs Alertmanager's version 4 message byte for byte for a firing notification", async () => {
    const s = await serve();
    await createIntegration('webhook', { url: `${s.url}/alerts?team=ops` }).send(firingNotification());
    expect(s.requests).toHaveLength(1);
    const [req] = s.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/alerts?team=ops');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('metrics-hub');
    expect(req.headers.authorization).toBeUndefined();
    expect(req.body).toBe(FIRING_BODY);
  });

  it('sends a resolved notification with endsAt and the common labels of what it sends', async () => {
    const s = await serve();
    await createIntegration('webhook', { url: s.url }).send(resolvedNotification());
    expect(s.requests[0].body).toBe(RESOLVED_BODY);
  });

  it('rejects a 500 with the status and what the server said, then delivers on the retry', async () => {
    const s = await serve((_, i) => (i === 0 ? { status: 500, body: 'database is locked\n  try again later' } : { status: 200 }));
    const hook = createIntegration('webhook', { url: `${s.url}/hook` });
    const err = await rejection(hook.send(firingNotification()));
    expect(err.code).toBe('http_status');
    expect(err.status).toBe(500);
    expect(err.retryable).toBe(true);
    expect(err.response).toBe('database is locked try again later');
    expect(err.message).toBe(`webhook: POST ${s.url}/hook answered 500 Internal Server Error: database is locked try again later`);
    await expect(hook.send(firingNotification())).resolves.toBeUndefined();
    expect(s.requests).toHaveLength(2);
    expect(s.requests[1].body).toBe(FIRING_BODY);
  });

  it('marks a 4xx as not worth retrying and keeps long bodies short', async () => {
    const s = await serve(() => ({ status: 400, body: 'x'.repeat(5000) }));
    const err = await rejection(createIntegration('webhook', { url: s.url }).send(firingNotification()));
    expect(err.status).toBe(400);
    expect(err.retryable).toBe(false);
    expect(err.response).toBe(`${'x'.repeat(300)}…`);
  });

  it('gives up after `timeout` and says so', async () => {
    const s = await serve(() => ({ delayMs: 3000 }));
    const started = Date.now();
    const err = await rejection(createIntegration('webhook', { url: s.url, timeout: '300ms' }).send(firingNotification()));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err.code).toBe('timeout');
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(`webhook: POST ${s.url}/: no answer within 300ms (timeout)`);
  });

  it('names the cause when nothing listens', async () => {
    const s = await serve();
    const url = s.url;
    await s.close();
    const err = await rejection(createIntegration('webhook', { url }).send(firingNotification()));
    expect(err.code).toBe('connection');
    expect(err.message).toMatch(/^webhook: POST http:\/\/127\.0\.0\.1:\d+\/ failed: .*ECONNREFUSED/);
  });

  it('sends a bearer token, basic auth, or credentials read from a file at each send', async () => {
    const s = await serve();
    await createIntegration('webhook', { url: s.url, http_config: { bearer_token: 's3cret' } }).send(firingNotification());
    await createIntegration('webhook', { url: s.url, http_config: { basic_auth: { username: 'hub', password: 'pa:ss' } } }).send(
      firingNotification(),
    );
    await createIntegration('webhook', { url: s.url, http_config: { authorization: { type: 'Token', credentials: 'abc' } } }).send(
      firingNotification(),
    );
    const dir = mkdtempSync(join(tmpdir(), 'webhook-token-'));
    try {
      const file = join(dir, 'token');
      writeFileSync(file, 'first\n');
      const hook = createIntegration('webhook', { url: s.url, http_config: { bearer_token_file: file } });
      await hook.send(firingNotification());
      writeFileSync(file, 'rotated\n');
      await hook.send(firingNotification());
      rmSync(file);
      const err = await rejection(hook.send(firingNotification()));
      expect(err.code).toBe('credentials');
      expect(err.message).toContain(`cannot read http_config.bearer_token_file ${file}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(s.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer s3cret',
      `Basic ${Buffer.from('hub:pa:ss').toString('base64')}`,
      'Token abc',
      'Bearer first',
      'Bearer rotated',
    ]);
  });

  it('reads url_file at each send', async () => {
    const s = await serve();
    const dir = mkdtempSync(join(tmpdir(), 'webhook-url-'));
    try {
      const file = join(dir, 'url');
      writeFileSync(file, `${s.url}/first\n`);
      const hook = createIntegration('webhook', { url_file: file });
      await hook.send(firingNotification());
      writeFileSync(file, `${s.url}/second\n`);
      await hook.send(firingNotification());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(s.requests.map((r) => r.path)).toEqual(['/first', '/second']);
  });

  it('max_alerts sends the first alerts, counts the rest, and recomputes what they share', async () => {
    const s = await serve();
    await createIntegration('webhook', { url: s.url, max_alerts: 1 }).send(firingNotification());
    const body = JSON.parse(s.requests[0].body);
    expect(body.alerts.map((a: { fingerprint: string }) => a.fingerprint)).toEqual(['1a30ba71cca2921f']);
    expect(body.truncatedAlerts).toBe(1);
    expect(body.commonLabels).toEqual({ alertname: 'HostDown', instance: 'web-1:9100', job: 'node', severity: 'critical' });
    expect(body.commonAnnotations).toEqual({ runbook: 'https://wiki.example/HostDown', summary: 'web-1 is down' });
  });

  it('send_resolved: false drops resolved alerts and sends nothing when none are left', async () => {
    const s = await serve();
    const hook = createIntegration('webhook', { url: s.url, send_resolved: false });
    expect(hook.sendResolved).toBe(false);
    await hook.send(resolvedNotification());
    expect(s.requests).toHaveLength(0);
  });

  it('body_template posts the JSON the template renders', async () => {
    const s = await serve();
    const hook = createIntegration(
      'webhook',
      {
        url: s.url,
        body_template:
          '{"text": "{{ .Status | toUpper }}: {{ .CommonLabels.alertname }} on {{ len .Alerts }} hosts", "receiver": "{{ .Receiver }}"}',
      },
      { render: standInRenderer },
    );
    await hook.send(firingNotification());
    expect(s.requests[0].headers['content-type']).toBe('application/json');
    expect(s.requests[0].body).toBe('{"text": "FIRING: HostDown on 2 hosts", "receiver": "ops"}');
  });

  it('refuses to post what a body_template renders when it is not JSON', async () => {
    const s = await serve();
    const hook = createIntegration('webhook', { url: s.url, body_template: '{"text": {{ .Status }}}' }, { render: standInRenderer });
    const err = await rejection(hook.send(firingNotification()));
    expect(err.code).toBe('template');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/^webhook: body_template did not render valid JSON \(.+\): \{"text": firing\}$/);
    expect(s.requests).toHaveLength(0);
  });

  it('reports a failing template as a template error', async () => {
    const s = await serve();
    const hook = createIntegration('webhook', { url: s.url, body_template: '{"a": "{{ .NoSuchField }}"}' }, { render: standInRenderer });
    const err = await rejection(hook.send(firingNotification()));
    expect(err.code).toBe('template');
    expect(err.message).toBe('webhook: template body_template failed: template: no such field .NoSuchField in {{ .NoSuchField }}');
  });
});
