import { Engine, newQueryStats } from '@metrics-hub/promql';
import { StoreReplica } from '@metrics-hub/tsdb';
import { benchQueries } from '@metrics-hub/testing';
const path = process.env.DB ?? '/tmp/metrics-hub-bench/fleet-50h-24h-j250.db';
const r = StoreReplica.open({ path, retention: { rawMs: 1e13, rollup1mMs: 1e13, rollup1hMs: 1e13 } });
const e = new Engine();
const meta = JSON.parse((await import('node:fs')).readFileSync('/tmp/metrics-hub-bench/fleet-50h-24h-j250.json', 'utf8'));
const end = Math.floor(meta.end / 60_000) * 60_000;
const start = end - 86_400_000;
const only = process.argv[2] ? [benchQueries()[Number(process.argv[2]) - 1]] : benchQueries();
for (const q of only) {
  const med = (f: () => void) => { const t: number[] = []; for (let i = 0; i < 5; i++) { const t0 = performance.now(); f(); t.push(performance.now() - t0); } t.sort((a, b) => a - b); return t[2]; };
  let whole = 0, s0 = 0, s1 = 0, merge = 0;
  try {
    whole = med(() => r.read(() => e.rangeQuerySteps(r, q, start, end, 60_000)));
    let a0: any, a1: any;
    const st0 = newQueryStats(() => performance.now());
    s0 = med(() => (a0 = r.read(() => e.rangeQueryShard(r, q, start, end, 60_000, { index: 0, count: 2 }))));
    s1 = med(() => (a1 = r.read(() => e.rangeQueryShard(r, q, start, end, 60_000, { index: 1, count: 2 }, { stats: st0 }))));
    merge = med(() => r.read(() => e.rangeQueryMerged(r, q, start, end, 60_000, [a0, a1])));
    console.log(whole.toFixed(0).padStart(5), s0.toFixed(0).padStart(5), s1.toFixed(0).padStart(5), merge.toFixed(0).padStart(5), ' sel', (st0.selectMs/5).toFixed(0), 'dec', (st0.decodeMs/5).toFixed(0), 'eval', (st0.evalMs/5).toFixed(0), q.slice(0, 50));
  } catch (err) { console.log('n/a', q.slice(0, 50), String(err).slice(0, 80)); }
}
