// The outbox and the accumulator on a nearly full disk (a tiny tmpfs): a failed write
// leaves no half record behind, the outbox makes room by dropping its oldest segments
// (counted), and everything written before stays readable.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SampleAccumulator } from './accumulator.ts';
import { SegmentQueue } from './segment-queue.ts';

let dir = '';
let mounted = false;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir], { stdio: 'pipe' });
    mounted = true;
  } catch (e) {
    // Mounting needs root; CI runs as root, so there it must work.
    if (process.env.CI === 'true')
      throw new Error(`cannot mount a tmpfs for the disk-full test (${(e as Error).message}): CI must run as root`);
  }
});
afterAll(() => {
  if (mounted) execFileSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
});

describe('on a full disk', () => {
  it('the outbox drops its oldest segments to make room, and says so when it cannot', () => {
    if (!mounted) return;
    const q = SegmentQueue.open(join(dir, 'outbox'), { segmentBytes: 16 * 1024, sync: false });
    const payload = new Uint8Array(3000).fill(7);
    for (let i = 0; i < 200; i++) q.append(payload);
    const s = q.stats();
    expect(s.dropped.records).toBeGreaterThan(0);
    expect(s.records + s.dropped.records).toBe(200);
    // What is still there reads back whole.
    for (const id of q.pendingIds()) expect(q.read(id)).toEqual(payload);
    // A payload larger than the whole disk cannot be stored: a clear error, and nothing
    // dropped for it in vain.
    const before = q.pendingIds();
    expect(() => q.append(new Uint8Array(400 * 1024))).toThrow(
      /cannot write to the outbox .*ENOSPC.*free disk space or lower buffer.max_bytes/,
    );
    expect(q.pendingIds()).toEqual(before);
    const id = q.append(payload);
    expect(q.read(id)).toEqual(payload);
    q.close();
    rmSync(join(dir, 'outbox'), { recursive: true, force: true });
  });

  it('the accumulator refuses an interval it cannot write and keeps the earlier ones', () => {
    if (!mounted) return;
    const path = join(dir, 'collected.wal');
    const acc = SampleAccumulator.open(path, { sync: false });
    const interval = (i: number, n: number) =>
      Array.from({ length: n }, (_, k) => ({ labels: { __name__: 'm', k: String(k) }, timestampMs: i, value: i }));
    let stored = 0;
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      try {
        acc.add(i, interval(i, 1000));
        stored++;
      } catch (e) {
        expect((e as Error).message).toMatch(/cannot write collected samples to .* \(ENOSPC\): free disk space/);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    acc.close();
    const again = SampleAccumulator.open(path, { sync: false });
    expect(again.sampleCount).toBe(stored * 1000);
    expect(again.recoveryNote).toBeUndefined();
    again.close();
  });
});
