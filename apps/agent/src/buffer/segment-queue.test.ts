import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SegmentQueue } from './segment-queue.ts';

const text = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);
const bytes = (s: string) => new TextEncoder().encode(s);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'queue-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('segment queue', () => {
  it('keeps appended records until acknowledged, across reopen, in any ack order', () => {
    let q = SegmentQueue.open(dir, { segmentBytes: 64 });
    const ids = ['a', 'b', 'c', 'd', 'e'].map((s) => q.append(bytes(s.repeat(30))));
    expect(ids).toEqual([0, 1, 2, 3, 4]);
    q.ack(1);
    q.ack(0);
    q.ack(3);
    expect(q.pendingIds()).toEqual([2, 4]);
    q.close();
    q = SegmentQueue.open(dir, { segmentBytes: 64 });
    // Acks beyond a gap are not persisted: 3 comes back (the hub drops the repeat).
    expect(q.pendingIds()).toEqual([2, 3, 4]);
    expect(text(q.read(2))).toBe('c'.repeat(30));
    expect(q.append(bytes('f'))).toBe(5);
    for (const id of q.pendingIds()) q.ack(id);
    expect(q.pendingIds()).toEqual([]);
    // Delivered segments are deleted: only the one being written is left.
    expect(readdirSync(dir).filter((n) => n.endsWith('.seg'))).toHaveLength(1);
    q.close();
  });

  it('cuts off a torn final record and garbage, keeping every whole record', () => {
    let q = SegmentQueue.open(dir);
    for (let i = 0; i < 5; i++) q.append(bytes(`record-${i}`));
    q.close();
    const seg = join(dir, readdirSync(dir).find((n) => n.endsWith('.seg'))!);
    truncateSync(seg, statSync(seg).size - 3);
    q = SegmentQueue.open(dir);
    expect(q.pendingIds()).toEqual([0, 1, 2, 3]);
    expect(q.stats().recovered.notes[0]).toMatch(/torn or damaged record/);
    q.close();
    appendFileSync(seg, Buffer.from([9, 0, 0, 0, 1, 2, 3, 4, 0x41]));
    q = SegmentQueue.open(dir);
    expect(q.pendingIds()).toEqual([0, 1, 2, 3]);
    expect(q.append(bytes('after'))).toBe(4);
    expect(text(q.read(4))).toBe('after');
    q.close();
  });

  it('drops the oldest segments beyond its size or age bound, and counts them', () => {
    let now = 0;
    const q = SegmentQueue.open(dir, { segmentBytes: 100, maxBytes: 400, maxAgeMs: 1000, now: () => now });
    for (let i = 0; i < 20; i++) q.append(bytes(`x${i}`.padEnd(40, '.')));
    const s = q.stats();
    expect(s.bytes).toBeLessThanOrEqual(400 + 100);
    expect(s.dropped.records).toBeGreaterThan(0);
    expect(s.records + s.dropped.records).toBe(20);
    expect(q.pendingIds()[0]).toBe(s.dropped.records);
    now = 5000;
    q.append(bytes('new'));
    expect(q.pendingIds()).toEqual([20]);
    expect(q.stats().dropped.records).toBe(20);
    q.close();
  });

  it('survives kill -9 during appends: every acknowledged append is there, intact', async () => {
    const writer = fileURLToPath(new URL('../testing/queue-writer.ts', import.meta.url));
    for (const kills of [1, 2, 3]) {
      const lastOk = await new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
        let last = -1;
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        createInterface({ input: child.stdout }).on('line', (l) => {
          last = Number(l.slice(3));
          if (last >= 150 * kills) child.kill('SIGKILL');
        });
        child.on('exit', (_c, signal) => (signal === 'SIGKILL' ? resolve(last) : reject(new Error(err))));
      });
      const q = SegmentQueue.open(dir, { segmentBytes: 4096 });
      const ids = q.pendingIds();
      // Each run numbers from 0; the ids keep growing across runs.
      const payloads = ids.map((id) => text(q.read(id))!);
      expect(payloads.filter((p) => !/^payload-\d+-x*$/.test(p))).toEqual([]);
      // The last run wrote payload-0, payload-1, ...: all acknowledged ones are there, in
      // order, and at most the one being written when the kill came follows them.
      const numbers = payloads.map((p) => Number(p.split('-')[1]));
      const lastRun = numbers.slice(numbers.lastIndexOf(0));
      expect(lastRun.slice(0, lastOk + 1)).toEqual(Array.from({ length: lastOk + 1 }, (_, i) => i));
      expect(lastRun.length - (lastOk + 1)).toBeLessThanOrEqual(1);
      expect(ids.length).toBeGreaterThanOrEqual((150 * (kills * (kills + 1))) / 2);
      q.close();
    }
  });
});
