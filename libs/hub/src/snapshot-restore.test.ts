// The real thing: a snapshot of a running Hub, restored into a fresh folder, serves PromQL
// over the restored samples from a second Hub started on it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Hub, HUB_VERSION } from './index.ts';
import { createHubSnapshot, listHubSnapshot, restoreHubSnapshot } from '@metrics-hub/snapshot';
import { testHubConfig } from './testing/test-hub-config.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startHub(dataDir: string): Promise<Hub> {
  const hub = await Hub.start(testHubConfig(dataDir), { log: () => undefined });
  cleanups.push(() => hub.stop().catch(() => undefined));
  return hub;
}

async function query(hub: Hub, promql: string, timeMs: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const { host, port } = hub.httpAddress;
  const res = await fetch(`http://${host}:${port}/api/v1/query?query=${encodeURIComponent(promql)}&time=${timeMs / 1000}`);
  const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  expect(body.status).toBe('success');
  return body.data.result;
}

describe('a restored data folder', () => {
  it('starts a Hub that answers PromQL over the restored samples', async () => {
    const root = mkdtempSync(join(tmpdir(), 'snapshot-hub-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const src = join(root, 'live');
    const hub = await startHub(src);
    const now = Math.floor(Date.now() / 1000) * 1000;
    const timestamps = Array.from({ length: 60 }, (_, i) => now - (59 - i) * 15_000);
    hub.store.append(
      ['a', 'b', 'c'].map((host, k) => ({
        labels: { __name__: 'snap_metric', host },
        timestamps,
        values: timestamps.map((_, i) => i + k * 100),
      })),
    );
    expect(await query(hub, 'sum(snap_metric)', now)).toHaveLength(1);

    const out = join(root, 'hub.snapshot.tar.gz');
    const { manifest } = await createHubSnapshot(hub.store.database, src, out, {
      hubVersion: HUB_VERSION,
      rulePaths: hub.config.alerting.rulePaths,
      notifierConfigFile: hub.config.alerting.notifierConfigFile,
    });
    // The hub also stores its own metrics, stamped with the clock: newest is at least ours.
    expect(manifest.newestSampleMs).toBeGreaterThanOrEqual(now);
    // The hub put its default rules and notifier config in place on first start.
    expect(manifest.members.some((m) => m.name.startsWith('rules/'))).toBe(true);
    expect(manifest.members.some((m) => m.name === 'alerting.yml')).toBe(true);
    expect(await listHubSnapshot(out)).toEqual(manifest);
    const rulesBefore = manifest.members.filter((m) => m.name.startsWith('rules/')).map((m) => readFileSync(join(src, m.name)));
    await hub.stop();

    const restoredDir = join(root, 'restored');
    await restoreHubSnapshot(out, restoredDir);
    const restored = await startHub(restoredDir);
    const sum = await query(restored, 'sum(snap_metric)', now);
    expect(Number(sum[0].value[1])).toBe(59 + 159 + 259);
    const perHost = await query(restored, 'count_over_time(snap_metric[15m])', now);
    expect(perHost.map((r) => [r.metric.host, r.value[1]]).sort()).toEqual([
      ['a', '60'],
      ['b', '60'],
      ['c', '60'],
    ]);
    // The restored hub keeps the archived rules as they were (it does not rewrite them on start).
    const rulesAfter = manifest.members.filter((m) => m.name.startsWith('rules/')).map((m) => readFileSync(join(restoredDir, m.name)));
    expect(rulesAfter).toEqual(rulesBefore);
  });
});
