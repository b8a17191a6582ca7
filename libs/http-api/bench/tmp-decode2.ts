import { performance } from 'node:perf_hooks';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { decodeChunk } from '@metrics-hub/wire';
const store = TimeSeriesStore.open({ path: '/tmp/metrics-hub-bench/fleet-50h-24h-j250.db' });
const rows = store.database.prepare('SELECT data FROM chunks').pluck().all() as Uint8Array[];
const out = { timestamps: new Float64Array(4096), values: new Float64Array(4096) };
for (let run = 0; run < 5; run++) {
  const t0 = performance.now();
  let n = 0;
  for (const r of rows) n += decodeChunk(r, out).count;
  const t = performance.now() - t0;
  console.log(`decode only (reused arrays): ${n} samples ${t.toFixed(0)} ms ${((t * 1e6) / n).toFixed(1)} ns/sample`);
}
