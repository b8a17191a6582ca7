// An agent whose clock runs 3 h 12 min ahead, as real processes: `hub serve` and an agent
// process. Its samples are refused at the door, and nothing of that is silent: the hub
// counts them for that agent and logs why, the fleet (its JSON and so the Fleet view) says
// "clock ahead by 3 h 12 min", the clock-offset series the HostClockSkew rule watches has
// it, and the agent itself is told, logs it and keeps the count in its status. Nothing the
// hub held before is gone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, tempDir, waitFor } from '@metrics-hub/testing';
import { issueToken, query, startAgentProcess, startHubProcess } from './processes.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const AHEAD_MS = (3 * 60 + 12) * 60_000;

interface FleetAgent {
  agentId: string;
  up: boolean;
  clockOffsetMs?: number;
  samplesTooFarAhead: number;
  lastRejection?: string;
}

describe('an agent whose clock runs ahead', () => {
  it('loses nothing silently: counted, logged and shown by the hub, told to the agent, and the store keeps everything else', async () => {
    const dir = tempDir('e2e-clock-', cleanups).path;
    const brokerPort = await freePort();
    const hub = await startHubProcess({
      METRICS_HUB_HUB_DATA_DIR: join(dir, 'hub'),
      METRICS_HUB_BROKER_LISTEN: `127.0.0.1:${brokerPort}`,
      METRICS_HUB_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
      METRICS_HUB_LOCAL_AGENT_ENABLED: 'false',
      METRICS_HUB_FLEET_UP_INTERVAL: '1s',
    });
    cleanups.push(() => hub.stop());
    const broker = `mqtt://127.0.0.1:${brokerPort}`;
    // A well-set agent first: its data must outlive the other's.
    const fine = startAgentProcess(join(dir, 'fine'), broker, 'edge-fine', await issueToken(hub.http, 'edge-fine'));
    cleanups.push(() => fine.stop());
    await waitFor(
      async () => (await query(hub.http, 'count_over_time(test_clock{instance="edge-fine"}[1m]) > 10'))[0],
      'edge-fine delivering',
      {
        timeoutMs: 30_000,
        intervalMs: 200,
      },
    );
    const fast = startAgentProcess(join(dir, 'fast'), broker, 'edge-fast', await issueToken(hub.http, 'edge-fast'), [], 'broker', AHEAD_MS);
    cleanups.push(() => fast.stop());

    const agent = await waitFor(
      async () => {
        const fleet = (await (await fetch(`${hub.http}/api/hub/v1/fleet`)).json()) as { agents: FleetAgent[] };
        const a = fleet.agents.find((x) => x.agentId === 'edge-fast');
        return a && a.samplesTooFarAhead > 20 && a.clockOffsetMs !== undefined ? a : undefined;
      },
      'the fleet counting edge-fast refused samples',
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    // Measured from its live batches: within a minute of the truth, whatever the machine's load.
    expect(Math.abs(agent.clockOffsetMs! - AHEAD_MS)).toBeLessThan(60_000);
    expect(agent.up).toBe(true);
    expect(agent.lastRejection).toMatch(
      /samples refused: stamped up to 3 h 1\d min ahead of the hub's clock, more than store.max_future \(5 min\); fix the clock on that host \(NTP\)/,
    );
    expect(hub.log.some((l) => /agent edge-fast: \d+ samples refused: stamped up to 3 h 1\d min ahead of the hub's clock/.test(l))).toBe(
      true,
    );
    // The series the HostClockSkew rule watches says the same.
    const offset = await waitFor(
      async () => (await query(hub.http, 'metrics_hub_agent_clock_offset_seconds{instance="edge-fast"}'))[0],
      'the clock offset series',
    );
    expect(Math.abs(Number(offset.value![1]) - AHEAD_MS / 1000)).toBeLessThan(60);

    // The agent was told, says so in its log, and counts it in its status.
    await waitFor(
      () => /the hub refused \d+ samples of batch \d+-\d+: stamped too far ahead of its clock/.test(fast.stderr()),
      'the agent logging the refusal',
    );
    expect(fast.stderr()).toMatch(/fix this host's clock \(NTP: timedatectl status\)/);
    const status = await waitFor(() => {
      try {
        const s = JSON.parse(readFileSync(join(dir, 'fast', 'status.json'), 'utf8')) as {
          refused?: { samples: number; lastReason?: string };
        };
        return (s.refused?.samples ?? 0) > 0 ? s : undefined;
      } catch {
        return undefined;
      }
    }, "the refusals in the agent's status.json");
    expect(status.refused!.lastReason).toMatch(/stamped too far ahead of its clock/);

    // Nothing dated ahead got in, and nothing of the well-set agent went.
    expect(
      await query(hub.http, `count_over_time(test_clock{instance="edge-fast"}[1h] @ ${Math.round((Date.now() + AHEAD_MS) / 1000)})`),
    ).toEqual([]);
    const kept = await query(hub.http, 'count_over_time(test_clock{instance="edge-fine"}[5m])');
    expect(Number(kept[0].value![1])).toBeGreaterThan(10);
  });
});
