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
