// Several headless hubs behind Debian's mosquitto, splitting the agents' batches through
// an MQTT shared subscription ($share/hubs/...), as separate processes: one hub is killed
// with kill -9 mid-stream and the other takes its share, losing nothing.

import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, mosquittoAvailable, removeMosquittoDir, startMosquitto, tempDir, waitFor } from '@metrics-hub/testing';
import { startAgentProcess, startHubProcess, storedClock, type AgentProcess, type HubProcess } from './processes.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const AGENTS = ['edge-1', 'edge-2', 'edge-3'];

describe('hubs sharing the fleet through an external broker', () => {
  it.runIf(mosquittoAvailable())(
    'splits the batches between two hubs, and one that dies hands its share to the other without loss',
    async () => {
      const dir = tempDir('e2e-share-', cleanups).path;
      const users: Record<string, string> = { hub: 'hub-secret' };
      for (const a of AGENTS) users[a] = `${a}-secret`;
      const broker = await startMosquitto(users);
      cleanups.push(async () => {
        await broker.stop().catch(() => undefined);
        removeMosquittoDir(broker.dir);
      });
      const hubEnv = async (name: string) => ({
        METRICS_HUB_HUB_DATA_DIR: join(dir, name),
        METRICS_HUB_BROKER_MODE: 'external',
        METRICS_HUB_BROKER_URL: broker.url,
        METRICS_HUB_BROKER_USERNAME: 'hub',
        METRICS_HUB_BROKER_PASSWORD: 'hub-secret',
        METRICS_HUB_BROKER_CLIENT_ID: name,
        METRICS_HUB_BROKER_PROTOCOL_VERSION: '5',
        METRICS_HUB_BROKER_SHARED_GROUP: 'hubs',
        METRICS_HUB_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
        METRICS_HUB_LOCAL_AGENT_ENABLED: 'false',
      });
      const envA = await hubEnv('hub-a');
      const envB = await hubEnv('hub-b');
      let hubA: HubProcess = await startHubProcess(envA);
      cleanups.push(() => hubA.stop());
      const hubB = await startHubProcess(envB);
      cleanups.push(() => hubB.stop());
      const collected = new Map<string, number[]>();
      const agents: AgentProcess[] = [];
      for (const a of AGENTS) {
        collected.set(a, []);
        const agent = startAgentProcess(join(dir, a), broker.url, a, `${a}-secret`, collected.get(a), 'hub');
        agents.push(agent);
        cleanups.push(() => agent.stop());
      }
      // Both hubs get a share of every agent's batches (the broker deals them in turn).
      const shares = async (http: string) => Promise.all(AGENTS.map(async (a) => (await storedClock(http, a)).length));
      await waitFor(
        async () => ((await shares(hubA.http)).every((n) => n >= 5) && (await shares(hubB.http)).every((n) => n >= 5) ? true : undefined),
        'both hubs storing batches of every agent',
        { timeoutMs: 30_000, intervalMs: 200 },
      );

      // Hub A hangs (SIGSTOP) for two seconds while the broker keeps dealing it its share,
      // then dies: what the broker had sent or queued for it is gone with its session.
      hubA.child.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, 2000));
      await hubA.kill9();
      const atKill = AGENTS.map((a) => collected.get(a)!.length);
      await waitFor(() => AGENTS.every((a, k) => collected.get(a)!.length >= atKill[k] + 30), 'collections after hub A died', {
        timeoutMs: 30_000,
      });
      // Hub B alone now stores everything new.
      const bBefore = await shares(hubB.http);
      await waitFor(
        async () => ((await shares(hubB.http)).every((n, k) => n >= bBefore[k] + 10) ? true : undefined),
        'hub B taking all new batches',
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      // Every sample collected up to now must end up in one hub or the other. The agents keep
      // running: batches that were in flight to hub A are sent again after their 15 s ack timeout.
      const cut = Date.now();
      // Hub A comes back with what it had stored before it died (and rejoins the group).
      hubA = await startHubProcess(envA);
      for (const a of AGENTS) {
        const want = [...new Set(collected.get(a))].filter((v) => v <= cut);
        expect(want.length).toBeGreaterThan(50);
        const union = await waitFor(
          async () => {
            const [inA, inB] = await Promise.all([storedClock(hubA.http, a), storedClock(hubB.http, a)]);
            const all = new Set([...inA, ...inB]);
            return want.every((v) => all.has(v)) ? { inA, inB } : undefined;
          },
          `every sample of ${a} collected before ${new Date(cut).toISOString()} in one hub or the other`,
          { timeoutMs: 60_000, intervalMs: 200 },
        );
        // Each hub stores a sample at most once...
        expect(new Set(union.inA).size).toBe(union.inA.length);
        expect(new Set(union.inB).size).toBe(union.inB.length);
        // ...and both have it only for batches hub A stored but could not confirm before dying
        // (at most what an agent keeps in flight: 16 batches of at most ~10 samples).
        const both = union.inA.filter((v) => union.inB.includes(v)).length;
        expect(both).toBeLessThanOrEqual(160);
        // Nothing either hub has was not collected.
        const all = new Set(collected.get(a));
        for (const v of [...union.inA, ...union.inB]) expect(all.has(v)).toBe(true);
      }
    },
    180_000,
  );
});
