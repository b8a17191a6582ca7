// Export, import and snapshots through the hub's HTTP API.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Hub } from '../hub.ts';
import { testHubConfig } from '../testing/test-hub-config.ts';

const T0 = Date.UTC(2026, 10, 1, 12);
let hub: Hub;
let base: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hub-data-'));
  hub = await Hub.start(testHubConfig(dir), { log: () => undefined });
  base = `http://127.0.0.1:${hub.httpAddress.port}/api/hub/v1`;
  hub.store.append([{ labels: { __name__: 'temp_celsius', room: 'a' }, timestamps: [T0, T0 + 60_000], values: [21.5, 22] }]);
});
afterAll(async () => {
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('hub data endpoints', () => {
  it('exports a selection as CSV with a file name, and refuses a bad selector before sending a byte', async () => {
    const res = await fetch(
      `${base}/export?format=csv-long&selector=${encodeURIComponent('temp_celsius')}&start=${T0 / 1000}&end=${T0 / 1000 + 60}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="metrics-.*\.csv"/);
    const text = await res.text();
    // Sized, so that a client can show how far the download is.
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    const lines = text.trim().split('\r\n');
    expect(lines).toEqual([
      'timestamp,unix_ms,value,__name__,room',
      `2026-11-01T12:00:00.000Z,${T0},21.5,temp_celsius,a`,
      `2026-11-01T12:01:00.000Z,${T0 + 60_000},22,temp_celsius,a`,
    ]);
    const bad = await fetch(`${base}/export?format=csv-long&selector=${encodeURIComponent('temp{')}`);
    expect(bad.status).toBe(400);
    // Written to a file before it is sent (never held whole in memory), which then goes: once
    // the server is done sending, a moment after the client has read the last byte.
    await vi.waitFor(() => expect(readdirSync(join(dir, 'imports')).filter((f) => f.startsWith('export-'))).toEqual([]), {
      timeout: 5000,
    });
  });

  it('imports exposition text all or nothing: a bad line names itself and nothing is stored', async () => {
    const now = Date.now();
    const text = ['# TYPE door_open gauge', `door_open{door="front"} 1 ${now}`, `door_open{door="back" 0 ${now}`, ''].join('\n');
    const refused = await fetch(`${base}/import?format=prometheus`, { method: 'POST', headers: { 'x-metrics-hub': '1' }, body: text });
    expect(refused.status).toBe(400);
    const summary = (await refused.json()) as { committed: boolean; rejected: { line?: number; reason: string }[] };
    expect(summary.committed).toBe(false);
    expect(summary.rejected[0].line).toBe(3);
    expect(hub.store.select([{ name: '__name__', type: '=', value: 'door_open' }], 0, Infinity)).toEqual([]);
    const ok = await fetch(`${base}/import?format=prometheus`, {
      method: 'POST',
      headers: { 'x-metrics-hub': '1' },
      body: text.replace('door="back" 0', 'door="back"} 0'),
    });
    expect(ok.status).toBe(200);
    expect(hub.store.select([{ name: '__name__', type: '=', value: 'door_open' }], 0, Infinity)).toHaveLength(2);
    // Without a format (a stream's end is not known in advance), it says what to send.
    const unsaid = await fetch(`${base}/import`, { method: 'POST', headers: { 'x-metrics-hub': '1' }, body: text });
    expect(unsaid.status).toBe(400);
    expect(((await unsaid.json()) as { error: string }).error).toMatch(/say which format/);
  });

  it('says how many samples are older than retention keeps and what would become of them, and refuses unless allowed', async () => {
    const day = 86_400_000;
    // The hub's newest sample is its own, now: raw data is kept 15 days back from it.
    const now = Date.now();
    const text = `old_temp{room="a"} 20 ${now - 40 * day}\nold_temp{room="a"} 21 ${now - 30 * day}\nold_temp{room="a"} 22 ${now - 60_000}\n`;
    const post = (query: string) =>
      fetch(`${base}/import?format=prometheus${query}`, { method: 'POST', headers: { 'x-metrics-hub': '1' }, body: text });
    const refused = await post('');
    expect(refused.status).toBe(400);
    const said = (await refused.json()) as { committed: boolean; error: string };
    expect(said.committed).toBe(false);
    const [, cutoff, rest] =
      /^2 of the 3 samples are older than the hub keeps raw data \(at or before (\S+)\): (.*)$/.exec(said.error) ?? [];
    expect(Math.abs(Date.parse(cutoff) - (now - 15 * day))).toBeLessThan(10_000);
    expect(rest).toBe(
      'they would be deleted right after the import (raw samples past store.retention, 15d); their 1-minute rollups stay for store.rollup_1m_retention (90d), 1-hour rollups for store.rollup_1h_retention (730d). Nothing was imported: import them anyway with allow_old=true (hub import --allow-old), or keep them longer with store.retention (hub.yaml)',
    );
    expect(hub.store.select([{ name: '__name__', type: '=', value: 'old_temp' }], 0, Infinity)).toEqual([]);
    const allowed = await post('&allow_old=true');
    expect(allowed.status).toBe(200);
    const summary = (await allowed.json()) as { committed: boolean; appended: number; pastRetention: { samples: number; fate: string } };
    expect(summary).toMatchObject({
      committed: true,
      appended: 3,
      pastRetention: { samples: 2, fate: expect.stringMatching(/^deleted right after/) },
    });
    // As said: the raw samples past retention went with the import.
    const kept = hub.store.select([{ name: '__name__', type: '=', value: 'old_temp' }], 0, Infinity);
    expect([...kept[0].blocks()].flatMap((b) => [...b.timestamps.subarray(0, b.length)])).toEqual([now - 60_000]);
  });

  it('takes a whole-hub snapshot while serving, lists it and serves the file', async () => {
    const made = await fetch(`${base}/snapshots`, { method: 'POST', headers: { 'x-metrics-hub': '1' } });
    expect(made.status).toBe(201);
    const list = (await (await fetch(`${base}/snapshots`)).json()) as {
      snapshots: { name: string; bytes: number; manifest: { format: string } }[];
    };
    expect(list.snapshots).toHaveLength(1);
    const file = await fetch(`${base}/snapshots/${list.snapshots[0].name}`);
    expect(file.headers.get('content-type')).toBe('application/gzip');
    expect((await file.arrayBuffer()).byteLength).toBe(list.snapshots[0].bytes);
  });
});
