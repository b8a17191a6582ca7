// Alerting inside the hub: an agent's sample crosses a rule's threshold, the notification
// reaches a real webhook receiver (an HTTP server on 127.0.0.1), and the hub's API shows
// and acts on it.
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '@metrics-hub/testing';
import { Hub } from '../hub.ts';
import { publishAsAgent, testHubConfig } from '../testing/test-hub-config.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function webhookReceiver(): Promise<{ url: string; posts: { at: number; body: Record<string, unknown> }[] }> {
  const posts: { at: number; body: Record<string, unknown> }[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      posts.push({ at: Date.now(), body: JSON.parse(text) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, posts };
}

describe('hub alerting', () => {
  it('a threshold crossed by an agent reaches a webhook within an evaluation interval and a second, and can be acknowledged', async () => {
    const dir = tempDir('hub-alerting-', cleanups).path;
    const hook = await webhookReceiver();
    writeFileSync(
      join(dir, 'test.rules.yml'),
      [
        'groups:',
        '  - name: test',
        '    interval: 1s',
        '    rules:',
        '      - alert: TooHigh',
        '        expr: test_value > 10',
        '        labels: { severity: critical }',
        '        annotations: { summary: "{{ $labels.instance }} at {{ $value | humanize }}" }',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'alerting.yml'),
      [
        'route:',
        '  receiver: hook',
        '  group_by: [alertname]',
        '  group_wait: 0s',
        '  group_interval: 1m',
        'receivers:',
        '  - name: hook',
        '    webhook_configs:',
        `      - url: ${hook.url}`,
      ].join('\n'),
    );
    const config = testHubConfig(join(dir, 'data'), [
      'alerting:',
      `  rules: [${join(dir, 'test.rules.yml')}]`,
      `  notifier_config: ${join(dir, 'alerting.yml')}`,
    ]);
    const hub = await Hub.start(config, { log: () => undefined });
    cleanups.push(() => hub.stop());
    const crossedAt = Date.now();
    await publishAsAgent(hub, 'edge-1', {
      firstSeq: 1,
      lastSeq: 1,
      createdMs: crossedAt,
      series: [
        {
          labels: { __name__: 'test_value', job: 'node', instance: 'edge-1' },
          timestamps: Float64Array.of(crossedAt),
          values: Float64Array.of(42),
        },
      ],
    });
    const post = await waitFor(() => hook.posts[0], 'the webhook', { timeoutMs: 5000 });
    // One evaluation interval (1 s) plus 1 s, with for: 0 and group_wait: 0.
    expect(post.at - crossedAt).toBeLessThanOrEqual(2000);
    expect(post.body).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'hook',
      groupLabels: { alertname: 'TooHigh' },
      commonLabels: { alertname: 'TooHigh', instance: 'edge-1', job: 'node', severity: 'critical' },
      commonAnnotations: { summary: 'edge-1 at 42' },
      alerts: [
        expect.objectContaining({
          status: 'firing',
          labels: { alertname: 'TooHigh', instance: 'edge-1', job: 'node', severity: 'critical' },
        }),
      ],
    });
    const base = `http://127.0.0.1:${hub.httpAddress.port}`;
    const rules = (await (await fetch(`${base}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; state: string }[] }[] };
    };
    expect(rules.data.groups[0].rules[0]).toMatchObject({ name: 'TooHigh', state: 'firing' });
    const alerts = (await (await fetch(`${base}/api/hub/v1/alerts`)).json()) as {
      alerts: { fingerprint: string; labels: Record<string, string> }[];
    };
    const fp = alerts.alerts.find((a) => a.labels.alertname === 'TooHigh')!.fingerprint;
    const ack = await fetch(`${base}/api/hub/v1/alerts/${fp}/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by: 'tester' }),
    });
    expect(ack.status).toBe(200);
    const history = (await (await fetch(`${base}/api/hub/v1/history?alertname=TooHigh`)).json()) as { events: { kind: string }[] };
    expect(history.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['firing', 'delivery', 'acked']));
    const silence = await fetch(`${base}/api/hub/v1/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: ['alertname="TooHigh"'], for: '1h', createdBy: 'tester', comment: 'maintenance' }),
    });
    expect(silence.status).toBe(201);
    const bad = await fetch(`${base}/api/hub/v1/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: ['alertname=~"("'], for: '1h', createdBy: 'tester', comment: 'x' }),
    });
    expect(bad.status).toBe(400);
  });
});

describe('notifier config from the app', () => {
  it('refuses a config with problems (with their lines, the file untouched) and saves and loads a good one', async () => {
    const dir = tempDir('hub-alerting-', cleanups).path;
    const config = testHubConfig(dir);
    const hub = await Hub.start(config, { log: () => undefined });
    cleanups.push(() => hub.stop());
    const url = `http://127.0.0.1:${hub.httpAddress.port}/api/hub/v1/alerting-config`;
    const before = (await (await fetch(url)).json()) as { file: string; text: string };
    expect(before.file).toBe(join(dir, 'alerting.yml'));
    expect(before.text).toContain('desktop_configs');
    const bad = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: 'route:\n  receiver: nobody\nreceivers:\n  - name: ops\n    webhook_configs:\n      - url: http://127.0.0.1:1/hook\n',
      }),
    });
    expect(bad.status).toBe(400);
    const problems = ((await bad.json()) as { problems: string[] }).problems;
    expect(problems.join('\n')).toMatch(/alerting\.yml:2: .*nobody/);
    expect(readFileSync(join(dir, 'alerting.yml'), 'utf8')).toBe(before.text);
    const good = 'route:\n  receiver: ops\nreceivers:\n  - name: ops\n    webhook_configs:\n      - url: http://127.0.0.1:1/hook\n';
    const saved = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: good }),
    });
    expect(saved.status).toBe(200);
    expect(readFileSync(join(dir, 'alerting.yml'), 'utf8')).toBe(good);
    expect(hub.alerting.notifier.groups(Date.now())).toEqual([]);
  });
});
