// `up` from the fleet registry, alone and behind a shared subscription, over a real store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { FleetRegistry } from './registry.ts';

const dirs: string[] = [];
const stores: TimeSeriesStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 27, 12);
const text = (s: string) => new TextEncoder().encode(s);

function registry(sharedDelivery: boolean, clock: { now: number }): { fleet: FleetRegistry; upAt: (t: number) => number } {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
  dirs.push(dir);
  const store = TimeSeriesStore.open({ path: join(dir, 'hub.db') });
  stores.push(store);
  const fleet = new FleetRegistry(store.database, store, () => clock.now, { sharedDelivery });
  const upAt = (t: number) => {
    clock.now = t;
    fleet.heartbeat(t);
    const [s] = store.select(
      [
        { name: '__name__', type: '=', value: 'up' },
        { name: 'instance', type: '=', value: 'edge-1' },
      ],
      t,
      t,
    );
    const b = [...s.blocks()].pop()!;
    return b.values[b.length - 1];
  };
  return { fleet, upAt };
}

describe('up', () => {
  it('alone: a connected agent whose batches stop coming is down after three intervals', () => {
    const clock = { now: T0 };
    const { fleet, upAt } = registry(false, clock);
    fleet.noteMeta('edge-1', text(JSON.stringify({ agentId: 'edge-1', intervalMs: 10_000 })));
    fleet.noteStatus('edge-1', text('online'));
    expect(upAt(T0 + 20_000)).toBe(1);
    expect(upAt(T0 + 5 * 60_000)).toBe(0);
  });

  it('behind a shared subscription: the batches went to other hubs, so up follows the connection', () => {
    const clock = { now: T0 };
    const { fleet, upAt } = registry(true, clock);
    fleet.noteMeta('edge-1', text(JSON.stringify({ agentId: 'edge-1', intervalMs: 10_000 })));
    fleet.noteStatus('edge-1', text('online'));
    expect(upAt(T0 + 5 * 60_000)).toBe(1);
    fleet.noteStatus('edge-1', text('offline'));
    expect(upAt(T0 + 5 * 60_000 + 1)).toBe(0);
  });
});

describe('identity', () => {
  it('writes up under the agent id even for a record saved with a forged instance before the hub checked births', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
    dirs.push(dir);
    const store = TimeSeriesStore.open({ path: join(dir, 'hub.db'), now: () => T0 });
    stores.push(store);
    // What an older hub kept for web-2 after its birth claimed db-2.
    store.database.exec('CREATE TABLE hub_agents (agent_id TEXT PRIMARY KEY, record TEXT NOT NULL)');
    store.database
      .prepare('INSERT INTO hub_agents VALUES (?, ?)')
      .run('web-2', JSON.stringify({ agentId: 'web-2', labels: { job: 'node', instance: 'db-2', env: 'prod' }, intervalMs: 10_000 }));
    const fleet = new FleetRegistry(store.database, store, () => T0);
    fleet.noteStatus('web-2', text('online'));
    expect(fleet.get('web-2')).toMatchObject({
      labels: { job: 'node', instance: 'web-2', env: 'prod' },
      samplesTooFarAhead: 0,
      seriesRefused: 0,
    });
    fleet.heartbeat(T0);
    expect(store.series([{ name: '__name__', type: '=', value: 'up' }])).toEqual([
      { __name__: 'up', env: 'prod', instance: 'web-2', job: 'node' },
    ]);
  });

  it('ignores a birth message that is not one, saying why', () => {
    const { fleet } = registry(false, { now: T0 });
    expect(fleet.noteMeta('edge-1', text('{"labels": '))).toMatch(/^agent edge-1: birth message is not valid JSON .*; ignored$/);
    expect(fleet.get('edge-1')?.lastRejection).toMatch(/^birth message is not valid JSON .*; ignored$/);
  });
});
