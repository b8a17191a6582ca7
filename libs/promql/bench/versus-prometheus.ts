// Runs the benchmark queries on a real Prometheus (Debian's package) over the same data
// and prints its times beside ours, with how many points agree within 1e-6 (relative).
// The answers compared are ours with 2.x window edges (the server is 2.42).
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { labelsKey } from '@metrics-hub/wire';
import { freePort, printTable, progress } from '@metrics-hub/testing';
import type { QueryResult } from '../src/index.ts';

interface Ours {
  query: string;
  rangeMs: number;
  answer: QueryResult;
}

type PromMatrix = { metric: Record<string, string>; values: [number, string][] }[];

export async function versusPrometheus(dataDir: string, ours: Ours[], start: number, end: number, runs: number): Promise<void> {
  const port = await freePort();
  const prom = spawn(
    'prometheus',
    [
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=100y',
      '--config.file=/dev/null',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  prom.stderr.on('data', (d) => (stderr += d));
  try {
    await waitReady(`http://127.0.0.1:${port}/-/ready`, () => stderr);
    const rows: [string, string][] = [];
    let promTotal = 0;
    let oursTotal = 0;
    for (const o of ours) {
      const times: number[] = [];
      let data: PromMatrix = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}/api/v1/query_range`, {
          method: 'POST',
          body: new URLSearchParams({ query: o.query, start: String(start / 1000), end: String(end / 1000), step: '60' }),
        });
        const json = (await res.json()) as { status: string; data: { result: PromMatrix }; error?: string };
        times.push(performance.now() - t0);
        if (json.status !== 'success') throw new Error(`prometheus refused ${o.query}: ${json.error}`);
        data = json.data.result;
      }
      times.sort((a, b) => a - b);
      const promMs = times[Math.floor(times.length / 2)];
      promTotal += promMs;
      oursTotal += o.rangeMs;
      rows.push([
        o.query.length > 60 ? `${o.query.slice(0, 57)}...` : o.query,
        `prometheus ${promMs.toFixed(0).padStart(5)} ms, ours ${o.rangeMs.toFixed(0).padStart(5)} ms; ${agreement(o.answer, data)}`,
      ]);
    }
    rows.push([
      'whole set',
      `prometheus ${promTotal.toFixed(0)} ms, ours ${oursTotal.toFixed(0)} ms (prometheus timed over HTTP on 127.0.0.1, ours in-process)`,
    ]);
    printTable('Side by side with Prometheus (same data, same queries, 24 h at 60 s)', rows);
  } finally {
    prom.kill('SIGTERM');
  }
}

/** Points present in both answers that agree within 1e-6, and points only one side has. */
function agreement(ours: QueryResult, theirs: PromMatrix): string {
  if (ours.data.resultType !== 'matrix') return 'ours is not a matrix';
  const mine = new Map(ours.data.result.map((s) => [labelsKey(s.metric), new Map(s.points.map((p) => [p.t, p.v]))]));
  let same = 0;
  let differ = 0;
  let onlyTheirs = 0;
  let seen = 0;
  let worst = '';
  let worstRel = 0;
  for (const s of theirs) {
    const m = mine.get(labelsKey(s.metric));
    for (const [t, text] of s.values) {
      const v = Number(text);
      const mv = m?.get(t * 1000);
      if (mv === undefined) {
        onlyTheirs++;
        continue;
      }
      seen++;
      const ok = (v !== v && mv !== mv) || Math.abs(v - mv) <= 1e-6 * Math.max(1, Math.abs(v));
      if (ok) same++;
      else differ++;
      const rel = Math.abs(v - mv) / Math.max(1e-300, Math.abs(v));
      if (rel > worstRel) {
        worstRel = rel;
        worst = ` (largest difference at ${t}: prometheus ${text}, ours ${mv})`;
      }
    }
  }
  let oursTotal = 0;
  for (const s of ours.data.result) oursTotal += s.points.length;
  return `${same} points agree, ${differ} differ, ${onlyTheirs} only in prometheus, ${oursTotal - seen} only in ours${differ ? worst : ''}`;
}

async function waitReady(url: string, log: () => string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (i % 10 === 0) progress(`waiting for prometheus to open its data (${i / 10} s)`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus did not become ready: ${log().slice(-500)}`);
}
