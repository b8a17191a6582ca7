// Export, import and snapshots through the hub's HTTP API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  });

  it('imports exposition text all or nothing: a bad line names itself and nothing is stored', async () => {
    const text = ['# TYPE door_open gauge', `door_open{door="front"} 1 ${T0 / 1000}`, `door_open{door="back" 0 ${T0 / 1000}`, ''].join(
      '\n',
    );
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
