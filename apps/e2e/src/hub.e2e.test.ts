// Agents -> broker -> hub -> HTTP API as separate processes, through crashes and outages.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, mosquittoAvailable, removeMosquittoDir, startMosquitto, tempDir, waitFor } from '@metrics-hub/testing';
import { issueToken, query, startAgentProcess, startHubProcess, storedClock, type AgentProcess, type HubProcess } from './processes.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function track<T extends HubProcess | AgentProcess>(p: T): T {
  cleanups.push(() => p.stop());
  return p;
}

/** Every collected value is stored, none twice; at most `unreported` more (stored, then killed before saying so). */
async function expectExactlyOnce(http: string, agentId: string, collected: number[], unreported: number): Promise<void> {
  const want = [...new Set(collected)].sort((a, b) => a - b);
  const got = await waitFor(
    async () => {
      const values = await storedClock(http, agentId);
      return want.every((v) => values.includes(v)) ? values : undefined;
    },
    `all ${want.length} collected samples of ${agentId} in the hub`,
    { timeoutMs: 30_000, intervalMs: 200 },
  ).catch(async (e) => {
    const values = await storedClock(http, agentId);
    throw new Error(`${(e as Error).message}; missing ${want.filter((v) => !values.includes(v)).length}`);
  });
  expect(new Set(got).size).toBe(got.length);
  expect(got.length - want.length).toBeGreaterThanOrEqual(0);
  expect(got.length - want.length).toBeLessThanOrEqual(unreported);
}

describe('hub end to end (embedded broker)', () => {
  it('a fresh hub shows its own machine: the local agent reports within seconds', async () => {
    const dir = tempDir('e2e-', cleanups).path;
    const hub = track(
      await startHubProcess({
        METRICS_HUB_HUB_DATA_DIR: join(dir, 'hub'),
        METRICS_HUB_BROKER_LISTEN: `127.0.0.1:${await freePort()}`,
        METRICS_HUB_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
        METRICS_HUB_LOCAL_AGENT_ID: 'this-machine',
        METRICS_HUB_LOCAL_AGENT_INTERVAL: '1s',
      }),
    );
    const up = await waitFor(async () => (await query(hub.http, 'up{instance="this-machine"} == 1'))[0], 'up == 1 for the local agent', {
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    expect(up.metric).toMatchObject({ job: 'node', instance: 'this-machine' });
    const mem = await waitFor(
      async () => (await query(hub.http, 'node_memory_MemTotal_bytes{instance="this-machine"}'))[0],
      "the local agent's host metrics",
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(Number(mem.value![1])).toBeGreaterThan(0);
    const fleet = (await (await fetch(`${hub.http}/api/hub/v1/fleet`)).json()) as {
      agents: { agentId: string; connected: boolean; host: { hostname: string } }[];
    };
    expect(fleet.agents.find((a) => a.agentId === 'this-machine')).toMatchObject({ connected: true, host: { hostname: hostname() } });
  });

  it('loses nothing and stores nothing twice across kill -9 of the hub mid-stream, an outage, and kill -9 of the agent', async () => {
    const dir = tempDir('e2e-', cleanups).path;
    const brokerPort = await freePort();
    const env = {
      METRICS_HUB_HUB_DATA_DIR: join(dir, 'hub'),
      METRICS_HUB_BROKER_LISTEN: `127.0.0.1:${brokerPort}`,
      METRICS_HUB_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
      METRICS_HUB_LOCAL_AGENT_ENABLED: 'false',
    };
    let hub = track(await startHubProcess(env));
    const token = await issueToken(hub.http, 'edge-1');
    const collected: number[] = [];
    const agentDir = join(dir, 'agent');
    let agent = track(startAgentProcess(agentDir, `mqtt://127.0.0.1:${brokerPort}`, 'edge-1', token, collected));
    await waitFor(() => collected.length >= 20, '20 collections', { timeoutMs: 30_000 });
    await hub.kill9();
    // The hub is gone for a while; the agent keeps collecting into its buffer.
    const during = collected.length;
    await waitFor(() => collected.length >= during + 30, 'collections during the outage', { timeoutMs: 30_000 });
    await agent.kill9();
    agent = track(startAgentProcess(agentDir, `mqtt://127.0.0.1:${brokerPort}`, 'edge-1', token, collected));
    hub = track(await startHubProcess(env));
    const after = collected.length;
    await waitFor(() => collected.length >= after + 20, 'collections after the restarts', { timeoutMs: 30_000 });
    await agent.stop();
    await expectExactlyOnce(hub.http, 'edge-1', collected, 1);
  });
});

describe('hub end to end (external mosquitto)', () => {
  it.runIf(mosquittoAvailable())(
    "ingests through Debian's mosquitto with a persistent session, across kill -9 of the hub and a broker restart",
    async () => {
      const dir = tempDir('e2e-', cleanups).path;
      const broker = await startMosquitto({ hub: 'hub-secret', 'edge-1': 'edge-secret' });
      cleanups.push(async () => {
        await broker.stop().catch(() => undefined);
        removeMosquittoDir(broker.dir);
      });
      const env = {
        METRICS_HUB_HUB_DATA_DIR: join(dir, 'hub'),
        METRICS_HUB_BROKER_MODE: 'external',
        METRICS_HUB_BROKER_URL: broker.url,
        METRICS_HUB_BROKER_USERNAME: 'hub',
        METRICS_HUB_BROKER_PASSWORD: 'hub-secret',
        METRICS_HUB_BROKER_CLIENT_ID: 'hub-e2e',
        METRICS_HUB_BROKER_PROTOCOL_VERSION: '5',
        METRICS_HUB_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
        METRICS_HUB_LOCAL_AGENT_ENABLED: 'false',
      };
      let hub = track(await startHubProcess(env));
      const collected: number[] = [];
      const agent = track(startAgentProcess(join(dir, 'agent'), broker.url, 'edge-1', 'edge-secret', collected));
      await waitFor(async () => (await storedClock(hub.http, 'edge-1')).length >= 10, 'first samples through mosquitto', {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      // The hub dies: mosquitto keeps its session's messages until it is back.
      await hub.kill9();
      const during = collected.length;
      await waitFor(() => collected.length >= during + 20, 'collections while the hub is down', { timeoutMs: 30_000 });
      hub = track(await startHubProcess(env));
      await broker.stop();
      const stopped = collected.length;
      await waitFor(() => collected.length >= stopped + 20, 'collections while the broker is down', { timeoutMs: 30_000 });
      await broker.restart();
      const back = collected.length;
      await waitFor(() => collected.length >= back + 20, 'collections after the broker restart', { timeoutMs: 30_000 });
      await agent.stop();
      await expectExactlyOnce(hub.http, 'edge-1', collected, 0);
    },
  );
});
