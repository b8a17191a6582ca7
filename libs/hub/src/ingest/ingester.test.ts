import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { encodeBatch } from '@metrics-hub/wire';
import { Ingester } from './ingester.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(maxPendingBytes: number, maxCommitSamples = 1000, now?: () => number) {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-'));
  dirs.push(dir);
  const store = TimeSeriesStore.open({ path: join(dir, 'm.db'), now });
  const log: string[] = [];
  return {
    store,
    log,
    ingester: new Ingester(store, { maxBatchBytes: 1 << 20, maxCommitSamples, maxPendingBytes, log: (l) => log.push(l) }),
  };
}

const T0 = Date.UTC(2026, 10, 1);
function batch(agentId: string, seq: number, samples = 10): Uint8Array {
  return encodeBatch({
    agentId,
    firstSeq: seq,
    lastSeq: seq,
    createdMs: T0,
    series: [
      {
        labels: { __name__: 'x', instance: agentId },
        timestamps: Float64Array.from({ length: samples }, (_, i) => T0 + seq * 100_000 + i * 1000),
        values: Float64Array.from({ length: samples }, (_, i) => i),
      },
    ],
  });
}

describe('ingester', () => {
  it('commits what arrives together in one transaction, and each submit resolves after it', async () => {
    const { store, ingester } = setup(1 << 20);
    const outcomes = await Promise.all([
      ingester.submit('a', batch('a', 1)),
      ingester.submit('b', batch('b', 1)),
      ingester.submit('a', batch('a', 2)),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['stored', 'stored', 'stored']);
    expect(ingester.stats.commits).toBe(1);
    expect(store.stats().samples).toBe(30);
    store.close();
  });

  it('splits a group at max_commit_samples', async () => {
    const { store, ingester } = setup(1 << 20, 15);
    await Promise.all([1, 2, 3].map((seq) => ingester.submit('a', batch('a', seq))));
    expect(ingester.stats.commits).toBe(3);
    store.close();
  });

  it('refuses batches while too many bytes wait for the store, and takes them again after the commit', async () => {
    const one = batch('a', 1).byteLength;
    const { store, ingester } = setup(one * 2);
    const first = ingester.submit('a', batch('a', 1));
    const second = ingester.submit('b', batch('b', 1));
    await expect(ingester.submit('c', batch('c', 1))).rejects.toThrow(/the hub is behind .* the agent will retry/);
    await Promise.all([first, second]);
    expect(ingester.stats.refusedBusy).toBe(1);
    expect((await ingester.submit('c', batch('c', 1))).kind).toBe('stored');
    store.close();
  });

  it('does not acknowledge a batch the store could not commit, and keeps the ledger in step', async () => {
    const { store, ingester } = setup(1 << 20);
    await ingester.submit('a', batch('a', 1));
    store.close();
    await expect(ingester.submit('a', batch('a', 2))).rejects.toThrow(/cannot store 1 batches/);
    expect(ingester.stats.commitErrors).toBe(1);
    expect(ingester.stats.batchesStored).toBe(1);
    // The ledger never claims what did not commit.
    expect(ingester.ledger.covers('a', 2, 2)).toBe(false);
  });

  it('refuses samples too far ahead of the clock per agent, within one group commit, and stores the rest', async () => {
    const clock = T0 + 10 * 100_000;
    const { store, ingester, log } = setup(1 << 20, 1000, () => clock);
    const ahead = (agentId: string, seq: number, offsetMs: number) =>
      encodeBatch({
        agentId,
        firstSeq: seq,
        lastSeq: seq,
        createdMs: clock + offsetMs,
        series: [
          {
            labels: { __name__: 'x', instance: agentId },
            timestamps: Float64Array.of(clock - 1000, clock + offsetMs),
            values: Float64Array.of(1, 2),
          },
        ],
      });
    const [a, b] = await Promise.all([
      ingester.submit('a', ahead('a', 1, 3 * 3_600_000 + 12 * 60_000)),
      ingester.submit('b', ahead('b', 1, 60_000)),
    ]);
    expect(ingester.stats.commits).toBe(1);
    expect(a).toMatchObject({ kind: 'stored', samples: 1, tooFarAhead: 1, newestMs: clock + 11_520_000, newestStoredMs: clock - 1000 });
    expect(b).toMatchObject({ kind: 'stored', samples: 2, tooFarAhead: 0, refusals: [] });
    expect(a.kind === 'stored' && a.refusals).toEqual([
      "1 samples refused: stamped up to 3 h 12 min ahead of the hub's clock, more than store.max_future (5 min); fix the clock on that host (NTP)",
    ]);
    expect(ingester.stats.samplesTooFarAhead).toBe(1);
    expect(store.stats().samples).toBe(3);
    expect(log).toEqual([`agent a: ${a.kind === 'stored' && a.refusals[0]}`]);
    store.close();
  });
});
