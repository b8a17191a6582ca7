import { mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeBatch, encodeBatch, isStaleNaN, STALE_NAN } from '@metrics-hub/wire';
import { SampleAccumulator, type CollectedSample } from './accumulator.ts';

const T0 = Date.UTC(2026, 0, 1);
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'acc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function interval(i: number, series = 3): CollectedSample[] {
  return Array.from({ length: series }, (_, k) => ({
    labels: { __name__: 'node_load1', host: `h${k}` },
    timestampMs: T0 + i * 10_000,
    value: k === 2 && i === 1 ? STALE_NAN : i + k / 10,
  }));
}

describe('sample accumulator', () => {
  it('gathers intervals into one batch per series, and replays them after a crash', () => {
    const path = join(dir, 'acc.wal');
    let acc = SampleAccumulator.open(path);
    for (let i = 0; i < 5; i++) acc.add(100 + i, interval(i));
    const before = encodeBatch(acc.toBatch('a', T0)!);
    // No close, no clear: as after kill -9.
    acc = SampleAccumulator.open(path);
    expect(acc.sampleCount).toBe(15);
    expect(acc.seqRange).toEqual([100, 104]);
    const batch = acc.toBatch('a', T0)!;
    expect(encodeBatch(batch)).toEqual(before);
    expect(Array.from(batch.series[0].values)).toEqual([0, 1, 2, 3, 4]);
    expect(isStaleNaN(batch.series[2].values[1])).toBe(true);
    acc.add(105, interval(5));
    expect(acc.toBatch('a', T0)!.series[1].timestamps.length).toBe(6);
  });

  it('starts over after clear, and keeps new series apart from replayed ones', () => {
    const path = join(dir, 'acc.wal');
    let acc = SampleAccumulator.open(path);
    acc.add(1, interval(1));
    acc.clear();
    expect(acc.toBatch('a', T0)).toBeUndefined();
    acc.add(2, interval(2, 2));
    acc = SampleAccumulator.open(path);
    // A sample with its own time (a scrape's explicit timestamp) beside the interval's.
    acc.add(3, [...interval(3, 2), { labels: { __name__: 'new_metric' }, timestampMs: T0 - 5, value: 7 }]);
    acc = SampleAccumulator.open(path);
    const b = decodeBatch(encodeBatch(acc.toBatch('a', T0)!));
    expect(b.series.map((s) => [s.labels.__name__, s.labels.host, s.values.length])).toEqual([
      ['node_load1', 'h0', 2],
      ['node_load1', 'h1', 2],
      ['new_metric', undefined, 1],
    ]);
    expect([b.firstSeq, b.lastSeq]).toEqual([2, 3]);
    expect(b.series[2].timestamps[0]).toBe(T0 - 5);
    expect(b.series[0].timestamps[1]).toBe(T0 + 30_000);
  });

  it('holds samples added without write-ahead in memory only, and batches them the same', () => {
    const path = join(dir, 'acc.wal');
    const acc = SampleAccumulator.open(path);
    acc.add(7, interval(1), { writeAhead: false });
    expect(acc.writtenAhead).toBe(false);
    expect(statSync(path).size).toBe(0);
    const batch = acc.toBatch('a', T0)!;
    expect([batch.firstSeq, batch.lastSeq, batch.series.length]).toEqual([7, 7, 3]);
    expect(isStaleNaN(batch.series[2].values[0])).toBe(true);
    acc.clear();
    // Written ahead again afterwards, and replayed.
    acc.add(8, interval(2));
    expect(acc.writtenAhead).toBe(true);
    expect(SampleAccumulator.open(path).seqRange).toEqual([8, 8]);
  });

  it('drops a torn last interval and keeps the rest', () => {
    const path = join(dir, 'acc.wal');
    const acc = SampleAccumulator.open(path);
    acc.add(1, interval(1));
    acc.add(2, interval(2));
    acc.close();
    truncateSync(path, statSync(path).size - 5);
    const again = SampleAccumulator.open(path);
    expect(again.seqRange).toEqual([1, 1]);
    expect(again.recoveryNote).toMatch(/cut off/);
  });
});
