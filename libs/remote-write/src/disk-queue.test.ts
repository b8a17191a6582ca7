// The queue file itself: segments are deflated (a byte limit then holds several times the
// outage), and a file made before that is still read as it is.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskQueue } from './disk-queue.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** One append's worth: one sample for each of `n` node_exporter-like series. */
function scrape(n: number, t: number) {
  return Array.from({ length: n }, (_, k) => ({
    labels: {
      __name__: `node_cpu_seconds_total`,
      cpu: String(k % 8),
      mode: ['idle', 'user', 'system', 'iowait'][k % 4],
      instance: `web-${Math.floor(k / 32)}.example.com:9100`,
      job: 'node',
      k: String(k),
    },
    timestamps: Float64Array.of(t),
    values: Float64Array.of(k * 1.5 + t / 1e9),
  }));
}

function drain(q: DiskQueue): number[] {
  const got: number[] = [];
  for (let batch = q.read('vm', 0, 1, 100_000); batch; batch = q.read('vm', 0, 1, 100_000)) {
    for (const s of batch.series) for (let i = s.from ?? 0; i < (s.to ?? s.timestamps.length); i++) got.push(s.values[i]);
    q.ack(batch);
  }
  return got.sort((a, b) => a - b);
}

describe('remote-write queue file', () => {
  it('deflates segments: one sample per series costs a fraction of its protobuf size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rwq-'));
    dirs.push(dir);
    const q = DiskQueue.open({ path: join(dir, 'q.db') });
    q.setEndpoints(['vm']);
    for (let t = 0; t < 20; t++) q.enqueue(scrape(2000, 1_700_000_000_000 + t * 10_000));
    const { samples, bytes } = q.stats();
    expect(samples).toBe(40_000);
    // The protobuf of such a sample is ~120 bytes; deflated it is a small part of that.
    expect(bytes / samples).toBeLessThan(40);
    expect(drain(q)).toHaveLength(40_000);
    q.close();
  });

  it('reads and writes a file made before compression as it is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rwq-'));
    dirs.push(dir);
    const path = join(dir, 'q.db');
    DiskQueue.open({ path }).close();
    const db = new Database(path);
    db.prepare("DELETE FROM meta WHERE key = 'compression'").run();
    db.close();
    const q = DiskQueue.open({ path });
    q.setEndpoints(['vm']);
    q.enqueue(scrape(100, 1_700_000_000_000));
    expect(q.stats().bytes / q.stats().samples).toBeGreaterThan(80);
    const want = scrape(100, 1_700_000_000_000)
      .map((s) => s.values[0])
      .sort((a, b) => a - b);
    expect(drain(q)).toEqual(want);
    q.close();
  });
});
