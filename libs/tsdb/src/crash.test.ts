import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '@metrics-hub/testing';
import { TimeSeriesStore } from './store.ts';
import { CRASH_SERIES, CRASH_T0, expectedThrough } from './testing/crash-batch.ts';

const writer = fileURLToPath(new URL('./testing/crash-writer.ts', import.meta.url));

/** Runs the writer from batch `start`, kills it with SIGKILL after `acks` acks; returns the last ack. */
function runAndKill(path: string, start: number, acks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path, String(start)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let last = start - 1;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const n = Number(line.slice(4));
      if (n > last) last = n;
      if (last - start + 1 >= acks) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
}

let dir: TempDir | undefined;
afterEach(() => dir?.remove());

describe('crash recovery', () => {
  it('keeps every acknowledged batch, exactly once, across repeated kill -9', async () => {
    dir = tempDir('tsdb-crash-');
    const path = dir.file('crash.db');
    let next = 0;
    // Kill points spread over seals (every 32 samples) and write-ahead truncation.
    for (const acks of [37, 180, 95, 260]) {
      const lastAck = await runAndKill(path, next, acks);
      const store = TimeSeriesStore.open({ path, chunkMaxSamples: 32, outOfOrderWindowMs: 3_600_000 });
      try {
        const got = new Map<string, [number, number][]>();
        for (const s of store.select([{ type: '=~', name: '__name__', value: 'crash.*' }], CRASH_T0 - 10_000, CRASH_T0 + 1e9)) {
          const list: [number, number][] = [];
          for (const b of s.blocks()) for (let i = 0; i < b.length; i++) list.push([b.timestamps[i], b.values[i]]);
          got.set(`${s.labels.__name__}/${s.labels.s ?? ''}`, list);
        }
        // The batch being written when the kill came may or may not have committed.
        const inOrder = got.get('crash/0')!;
        const lastStored = (inOrder[inOrder.length - 1][0] - CRASH_T0) / 1000;
        expect(lastStored).toBeGreaterThanOrEqual(lastAck);
        expect(lastStored).toBeLessThanOrEqual(lastAck + 1);
        expect(got.size).toBe(CRASH_SERIES + 1);
        expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expectedThrough(lastStored)));
        next = lastStored + 1;
      } finally {
        store.close();
      }
    }
  });

  it('refuses to open over a damaged write-ahead row, naming it and the way out', async () => {
    dir = tempDir('tsdb-crash-');
    const path = dir.file('crash.db');
    await runAndKill(path, 0, 20);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path);
    const row = db.prepare('SELECT seq, data FROM wal ORDER BY seq DESC LIMIT 1').get() as { seq: number; data: Buffer };
    db.prepare('UPDATE wal SET data = ? WHERE seq = ?').run(row.data.subarray(0, row.data.length - 8), row.seq);
    db.close();
    expect(() => TimeSeriesStore.open({ path })).toThrow(new RegExp(`write-ahead row ${row.seq} is damaged .*delete that row`));
  });
});
