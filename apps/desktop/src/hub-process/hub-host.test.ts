import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError } from '@metrics-hub/alerts';
import { apiTokenFile, readApiToken } from '@metrics-hub/hub';
import { testHubConfig } from '@metrics-hub/hub/testing';
import { hubRequest } from '../main/hub-client.ts';
import { countFiring, hubHostOptionsFromEnv, runHubHost, type HubHost } from './hub-host.ts';
import { ForwardingNotifier } from './forwarding-notifier.ts';
import { HubProcessEnv, parseHubToMain, parseMainToHub, type HubToMain, type ParentPortLike } from './protocol.ts';

/** What Electron's process.parentPort is to the hub process, in a test. */
class FakeParentPort implements ParentPortLike {
  readonly sent: HubToMain[] = [];
  private listeners: ((e: { data: unknown }) => void)[] = [];
  private waiters: { match: (m: HubToMain) => boolean; resolve: (m: HubToMain) => void }[] = [];
  postMessage(message: HubToMain): void {
    // Structured clone, as the real port does: nothing but data crosses.
    const copy = structuredClone(message);
    this.sent.push(copy);
    for (const w of [...this.waiters])
      if (w.match(copy)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(copy);
      }
  }
  on(_event: 'message', listener: (e: { data: unknown }) => void): this {
    this.listeners.push(listener);
    return this;
  }
  /** The main process sends. */
  send(data: unknown): void {
    for (const l of this.listeners) l({ data: structuredClone(data) });
  }
  next<T extends HubToMain['type']>(type: T, timeoutMs = 20_000): Promise<Extract<HubToMain, { type: T }>> {
    const seen = this.sent.find((m) => m.type === type);
    if (seen) return Promise.resolve(seen as Extract<HubToMain, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${type} message within ${timeoutMs} ms; got ${JSON.stringify(this.sent)}`)),
        timeoutMs,
      );
      this.waiters.push({
        match: (m) => m.type === type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<HubToMain, { type: T }>);
        },
      });
    });
  }
}

const TOKEN = 'a'.repeat(64);
const dirs: string[] = [];
const hosts: HubHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A test hub's config; `httpLines` go under `http:`. */
function testConfig(dir = mkdtempSync(join(tmpdir(), 'hub-process-')), httpLines: string[] = []) {
  dirs.push(dir);
  return testHubConfig(dir, [], {}, { http: httpLines });
}

describe('the hub process with a real hub', () => {
  it("reports ready with the address and the data folder's token; the API needs it", async () => {
    const port = new FakeParentPort();
    const config = testConfig();
    const host = await runHubHost(port, { token: TOKEN, config, log: () => {} });
    expect(host).toBeDefined();
    hosts.push(host!);
    const ready = await port.next('ready');
    expect(ready.host).toBe('127.0.0.1');
    expect(ready.port).toBeGreaterThan(0);
    expect(ready.url).toBe(`http://127.0.0.1:${ready.port}`);
    expect(parseHubToMain(ready)).toEqual(ready);
    // The token lives in the data folder, for this user only, so Grafana and scripts can use it.
    expect(ready.token).toBe(readApiToken(config.dataDir));
    expect(statSync(apiTokenFile(config.dataDir)).mode & 0o777).toBe(0o600);

    const withToken = await hubRequest({ url: ready.url, token: ready.token }, 'GET', '/api/v1/status/buildinfo');
    expect(withToken.ok).toBe(true);
    expect(withToken.status).toBe(200);
    expect((withToken.body as { data: { version: string } }).data.version).toBe('3.0.0');

    // Settings says where it is.
    const status = await hubRequest({ url: ready.url, token: ready.token }, 'GET', '/api/hub/v1/status');
    expect((status.body as { http: unknown }).http).toMatchObject({ tokenRequired: true, tokenFile: apiTokenFile(config.dataDir) });
    const wrongToken = await hubRequest({ url: ready.url, token: TOKEN }, 'GET', '/api/v1/status/buildinfo');
    expect(wrongToken).toMatchObject({ ok: false, status: 401 });
    const none = await fetch(`${ready.url}/api/v1/status/buildinfo`);
    expect(none.status).toBe(401);
    // The renderer's files too: nothing from the hub without the token.
    expect((await fetch(`${ready.url}/`)).status).toBe(401);
  });

  it("keeps the folder's token across restarts, and takes hub.yaml's http.token over it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-process-'));
    const first = new FakeParentPort();
    const a = (await runHubHost(first, { token: TOKEN, config: testConfig(dir), log: () => {} }))!;
    const token = (await first.next('ready')).token;
    await a.stop();
    const second = new FakeParentPort();
    hosts.push((await runHubHost(second, { token: 'c'.repeat(64), config: testConfig(dir), log: () => {} }))!);
    expect((await second.next('ready')).token).toBe(token);
    const third = new FakeParentPort();
    hosts.push((await runHubHost(third, { token: TOKEN, config: testConfig(undefined, [`  token: ${'d'.repeat(40)}`]), log: () => {} }))!);
    expect((await third.next('ready')).token).toBe('d'.repeat(40));
  });

  it('reports the firing count (0 with no alerts) once at start', async () => {
    const port = new FakeParentPort();
    const host = await runHubHost(port, { token: TOKEN, config: testConfig(), firingPollMs: 50, log: () => {} });
    hosts.push(host!);
    expect(await port.next('firing')).toEqual({ type: 'firing', count: 0 });
    await new Promise((r) => setTimeout(r, 200));
    // Only changes are reported.
    expect(port.sent.filter((m) => m.type === 'firing')).toHaveLength(1);
  });

  it("forwards the hub's desktop notifications and settles them with the main process's answer", async () => {
    const port = new FakeParentPort();
    const host = (await runHubHost(port, { token: TOKEN, config: testConfig(), log: () => {} }))!;
    hosts.push(host);
    const shown = host.notifier.notify({
      title: '[FIRING] HostDown (1)',
      body: 'web-1 is down',
      urgency: 'critical',
      id: 'desktop:{}:{alertname="HostDown"}',
    });
    const notify = await port.next('notify');
    expect(notify.notice).toEqual({
      title: '[FIRING] HostDown (1)',
      body: 'web-1 is down',
      urgency: 'critical',
      id: 'desktop:{}:{alertname="HostDown"}',
    });
    port.send({ type: 'notify-result', id: notify.id, ok: true });
    await expect(shown).resolves.toBeUndefined();

    const refused = host.notifier.notify({ title: 't', body: 'b', urgency: 'low' });
    const second = port.sent.filter((m) => m.type === 'notify').at(-1) as Extract<HubToMain, { type: 'notify' }>;
    expect(second.id).not.toBe(notify.id);
    port.send({ type: 'notify-result', id: second.id, ok: false, error: 'notifications are off' });
    await expect(refused).rejects.toThrow(/notifications are off/);
  });

  it('stops the hub on `stop`, then says stopped', async () => {
    const port = new FakeParentPort();
    let stoppedCalls = 0;
    const host = (await runHubHost(port, { token: TOKEN, config: testConfig(), log: () => {}, onStopped: () => stoppedCalls++ }))!;
    const { url } = await port.next('ready');
    port.send({ type: 'stop' });
    await port.next('stopped');
    expect(stoppedCalls).toBe(1);
    const after = await hubRequest({ url, token: TOKEN }, 'GET', '/api/v1/status/buildinfo', undefined, 2000);
    expect(after).toMatchObject({ ok: false, status: 503 });
    await host.stop(); // a second stop is harmless
  });

  it('says failed, with the reason, when the hub cannot start', async () => {
    const port = new FakeParentPort();
    const config = testConfig();
    const blocker = (await runHubHost(new FakeParentPort(), { token: TOKEN, config, log: () => {} }))!;
    hosts.push(blocker);
    const taken = { ...config, http: { ...config.http, listen: blocker.address } };
    const host = await runHubHost(port, { token: TOKEN, config: { ...testConfig(), http: taken.http }, log: () => {} });
    expect(host).toBeUndefined();
    const failed = await port.next('failed');
    expect(failed.message).toMatch(/in use/);
  });
});

describe('ForwardingNotifier', () => {
  it('times out as a retryable delivery error when the main process does not answer', async () => {
    const sent: HubToMain[] = [];
    const n = new ForwardingNotifier((m) => sent.push(m), 30);
    const e = await n.notify({ title: 't', body: 'b', urgency: 'normal' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DeliveryError);
    expect((e as DeliveryError).code).toBe('timeout');
    expect((e as DeliveryError).retryable).toBe(true);
    expect(n.waiting).toBe(0);
  });

  it('fails what waits when closed, and ignores answers to unknown ids', async () => {
    const n = new ForwardingNotifier(() => {}, 10_000);
    const p = n.notify({ title: 't', body: 'b', urgency: 'normal' });
    n.settle(999, true);
    expect(n.waiting).toBe(1);
    n.close();
    await expect(p).rejects.toThrow(/stopping/);
  });

  it('rejects at once when the port cannot post', async () => {
    const n = new ForwardingNotifier(() => {
      throw new Error('port closed');
    });
    await expect(n.notify({ title: 't', body: 'b', urgency: 'normal' })).rejects.toThrow(/port closed/);
    expect(n.waiting).toBe(0);
  });
});

describe('the message protocol', () => {
  it.each([
    [{ type: 'ready', url: 'http://127.0.0.1:1', host: '127.0.0.1', port: 1, token: 'e'.repeat(64) }, true],
    [{ type: 'ready', url: 'http://127.0.0.1:1', host: '127.0.0.1', port: -1, token: 'e'.repeat(64) }, false],
    [{ type: 'ready', url: 'http://127.0.0.1:1', host: '127.0.0.1', port: 1, token: 'short' }, false],
    [{ type: 'firing', count: 3 }, true],
    [{ type: 'firing', count: 1.5 }, false],
    [{ type: 'notify', id: 1, notice: { title: 't', body: 'b', urgency: 'critical' } }, true],
    [{ type: 'notify', id: 1, notice: { title: 't', body: 'b', urgency: 'loud' } }, false],
    [{ type: 'notify', id: 1, notice: { title: 1, body: 'b', urgency: 'low' } }, false],
    [{ type: 'failed', message: 'x' }, true],
    [{ type: 'stopped' }, true],
    [{ type: 'exec', command: 'rm' }, false],
    ['ready', false],
    [null, false],
  ])('hub → main %j: accepted %s', (message, accepted) => {
    expect(parseHubToMain(message) !== undefined).toBe(accepted);
  });

  it('drops fields it does not know from a notice', () => {
    expect(
      parseHubToMain({ type: 'notify', id: 2, notice: { title: 't', body: 'b', urgency: 'low', icon: 'file:///etc/passwd' } }),
    ).toEqual({ type: 'notify', id: 2, notice: { title: 't', body: 'b', urgency: 'low' } });
  });

  it.each([
    [{ type: 'stop' }, { type: 'stop' }],
    [
      { type: 'notify-result', id: 4, ok: true },
      { type: 'notify-result', id: 4, ok: true },
    ],
    [
      { type: 'notify-result', id: 4, ok: false },
      { type: 'notify-result', id: 4, ok: false, error: 'the notification was not shown' },
    ],
    [{ type: 'notify-result', id: 'x', ok: true }, undefined],
    [{ type: 'eval', code: '1' }, undefined],
  ])('main → hub %j', (message, parsed) => {
    expect(parseMainToHub(message)).toEqual(parsed);
  });

  it('counts only firing alerts', () => {
    expect(countFiring({ alerts: [{ state: 'firing' }, { state: 'pending' }, { state: 'firing' }] })).toBe(2);
    expect(countFiring({})).toBe(0);
    expect(countFiring(undefined)).toBe(0);
  });
});

describe('the options from the environment', () => {
  it('needs a token of at least 32 characters', () => {
    expect(hubHostOptionsFromEnv({})).toHaveProperty('error');
    expect(hubHostOptionsFromEnv({ [HubProcessEnv.Token]: 'short' })).toHaveProperty('error');
  });

  it('reads the token, config, renderer dir and agent command', () => {
    expect(
      hubHostOptionsFromEnv({
        [HubProcessEnv.Token]: TOKEN,
        [HubProcessEnv.Config]: '/etc/hub.yaml',
        [HubProcessEnv.UiDir]: '/ui',
        [HubProcessEnv.AgentCommand]: '["/usr/bin/node","/a.mjs"]',
      }),
    ).toEqual({
      token: TOKEN,
      configPath: '/etc/hub.yaml',
      uiDir: '/ui',
      localAgentCommand: ['/usr/bin/node', '/a.mjs'],
    });
  });

  it('refuses an agent command that is not a JSON array of strings', () => {
    expect(hubHostOptionsFromEnv({ [HubProcessEnv.Token]: TOKEN, [HubProcessEnv.AgentCommand]: 'node a.mjs' })).toHaveProperty('error');
    expect(hubHostOptionsFromEnv({ [HubProcessEnv.Token]: TOKEN, [HubProcessEnv.AgentCommand]: '[1]' })).toHaveProperty('error');
  });
});
