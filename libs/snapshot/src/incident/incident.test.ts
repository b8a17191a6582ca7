// Incident files against real SQLite stores: create, open read-only, import, refuse.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '@metrics-hub/promql';
import { STALE_NAN } from '@metrics-hub/wire';
import { createIncident, dashboardSelectors, IncidentError, importIncident, openIncident } from '../index.ts';
import { dumpBits, tempStore, type TempStore } from '../testing/temp-store.ts';

const T0 = 1704067200000;
const START = T0 + 10 * 60_000;
const END = T0 + 30 * 60_000;
const DASHBOARD = {
  id: 'db',
  title: 'DB',
  panels: [
    { title: 'rate', expr: 'rate(c_total[5m])' },
    { title: 'g', expr: 'g{a="x"}', unit: 'bytes' },
  ],
};

let src: TempStore;
let dst: TempStore;
beforeEach(() => {
  src = tempStore();
  dst = tempStore();
  const n = 60; // 40 minutes every 40 s
  const ts = Array.from({ length: n }, (_, i) => T0 + i * 40_000);
  const c = Float64Array.from(ts, (_, i) => i * 3);
  const g = Float64Array.from(ts, (_, i) => i / 7);
  // Specials inside the window, and a staleness marker that ends the series for a while.
  g.set([NaN, Infinity, -Infinity, -0], 20);
  g[30] = STALE_NAN;
  expect(
    src.store.append([
      { labels: { __name__: 'c_total', job: 'a' }, timestamps: ts, values: c },
      { labels: { __name__: 'g', a: 'x' }, timestamps: ts, values: g },
      { labels: { __name__: 'g', a: 'y' }, timestamps: ts, values: g },
      { labels: { __name__: 'other' }, timestamps: ts, values: c },
    ]).rejected,
  ).toEqual([]);
  src.store.setMetadata('c_total', { type: 'counter', help: 'C.', unit: '' });
});
afterEach(() => {
  src.cleanup();
  dst.cleanup();
});

function make(extra?: string[]): string {
  let text = '';
  createIncident(
    src.store,
    { title: 'Outage', dashboard: DASHBOARD, startMs: START, endMs: END, selectors: extra, now: () => END },
    (c) => (text += c),
  );
  return text;
}

describe('incident snapshots', () => {
  it('finds every selector in the panels, with the range they read before the window', () => {
    const needs = dashboardSelectors({
      title: 't',
      panels: [{ title: 'p', expr: 'sum(rate(a[10m])) / on() b offset 1m + max_over_time(c[5m:1m])' }],
    });
    expect(needs.map((n) => [n.matchers.find((m) => m.name === '__name__')?.value, n.extraMs])).toEqual([
      ['a', 600_000],
      ['b', 60_000],
      ['c', 300_000],
    ]);
  });

  it('writes a header and only the series the panels read, over the window plus lookback', () => {
    const text = make();
    const lines = text.trim().split('\n');
    expect(JSON.parse(lines[0])).toEqual({
      format: 'metrics-hub-incident',
      version: 1,
      title: 'Outage',
      createdAt: new Date(END).toISOString(),
      startMs: START,
      endMs: END,
      dashboard: DASHBOARD,
    });
    expect(JSON.parse(lines[1])).toEqual({ format: 'mhb-json', version: 1 });
    const opened = openIncident({ text });
    expect(opened.queryable.series.map((s) => s.labels)).toEqual([
      { __name__: 'c_total', job: 'a' },
      { __name__: 'g', a: 'x' },
    ]);
    for (const s of opened.queryable.series) {
      expect(s.timestamps[0]).toBeGreaterThanOrEqual(START - 5 * 60_000);
      expect(s.timestamps[s.timestamps.length - 1]).toBeLessThanOrEqual(END);
    }
    expect(openIncident({ text: make(['other']) }).series).toBe(3);
  });

  it('opened read-only, answers the panels exactly as the original store does over the window', () => {
    const opened = openIncident({ bytes: gzipSync(make()) });
    expect(opened.header.title).toBe('Outage');
    const engine = new Engine();
    for (const { expr } of DASHBOARD.panels) {
      const want = engine.rangeQuery(src.store, expr, START, END, 15_000);
      const got = engine.rangeQuery(opened.queryable, expr, START, END, 15_000);
      expect(got.data).toEqual(want.data);
      expect(want.data.resultType === 'matrix' && want.data.result.length).toBeGreaterThan(0);
    }
  });

  it('imports bit-identical samples (staleness marker and specials) and hands back the dashboard', async () => {
    const file = join(dst.dir, 'outage.incident.ndjson');
    writeFileSync(file, make());
    const summary = await importIncident({ path: file }, dst.store);
    expect(summary.dashboard).toEqual(DASHBOARD);
    expect(summary.samples.committed).toBe(true);
    const want = dumpBits(src.store);
    const got = dumpBits(dst.store);
    expect([...got.keys()]).toEqual(['c_total{job="a"}', 'g{a="x"}']);
    const window = (bits: string) =>
      bits
        .split(' ')
        .filter((p) => Number(p.split(':')[0]) >= START - 300_000 && Number(p.split(':')[0]) <= END)
        .join(' ');
    for (const k of got.keys()) expect(got.get(k)).toBe(window(want.get(k)!));
    expect(got.get('g{a="x"}')).toContain(':7ff0000000000002');
    expect(got.get('g{a="x"}')).toContain(':8000000000000000');
    expect(dst.store.metadata().get('c_total')).toEqual({ type: 'counter', help: 'C.', unit: '' });
  });

  it('refuses unknown, newer and damaged files with the line, and stores nothing', async () => {
    const text = make();
    const lines = text.split('\n');
    const cases: [string, RegExp][] = [
      ['{"format":"mhb-json","version":1}\n', /line 1: not an incident file/],
      ['hello\n', /line 1: not an incident file: the first line is not JSON/],
      [text.replace('"version":1,"title"', '"version":2,"title"'), /line 1: incident file version 2 is not supported/],
      [[...lines.slice(0, 3), lines[3].replace('"timestamps":[', '"timestamps":["x",'), ...lines.slice(4)].join('\n'), /line 4: /],
      [
        `${lines.slice(0, 3).join('\n')}\n{"labels":{"__name__":"g"},"timestamps":[1,2],"values":[1]}\n`,
        /line 4: 2 timestamps but 1 values/,
      ],
    ];
    for (const [bad, message] of cases) {
      expect(() => openIncident({ text: bad })).toThrow(message);
      await expect(importIncident({ text: bad }, dst.store)).rejects.toThrow(IncidentError);
    }
    expect(dumpBits(dst.store).size).toBe(0);
  });
});

describe('an incident file that inflates without end', () => {
  it('is refused at the decompression limit instead of taking the memory', () => {
    // 300 MiB of zeros: a few hundred KiB gzipped.
    const bomb = gzipSync(Buffer.alloc(300 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    let error: unknown;
    try {
      openIncident({ bytes: bomb });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IncidentError);
    expect((error as IncidentError).code).toBe('too_large');
    expect((error as Error).message).toMatch(/decompresses to more than 268435456 bytes/);
  });
});
