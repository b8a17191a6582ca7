import { describe, expect, it } from 'vitest';
import { BatchFormatError, batchSamples, decodeBatch, encodeBatch, mergeBatches, type Batch } from './batch.ts';
import { isStaleNaN, STALE_NAN } from './stale-nan.ts';

const T0 = Date.UTC(2026, 0, 1);

function sample(seq: number, n = 3): Batch {
  return {
    agentId: 'host-a',
    firstSeq: seq,
    lastSeq: seq,
    createdMs: T0 + seq * 10_000,
    series: Array.from({ length: n }, (_, k) => ({
      labels: { __name__: 'node_load1', instance: 'host-a:9100', cpu: String(k), ünï: 'ç"\n' },
      timestamps: Float64Array.of(T0 + seq * 10_000),
      values: Float64Array.of(k === 2 ? STALE_NAN : seq + k / 100),
    })),
  };
}

describe('batches', () => {
  it('round-trip labels, sequence range and values (staleness markers included)', () => {
    const b = sample(7);
    const d = decodeBatch(encodeBatch(b));
    expect(d.agentId).toBe('host-a');
    expect([d.firstSeq, d.lastSeq, d.createdMs]).toEqual([7, 7, T0 + 70_000]);
    expect(d.series.map((s) => s.labels)).toEqual(b.series.map((s) => s.labels));
    expect(Array.from(d.series[1].values)).toEqual([7.01]);
    expect(isStaleNaN(d.series[2].values[0])).toBe(true);
    expect(batchSamples(d)).toBe(3);
  });

  it('intern strings: a value shared by many series is stored once', () => {
    const one = encodeBatch(sample(1, 1)).length;
    const many = encodeBatch(sample(1, 100)).length;
    expect(many).toBeLessThan(one * 100 * 0.5);
  });

  it('refuse any damaged byte with a reason, never return other data', () => {
    const bytes = encodeBatch(sample(3));
    for (let i = 0; i < bytes.length; i++) {
      const copy = bytes.slice();
      copy[i] ^= 0x40;
      expect(() => decodeBatch(copy), `byte ${i}`).toThrow(BatchFormatError);
    }
    for (let n = 0; n < bytes.length; n++) expect(() => decodeBatch(bytes.subarray(0, n))).toThrow(BatchFormatError);
  });

  it('say what is wrong', () => {
    expect(() => decodeBatch(new TextEncoder().encode('hello world, not a batch'))).toThrow(/not a metrics batch/);
    const bytes = encodeBatch(sample(1));
    bytes[3] = 9;
    expect(() => decodeBatch(bytes)).toThrow(/version 9 is not supported.*upgrade the hub/);
    const other = encodeBatch(sample(1));
    other[other.length - 1] ^= 1;
    expect(() => decodeBatch(other)).toThrow(/checksum mismatch/);
  });

  it('merge a backlog into one batch per series, in time order, spanning the sequence range', () => {
    const merged = mergeBatches([sample(4), sample(5), sample(6)]);
    expect([merged.firstSeq, merged.lastSeq]).toEqual([4, 6]);
    expect(merged.series).toHaveLength(3);
    expect(Array.from(merged.series[0].timestamps)).toEqual([T0 + 40_000, T0 + 50_000, T0 + 60_000]);
    const d = decodeBatch(encodeBatch(merged));
    expect(Array.from(d.series[1].values)).toEqual([4.01, 5.01, 6.01]);
    // One labels table for three intervals: smaller than the three batches.
    expect(encodeBatch(merged).length).toBeLessThan(encodeBatch(sample(4)).length * 2);
  });
});
