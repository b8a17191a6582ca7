// Incident snapshots between two real hubs: made on one, opened read-only and imported on another.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STALE_NAN, formatLabels } from '@metrics-hub/wire';
import type { TimeSeriesStore } from '@metrics-hub/tsdb';
import { Hub } from '../hub.ts';
import { testHubConfig } from '../testing/test-hub-config.ts';

// Two hours ago, on a whole minute: within what the hubs keep (an incident older than that
// is refused unless allow_old).
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / 60_000) * 60_000;
const START = T0 + 10 * 60_000;
const END = T0 + 30 * 60_000;
const dirs: string[] = [];
let source: Hub;
let target: Hub;
const api = (h: Hub) => `http://127.0.0.1:${h.httpAddress.port}/api/hub/v1`;

async function startHub(now?: () => number): Promise<Hub> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-incident-'));
  dirs.push(dir);
  return Hub.start(testHubConfig(dir), { log: () => undefined, now });
}

function bits(store: TimeSeriesStore, name: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of store.select([{ type: '=', name: '__name__', value: name }], START - 300_000, END)) {
    const parts: string[] = [];
    for (const b of s.blocks()) {
      const u = new BigUint64Array(b.values.buffer, b.values.byteOffset, b.length);
      for (let i = 0; i < b.length; i++) parts.push(`${b.timestamps[i]}:${u[i].toString(16)}`);
    }
    out.set(formatLabels(s.labels), parts.join(' '));
  }
  return out;
}

beforeAll(async () => {
  [source, target] = await Promise.all([startHub(), startHub()]);
  const ts = Array.from({ length: 60 }, (_, i) => T0 + i * 40_000);
  const g = Float64Array.from(ts, (_, i) => i / 7);
  g.set([NaN, Infinity, -Infinity, -0], 20);
  g[30] = STALE_NAN;
  source.store.append([
    { labels: { __name__: 'c_total', job: 'a' }, timestamps: ts, values: Float64Array.from(ts, (_, i) => i * 3) },
    { labels: { __name__: 'g', a: 'x' }, timestamps: ts, values: g },
    { labels: { __name__: 'g', a: 'y' }, timestamps: ts, values: g },
  ]);
  const put = await fetch(`${api(source)}/dashboards/db`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'DB',
      panels: [
        { title: 'rate', expr: 'rate(c_total[5m])' },
        { title: 'g', expr: 'g{a="x"}' },
      ],
    }),
  });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function makeFile(gzip = false): Promise<Uint8Array> {
  const res = await fetch(`${api(source)}/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dashboardId: 'db', title: 'Outage', start: START / 1000, end: END / 1000, gzip }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="incident-.*\.ndjson/);
  const file = new Uint8Array(await res.arrayBuffer());
  expect(Number(res.headers.get('content-length'))).toBe(file.byteLength);
  return file;
}

describe('incident endpoints', () => {
  it('opens an incident read-only: the panels answer as on the source hub, and nothing is stored', async () => {
    const opened = await fetch(`${api(target)}/incidents/open`, {
      method: 'POST',
      headers: { 'x-metrics-hub': '1' },
      body: await makeFile(true),
    });
    expect(opened.status).toBe(201);
    const { id, series } = (await opened.json()) as { id: string; series: number };
    expect(series).toBe(2);
    const header = (await (await fetch(`${api(target)}/incidents/${id}`)).json()) as {
      title: string;
      startMs: number;
      endMs: number;
      dashboard: { panels: unknown[] };
    };
    expect(header).toMatchObject({ title: 'Outage', startMs: START, endMs: END });
    expect(header.dashboard.panels).toHaveLength(2);
    for (const q of ['rate(c_total[5m])', 'g{a="x"}']) {
      const params = `query=${encodeURIComponent(q)}&start=${START / 1000}&end=${END / 1000}&step=15`;
      const got = await (await fetch(`${api(target)}/incidents/${id}/query_range?${params}`)).json();
      const want = await (await fetch(`http://127.0.0.1:${source.httpAddress.port}/api/v1/query_range?${params}`)).json();
      expect(got).toEqual(want);
      expect((got as { data: { result: unknown[] } }).data.result.length).toBeGreaterThan(0);
    }
    expect(bits(target.store, 'g').size).toBe(0);
    const bad = await fetch(`${api(target)}/incidents/${id}/query_range?query=${encodeURIComponent('rate(')}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { status: string }).status).toBe('error');
  });

  it('keeps at most 5 opened incidents, dropping the oldest', async () => {
    const file = await makeFile();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push(
        (
          (await (
            await fetch(`${api(target)}/incidents/open`, { method: 'POST', headers: { 'x-metrics-hub': '1' }, body: file })
          ).json()) as { id: string }
        ).id,
      );
    expect((await fetch(`${api(target)}/incidents/${ids[0]}`)).status).toBe(404);
    expect((await fetch(`${api(target)}/incidents/${ids[5]}`)).status).toBe(200);
    expect(((await (await fetch(`${api(target)}/incidents`)).json()) as { incidents: unknown[] }).incidents).toHaveLength(5);
  });

  it('refuses a damaged or unknown file with a clear message, storing nothing', async () => {
    const text = new TextDecoder().decode(await makeFile());
    const lines = text.split('\n');
    const damaged = [...lines.slice(0, 3), lines[3].replace(/"values":\[[^,\]]*/, '"values":["zz"'), ...lines.slice(4)].join('\n');
    for (const [body, message] of [
      [damaged, /line 4: value #1 must be a number or 16 hex digits/],
      ['{"format":"something-else"}\n', /line 1: not an incident file/],
    ] as const) {
      for (const what of ['open', 'import']) {
        const res = await fetch(`${api(target)}/incidents/${what}`, { method: 'POST', headers: { 'x-metrics-hub': '1' }, body });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toMatch(message);
      }
    }
    expect(bits(target.store, 'g').size).toBe(0);
    expect(bits(target.store, 'c_total').size).toBe(0);
  });

  it('imports bit-identical samples and saves the dashboard as incident-<id>', async () => {
    const res = await fetch(`${api(target)}/incidents/import`, {
      method: 'POST',
      headers: { 'x-metrics-hub': '1' },
      body: await makeFile(),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { dashboard: { id: string } }).dashboard.id).toBe('incident-db');
    for (const name of ['c_total', 'g']) {
      const want = bits(source.store, name);
      if (name === 'g') want.delete('g{a="y"}');
      expect(bits(target.store, name)).toEqual(want);
    }
    expect([...bits(target.store, 'g').values()][0]).toContain(':7ff0000000000002');
    const list = (await (await fetch(`${api(target)}/dashboards`)).json()) as {
      dashboards: { id: string; title: string; panels: { expr: string }[] }[];
    };
    const saved = list.dashboards.find((d) => d.id === 'incident-db');
    expect(saved?.panels.map((p) => p.expr)).toEqual(['rate(c_total[5m])', 'g{a="x"}']);
  });
  it('says how many samples are older than the hub keeps, and stores them only when allowed', async () => {
    // A hub whose clock is 20 days on: the incident's samples are past its 15 days of raw data.
    const later = await startHub(() => Date.now() + 20 * 86_400_000);
    try {
      const file = await makeFile();
      const post = (query: string) =>
        fetch(`${api(later)}/incidents/import${query}`, { method: 'POST', headers: { 'x-metrics-hub': '1' }, body: file });
      const refused = await post('');
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toMatch(
        /^the samples were not imported: \d+ of the \d+ samples are older than the hub keeps raw data .*: they would be deleted right after the import .*allow_old=true \(hub incident import --allow-old\)/,
      );
      expect(bits(later.store, 'c_total').size).toBe(0);
      const allowed = await post('?allow_old=true');
      expect(allowed.status).toBe(200);
      const summary = ((await allowed.json()) as { summary: { samples: number; pastRetention: { samples: number } } }).summary;
      expect(summary.pastRetention.samples).toBe(summary.samples);
    } finally {
      await later.stop();
    }
  });

  it('remembers the file name it was opened from, and stores an opened incident without a second upload', async () => {
    const opened = await fetch(`${api(target)}/incidents/open?name=${encodeURIComponent('C:\\Users\\me\\outage.ndjson.gz')}`, {
      method: 'POST',
      headers: { 'x-metrics-hub': '1' },
      body: await makeFile(true),
    });
    const { id, fileName } = (await opened.json()) as { id: string; fileName: string };
    expect(fileName).toBe('outage.ndjson.gz');
    const listed = (await (await fetch(`${api(target)}/incidents`)).json()) as { incidents: { id: string; fileName?: string }[] };
    expect(listed.incidents.find((i) => i.id === id)?.fileName).toBe('outage.ndjson.gz');
    expect((await fetch(`${api(target)}/incidents/${id}/import`)).status).toBe(405);
    const stored = await fetch(`${api(target)}/incidents/${id}/import`, { method: 'POST', headers: { 'x-metrics-hub': '1' } });
    expect(stored.status).toBe(200);
    // Imported by the test before: every sample is read again and found stored already.
    const summary = ((await stored.json()) as { summary: { samples: number; appended: number; store: { duplicates: number } } }).summary;
    expect(summary.samples).toBeGreaterThan(0);
    expect(summary.appended + summary.store.duplicates).toBe(summary.samples);
    expect(bits(target.store, 'c_total')).toEqual(bits(source.store, 'c_total'));
  });
});
