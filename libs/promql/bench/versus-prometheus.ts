// Runs the benchmark queries on a real Prometheus (Debian's package) over the same data
// and prints its times beside ours, with whether the answers agree within 1e-6 (relative).
// The answers compared are ours with 2.x window edges (the server is 2.42).
import { performance } from 'node:perf_hooks';
import { compareMatrices, mayTie, median, printTable, startPrometheus, type MatrixSeries } from '@metrics-hub/testing';
import type { QueryResult } from '../src/index.ts';

interface Ours {
  query: string;
  rangeMs: number;
  answer: QueryResult;
}

export async function versusPrometheus(dataDir: string, ours: Ours[], start: number, end: number, runs: number): Promise<void> {
  const prom = await startPrometheus(dataDir);
  try {
    const rows: [string, string][] = [];
    let promTotal = 0;
    let oursTotal = 0;
    for (const o of ours) {
      const times: number[] = [];
      let data: MatrixSeries[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const res = await fetch(`${prom.url}/api/v1/query_range`, {
          method: 'POST',
          body: new URLSearchParams({ query: o.query, start: String(start / 1000), end: String(end / 1000), step: '60' }),
        });
        const json = (await res.json()) as { status: string; data: { result: MatrixSeries[] }; error?: string };
        times.push(performance.now() - t0);
        if (json.status !== 'success') throw new Error(`prometheus refused ${o.query}: ${json.error}`);
        data = json.data.result;
      }
      const promMs = median(times);
      promTotal += promMs;
      oursTotal += o.rangeMs;
      const agreement =
        o.answer.data.resultType === 'matrix'
          ? compareMatrices(asJson(o.answer), data, { ties: mayTie(o.query), names: ['ours', 'prometheus'] }).text
          : 'ours is not a matrix';
      rows.push([
        o.query.length > 60 ? `${o.query.slice(0, 57)}...` : o.query,
        `prometheus ${promMs.toFixed(0).padStart(5)} ms, ours ${o.rangeMs.toFixed(0).padStart(5)} ms; ${agreement}`,
      ]);
    }
    rows.push([
      'whole set',
      `prometheus ${promTotal.toFixed(0)} ms, ours ${oursTotal.toFixed(0)} ms (prometheus timed over HTTP on 127.0.0.1, ours in-process)`,
    ]);
    printTable('Side by side with Prometheus (same data, same queries, 24 h at 60 s)', rows);
  } finally {
    await prom.stop();
  }
}

/** Our matrix as Prometheus's JSON has it (seconds, values as text). */
function asJson(answer: QueryResult): MatrixSeries[] {
  if (answer.data.resultType !== 'matrix') return [];
  return answer.data.result.map((s) => ({ metric: { ...s.metric }, values: s.points.map((p) => [p.t / 1000, String(p.v)]) }));
}
