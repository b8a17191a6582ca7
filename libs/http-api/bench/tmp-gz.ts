import { gzipSync, gunzipSync } from 'node:zlib';
import { Engine } from '@metrics-hub/promql';
import { StoreReplica } from '@metrics-hub/tsdb';
import { runQueryJob, successJson } from '../src/index.ts';
const path = '/tmp/metrics-hub-bench/fleet-50h-24h-j250.db';
const r = StoreReplica.open({ path, retention: { rawMs: 1e13, rollup1mMs: 1e13, rollup1hMs: 1e13 } });
const meta = JSON.parse((await import('node:fs')).readFileSync(path.replace('.db', '.json'), 'utf8'));
const end = Math.floor(meta.end / 60_000) * 60_000;
const job = { kind: 'range' as const, query: 'avg_over_time(node_load5[1h])', start: end - 86_400_000, end, step: 60_000, limit: 0, format: 'prometheus' as const };
let json = '';
let t0 = performance.now();
for (let i = 0; i < 5; i++) { const d = r.read(() => runQueryJob(job, new Engine(), r)); json = successJson(d.dataJson, d.warnings, d.infos); }
console.log('eval+encode ms', ((performance.now() - t0) / 5).toFixed(1));
t0 = performance.now();
let body!: Uint8Array; for (let i = 0; i < 5; i++) body = new TextEncoder().encode(json);
console.log('bytes', body.length, 'utf8 ms', ((performance.now() - t0) / 5).toFixed(1));
for (const level of [1, 2, 3, 4, 6]) {
  let out!: Buffer; const t1 = performance.now(); for (let i = 0; i < 5; i++) out = gzipSync(body, { level }); const t = (performance.now() - t1) / 5;
  const t2 = performance.now(); for (let i = 0; i < 5; i++) gunzipSync(out); const u = (performance.now() - t2) / 5;
  console.log('level', level, 'gzip ms', t.toFixed(1), 'size', out.length, 'gunzip ms', u.toFixed(1));
}
{
  const e = new Engine();
  let t = performance.now();
  let res: any;
  for (let i = 0; i < 10; i++) res = r.read(() => e.rangeQuerySteps(r, job.query, job.start, job.end, job.step));
  console.log('eval ms', ((performance.now() - t) / 10).toFixed(1));
  const { stepMatrixJson } = await import('../src/format.ts');
  t = performance.now();
  for (let i = 0; i < 10; i++) stepMatrixJson(res.data.times, res.data.series);
  console.log('stepMatrixJson ms', ((performance.now() - t) / 10).toFixed(1));
}
