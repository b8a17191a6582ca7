// Cold storage seen through the API, as Grafana and the app see it: a store that moved its
// old days to archive files answers the same PromQL as one that kept everything, and says
// in the response's infos (and warnings, for a damaged file) where the data came from.

import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '@metrics-hub/promql';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import type { Labels } from '@metrics-hub/wire';
import { tempDir, type TempDir } from '@metrics-hub/testing';
import type { ApiBackend } from './backend.ts';
import { startApiServer, type ApiBody, type ApiServer } from './testing/api-server.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);
const S0 = T0 / 1000;
const DAYS = 5;
const SERIES: Labels[] = [
  { __name__: 'node_cpu_seconds_total', cpu: '0', mode: 'idle', instance: 'a' },
  { __name__: 'node_cpu_seconds_total', cpu: '1', mode: 'idle', instance: 'a' },
  { __name__: 'node_load1', instance: 'a' },
  { __name__: 'node_load1', instance: 'b' },
];

async function fill(store: TimeSeriesStore): Promise<void> {
  for (let from = T0 + 30_000; from <= T0 + DAYS * DAY; from += 3_600_000) {
    const ts = Float64Array.from({ length: 120 }, (_, i) => from + i * 30_000);
    store.append(
      SERIES.map((labels, k) => ({
        labels,
        timestamps: ts,
        values: Float64Array.from(ts, (t) =>
          labels.__name__ === 'node_load1' ? Math.abs(Math.sin(t / 7e6 + k)) * 4 : ((t - T0) / 1000) * (0.9 + k / 10),
        ),
      })),
    );
  }
  store.setMetadata('node_cpu_seconds_total', { type: 'counter', help: 'CPU time.', unit: 'seconds' });
  store.setMetadata('node_load1', { type: 'gauge', help: 'Load.', unit: '' });
  store.applyRetention();
  await store.archiveSettled();
}

function backend(store: TimeSeriesStore): ApiBackend {
  return {
    engine: new Engine(),
    queryable: store,
    series: store.series.bind(store),
    labelNames: store.labelNames.bind(store),
    labelValues: store.labelValues.bind(store),
    metadata: store.metadata.bind(store),
    buildInfo: { version: '3.0.0' },
    now: () => T0 + DAYS * DAY,
  };
}

let dir: TempDir;
let archived: TimeSeriesStore;
let everything: TimeSeriesStore;
let cold: ApiServer;
let hot: ApiServer;
const get = async (server: ApiServer, path: string) =>
  (await (await fetch(server.url + path)).json()) as ApiBody & { infos?: string[]; warnings?: string[] };
const q = encodeURIComponent;

beforeAll(async () => {
  dir = tempDir('http-api-');
  const retention = { rawMs: 2 * DAY, rollup1mMs: 90 * DAY, rollup1hMs: 730 * DAY };
  archived = TimeSeriesStore.open({ path: dir.file('cold.db'), retention, archive: { dir: dir.file('archive') } });
  everything = TimeSeriesStore.open({ path: dir.file('all.db'), retention: { ...retention, rawMs: 30 * DAY } });
  await fill(archived);
  await fill(everything);
  cold = await startApiServer(backend(archived));
  hot = await startApiServer(backend(everything));
});
afterAll(async () => {
  await cold?.close();
  await hot?.close();
  archived?.close();
  everything?.close();
  dir?.remove();
});

describe('a store with cold storage, through the API', () => {
  it('has moved the old days out', () => {
    expect(archived.archiveStatus()).toMatchObject({ files: 3, firstDay: '2026-10-01', lastDay: '2026-10-03', damaged: [] });
  });

  const ranges: [string, number, number, string][] = [
    ['rate(node_cpu_seconds_total[5m])', S0 + 3600, S0 + DAYS * 86_400, '15m'],
    ['sum by (instance) (rate(node_cpu_seconds_total[1h]))', S0 + 3600, S0 + DAYS * 86_400, '1h'],
    ['max_over_time(node_load1[10m])', S0 + 2 * 86_400 - 3600, S0 + 2 * 86_400 + 3600, '30s'],
    ['node_load1', S0 + 86_400, S0 + 4 * 86_400, '7m'],
    ['avg_over_time(node_load1[1d])', S0 + 86_400, S0 + DAYS * 86_400, '1d'],
  ];
  it.each(ranges)('%s over archived and hot days gives the same answer', async (query, start, end, step) => {
    const path = `/api/v1/query_range?query=${q(query)}&start=${start}&end=${end}&step=${step}`;
    const [c, h] = await Promise.all([get(cold, path), get(hot, path)]);
    expect(c.status).toBe('success');
    expect(c.data).toEqual(h.data);
    expect((c.data as { result: unknown[] }).result.length).toBeGreaterThan(0);
  });

  it('says when samples came from the archive, and only then', async () => {
    const old = await get(cold, `/api/v1/query?query=${q('count_over_time(node_load1[1h])')}&time=${S0 + 86_400 + 7217}`);
    expect(old.data).toEqual(
      (await get(hot, `/api/v1/query?query=${q('count_over_time(node_load1[1h])')}&time=${S0 + 86_400 + 7217}`)).data,
    );
    expect(old.infos).toEqual([`samples for 2026-10-02 were read from the cold archive (${dir.file('archive')})`]);
    // Hour-aligned, the same window is answered from the 1 h rollups, which stay in the store.
    const aligned = await get(cold, `/api/v1/query?query=${q('count_over_time(node_load1[1h])')}&time=${S0 + 86_400 + 7200}`);
    expect(aligned.infos).toBeUndefined();
    const recent = await get(cold, `/api/v1/query?query=${q('node_load1')}&time=${S0 + DAYS * 86_400}`);
    expect(recent.infos).toBeUndefined();
    // The series API reads the archive too, for a time range in it.
    const series = await get(cold, `/api/v1/series?match[]=node_load1&start=${S0 + 3600}&end=${S0 + 7200}`);
    expect(series.data).toHaveLength(2);
  });

  it('answers around a damaged file with a warning that names it', async () => {
    const file = join(dir.file('archive'), '2026-10-01.mharc');
    const fd = openSync(file, 'r+');
    const b = Buffer.alloc(1);
    const at = Math.floor(statSync(file).size / 3);
    readSync(fd, b, 0, 1, at);
    b[0] ^= 0xff;
    writeSync(fd, b, 0, 1, at);
    closeSync(fd);
    // Day 1 was opened (and cached) by the queries above: damage shows when its blocks are read.
    const res = await get(cold, `/api/v1/query_range?query=${q('node_load1')}&start=${S0 + 3600}&end=${S0 + 2 * 86_400 + 3600}&step=5m`);
    expect(res.status).toBe('success');
    expect(res.warnings?.join('\n')).toMatch(/2026-10-01\.mharc is damaged .*restore the file from a backup/);
    // Every value that is there is right; the damaged part is missing, not wrong.
    const full = await get(hot, `/api/v1/query_range?query=${q('node_load1')}&start=${S0 + 3600}&end=${S0 + 2 * 86_400 + 3600}&step=5m`);
    type Matrix = { result: { metric: Labels; values: [number, string][] }[] };
    const want = new Map((full.data as Matrix).result.map((r) => [JSON.stringify(r.metric), new Map(r.values)]));
    let got = 0;
    for (const r of (res.data as Matrix).result) {
      for (const [t, v] of r.values) expect(want.get(JSON.stringify(r.metric))!.get(t)).toBe(v);
      got += r.values.length;
    }
    let all = 0;
    for (const m of want.values()) all += m.size;
    expect(got).toBeLessThan(all);
  });
});
