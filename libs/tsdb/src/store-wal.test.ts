// Appends, flushes and reopens (write-ahead replay) in random order, checked against a
// naive reference store.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelsKey, STALE_NAN, type Labels } from '@metrics-hub/wire';
import { tempDir } from '@metrics-hub/testing';
import { HOUR_MS, MINUTE_MS } from './rollup.ts';
import { TimeSeriesStore } from './store.ts';
import type { StoreOptions } from './options.ts';
import { ReferenceStore } from './testing/reference-store.ts';
import { eq, T0 } from './testing/store-fixture.ts';

/** The bits of element i, read without the value leaving its typed array. */
function typedBits(values: Float64Array, i: number): string {
  const u = new Uint32Array(values.buffer, values.byteOffset + i * 8, 2);
  return `${u[0]}:${u[1]}`;
}

describe('property: the store agrees with a naive reference', () => {
  it('for random appends with late, repeated and conflicting samples across restarts', () => {
    const sample = fc.record({
      series: fc.integer({ min: 0, max: 4 }),
      dt: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 90_000 }) },
        { weight: 2, arbitrary: fc.integer({ min: -40 * 60_000, max: 0 }) },
      ),
      value: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: -1000, max: 100_000 }).map((x) => x / 100) },
        { weight: 1, arbitrary: fc.constantFrom(NaN, STALE_NAN, Infinity, -0, 1e300) },
        { weight: 1, arbitrary: fc.double() },
      ),
      repeat: fc.boolean(),
    });
    const op = fc.oneof(
      { weight: 8, arbitrary: fc.array(sample, { minLength: 1, maxLength: 40 }).map((s) => ({ kind: 'append' as const, samples: s })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => {
        const run = tempDir('tsdb-test-');
        const options: StoreOptions = {
          path: run.file('p.db'),
          chunkMaxSamples: 16,
          chunkWindowMs: HOUR_MS,
          outOfOrderWindowMs: 30 * MINUTE_MS,
        };
        let store = TimeSeriesStore.open(options);
        const ref = new ReferenceStore(options.outOfOrderWindowMs!);
        const labelsOf = (i: number): Labels => ({ __name__: 'prop', s: String(i) });
        let now = T0;
        // Values stay in typed arrays end to end: V8 may rewrite a NaN's payload (the
        // staleness marker's) held in a plain array, which would make the reference and the
        // store see different bits.
        const last = new Map<number, { t: number; v: Float64Array }>();
        try {
          for (const o of ops) {
            if (o.kind === 'reopen') {
              store.close();
              store = TimeSeriesStore.open(options);
              continue;
            }
            if (o.kind === 'flush') {
              store.flush();
              continue;
            }
            // One entry per sample keeps each entry's timestamps ascending, as append requires.
            const entries = o.samples.map((x) => {
              now += x.dt;
              const prev = last.get(x.series);
              const sample = x.repeat && prev ? prev : { t: now, v: Float64Array.of(x.value) };
              last.set(x.series, sample);
              ref.append(labelsOf(x.series), sample.t, sample.v);
              return { labels: labelsOf(x.series), timestamps: [sample.t], values: sample.v };
            });
            store.append(entries);
          }
          for (const [key, s] of ref.series) {
            const got = store.select([eq('__name__', 'prop'), eq('s', s.labels.s)], -Infinity, Infinity);
            const want = ref.sorted(key);
            if (want.length === 0) continue;
            expect(got).toHaveLength(1);
            expect(labelsKey(got[0].labels)).toBe(key);
            const read: [number, string][] = [];
            for (const b of got[0].blocks()) for (let i = 0; i < b.length; i++) read.push([b.timestamps[i], typedBits(b.values, i)]);
            expect(read).toEqual(want);
          }
          const st = store.stats();
          expect(st.samples).toBe(ref.counts.appended);
        } finally {
          store.close();
          run.remove();
        }
      }),
      { numRuns: 60 },
    );
  });
});
