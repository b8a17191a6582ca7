// Agents speak only for themselves: the attacks of the report, made through the real
// embedded broker by agents holding valid tokens. web-1 publishes series and `up` labelled
// instance="db-1"; web-2's birth claims instance "db-2". Afterwards db-1's and db-2's own
// series and `up` are untouched, HostDown does not fire for connected db-1, the default
// inhibition cannot be set off from another agent, and the forged data is either refused
// with a counted reason or stored under the forger's own name.
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '@metrics-hub/testing';
import { encodeBatch, topics, type BatchSeries } from '@metrics-hub/wire';
import { Hub } from './hub.ts';
import { connectAsAgent, testHubConfig } from './testing/test-hub-config.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startHub(): Promise<{ hub: Hub; lines: string[]; query: (q: string, t: number) => Promise<Sample[]> }> {
  const dir = tempDir('hub-identity-', cleanups);
  const lines: string[] = [];
  // `up` only when the test writes it (fleet.heartbeat), so what it asserts is not raced by a timer.
  const hub = await Hub.start(testHubConfig(dir.path, ['fleet:', '  up_interval: 1h']), { log: (l) => lines.push(l) });
  cleanups.push(() => hub.stop());
  const base = `http://127.0.0.1:${hub.httpAddress.port}`;
  const query = async (q: string, t: number) => {
    const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(q)}&time=${t / 1000}`);
    return ((await res.json()) as { data: { result: Sample[] } }).data.result;
  };
  return { hub, lines, query };
}

type Sample = { metric: Record<string, string>; value: [number, string] };

/** A connected agent: status "online", its birth, then batches (each resolved at its PUBACK, after the commit). */
async function agent(hub: Hub, agentId: string, birth: object) {
  const prefix = hub.config.topicPrefix;
  const client = await connectAsAgent(hub, agentId, {
    will: { topic: topics.status(prefix, agentId), payload: Buffer.from('offline'), qos: 1, retain: true },
  });
  cleanups.push(() => client.endAsync(true));
  await client.publishAsync(topics.status(prefix, agentId), 'online', { qos: 1, retain: true });
  await client.publishAsync(topics.meta(prefix, agentId), JSON.stringify({ agentId, version: 'test', intervalMs: 10_000, ...birth }), {
    qos: 1,
    retain: true,
  });
  await waitFor(() => hub.fleet.get(agentId)?.connected, `${agentId} connected`);
  let seq = 0;
  return {
    client,
    send: async (series: BatchSeries[]) => {
      seq++;
      const payload = encodeBatch({ agentId, firstSeq: seq, lastSeq: seq, createdMs: Date.now(), series });
      await client.publishAsync(topics.samples(prefix, agentId), Buffer.from(payload), { qos: 1 });
    },
  };
}

const one = (labels: Record<string, string>, t: number, v: number): BatchSeries => ({
  labels,
  timestamps: Float64Array.of(t),
  values: Float64Array.of(v),
});

describe('an agent publishing series and up labelled as another host (web-1 as db-1)', () => {
  it("leaves db-1's series and up alone, keeps HostDown quiet for connected db-1 and its AgentLosingData un-inhibited", async () => {
    const { hub, lines, query } = await startHub();
    const T = Math.floor(Date.now() / 1000) * 1000;
    const db1 = await agent(hub, 'db-1', { labels: { job: 'node', instance: 'db-1' } });
    await db1.send([
      one({ __name__: 'node_load1', job: 'node', instance: 'db-1' }, T - 1000, 0.5),
      // db-1 really is losing data: AgentLosingData must reach the user.
      {
        labels: { __name__: 'agent_samples_lost_total', job: 'agent', instance: 'db-1' },
        timestamps: Float64Array.of(T - 60_000, T - 1000),
        values: Float64Array.of(0, 5),
      },
    ]);
    hub.fleet.heartbeat(T - 500);

    const web1 = await agent(hub, 'web-1', { labels: { job: 'node', instance: 'web-1' } });
    // The forgery, stamped over the next four minutes (within store.max_future), as an
    // attacker sending every 15 s would: db-1's load, db-1 "down", db-1 "losing data".
    const times = Array.from({ length: 17 }, (_, i) => T + i * 15_000);
    await web1.send([
      {
        labels: { __name__: 'node_load1', job: 'node', instance: 'db-1' },
        timestamps: Float64Array.from(times),
        values: Float64Array.from(times, () => 99),
      },
      {
        labels: { __name__: 'up', job: 'node', instance: 'db-1' },
        timestamps: Float64Array.from(times),
        values: Float64Array.from(times, () => 0),
      },
      one({ __name__: 'node_load1', job: 'node', instance: 'web-1' }, T, 0.25),
    ]);

    // db-1's own series: one of them, its own value.
    expect(await query('node_load1{instance="db-1"}', T)).toEqual([
      { metric: { __name__: 'node_load1', job: 'node', instance: 'db-1' }, value: [T / 1000, '0.5'] },
    ]);
    expect(await query('up{instance="db-1"}', T)).toEqual([
      { metric: { __name__: 'up', job: 'node', instance: 'db-1' }, value: [T / 1000, '1'] },
    ]);
    // The forged load is kept, under web-1's name; the forged `up` is refused, with its reason counted.
    expect((await query('node_load1{instance="web-1"}', T)).sort((a, b) => a.value[1].localeCompare(b.value[1]))).toEqual([
      { metric: { __name__: 'node_load1', job: 'node', instance: 'web-1' }, value: [T / 1000, '0.25'] },
      { metric: { __name__: 'node_load1', job: 'node', instance: 'web-1', exported_instance: 'db-1' }, value: [T / 1000, '99'] },
    ]);
    expect(await query('up{exported_instance="db-1"}', T)).toEqual([]);
    const forger = hub.fleet.get('web-1')!;
    expect(forger.seriesRefused).toBe(1);
    expect(forger.lastRejection).toMatch(/1 series refused: up\{job="node"\} is written by the hub for each agent/);
    expect(lines.some((l) => l.startsWith('agent web-1: 1 series refused: up{job="node"}'))).toBe(true);
    expect(hub.fleet.get('db-1')!.lastRejection).toBeUndefined();

    // The default rules over the next three and a half minutes, as the hub's clock would run them.
    for (let t = T; t <= T + 210_000; t += 15_000) await hub.alerting.tick(t);
    const alerts = hub.alerting.notifier.alerts(T + 210_000);
    expect(alerts.filter((a) => a.labels.alertname === 'HostDown')).toEqual([]);
    const losing = alerts.find((a) => a.labels.alertname === 'AgentLosingData' && a.labels.instance === 'db-1');
    expect(losing).toMatchObject({ state: 'active', inhibitedBy: [] });
    // And nothing web-1 sent can make an alert about db-1 (its HostDown included).
    expect(alerts.filter((a) => a.labels.instance === 'db-1').map((a) => a.labels.alertname)).toEqual(['AgentLosingData']);
  });
});

describe("a birth message claiming another agent's instance (web-2 as db-2)", () => {
  it("writes web-2's up under web-2, and db-2's up stays db-2's own (0 while it is down)", async () => {
    const { hub, lines, query } = await startHub();
    const T = Math.floor(Date.now() / 1000) * 1000;
    await agent(hub, 'web-2', { labels: { job: 'node', instance: 'db-2', env: 'prod' } });
    const db2 = await agent(hub, 'db-2', { labels: { job: 'node', instance: 'db-2' } });
    await db2.client.endAsync(true); // gone without a word: the broker ends its session
    await waitFor(() => hub.fleet.get('db-2')?.connected === false, 'db-2 seen disconnected');
    hub.fleet.heartbeat(T);

    expect(await query('up{instance="db-2"}', T)).toEqual([
      { metric: { __name__: 'up', job: 'node', instance: 'db-2' }, value: [T / 1000, '0'] },
    ]);
    expect(await query('up{instance="web-2"}', T)).toEqual([
      { metric: { __name__: 'up', job: 'node', instance: 'web-2', env: 'prod' }, value: [T / 1000, '1'] },
    ]);
    // So HostDown's expression sees db-2 down.
    expect((await query('up{job="node"} == 0', T)).map((s) => s.metric.instance)).toEqual(['db-2']);
    const claimant = hub.fleet.get('web-2')!;
    expect(claimant.labels).toEqual({ job: 'node', instance: 'web-2', env: 'prod' });
    expect(claimant.lastRejection).toBe('birth message: claims instance="db-2": the hub uses the authenticated agent id "web-2"');
    expect(lines).toContain('agent web-2: birth message: claims instance="db-2": the hub uses the authenticated agent id "web-2"');
  });
});

describe("an agent's own scrape targets", () => {
  it('stay distinct series under its name, each with its host:port as exported_instance', async () => {
    const { hub, query } = await startHub();
    const T = Math.floor(Date.now() / 1000) * 1000;
    const web1 = await agent(hub, 'web-1', {});
    await web1.send([
      one({ __name__: 'http_requests_total', job: 'app', instance: '127.0.0.1:8080' }, T, 10),
      one({ __name__: 'http_requests_total', job: 'app', instance: '127.0.0.1:8081' }, T, 20),
      one({ __name__: 'up', job: 'app', instance: '127.0.0.1:8080' }, T, 1),
    ]);
    const got = (await query('http_requests_total', T)).map((s) => [s.metric, s.value[1]]);
    expect(got.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      [{ __name__: 'http_requests_total', job: 'app', instance: 'web-1', exported_instance: '127.0.0.1:8080' }, '10'],
      [{ __name__: 'http_requests_total', job: 'app', instance: 'web-1', exported_instance: '127.0.0.1:8081' }, '20'],
    ]);
    // A target's own `up` is the agent's to report (only up{job="node"} is the hub's).
    expect((await query('up{job="app"}', T)).map((s) => s.metric)).toEqual([
      { __name__: 'up', job: 'app', instance: 'web-1', exported_instance: '127.0.0.1:8080' },
    ]);
    expect(hub.fleet.get('web-1')!.seriesRefused).toBe(0);
  });
});
