// Unjournaled appends (an import whose staging file is its redo log): no write-ahead row,
// invisible to replicas until sealed, lost to a kill before sealUnjournaled and kept after it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreReplica } from './store-replica.ts';
import { readAll, storePerTest, T0 } from './testing/store-fixture.ts';
import { TimeSeriesStore } from './store.ts';

const { open, dir } = storePerTest();
const writer = fileURLToPath(new URL('./testing/unjournaled-writer.ts', import.meta.url));
const IMPORTED = [{ type: '=' as const, name: '__name__', value: 'imported' }];

function runAndKill(path: string, series: number, seal: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path, String(series), seal ? 'seal' : 'keep'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => {
      if (String(d).includes('done')) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited with ${code}: ${stderr}`))));
  });
}

const walRows = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM wal').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('unjournaled appends', () => {
  it('write no journal row, and reach replicas once sealed', () => {
    const s = open();
    // All in one chunk window: nothing seals before sealUnjournaled.
    const timestamps = Array.from({ length: 50 }, (_, i) => T0 + 1 + i * 10_000 + ((i * 53) % 300));
    const result = s.append([{ labels: { __name__: 'imported', s: '1' }, timestamps, values: timestamps.map((_, i) => i) }], {
      journaled: false,
    });
    expect(result.appended).toBe(50);
    // A repeat is told apart as journaled appends tell it.
    expect(
      s.append([{ labels: { __name__: 'imported', s: '1' }, timestamps: [timestamps[3]], values: [3] }], { journaled: false }).duplicates,
    ).toBe(1);
    expect(walRows(dir.file('hub.db'))).toBe(0);
    expect(readAll(s.select(IMPORTED, -Infinity, Infinity)[0])).toHaveLength(50);
    const r = StoreReplica.open({ path: dir.file('hub.db') });
    expect(r.read(() => r.select(IMPORTED, -Infinity, Infinity).flatMap(readAll))).toEqual([]);
    s.sealUnjournaled();
    expect(r.read(() => r.select(IMPORTED, -Infinity, Infinity).flatMap(readAll))).toEqual(timestamps.map((t, i) => [t, i]));
    r.close();
    s.close();
  });

  it('are lost to a kill before sealUnjournaled and kept after it; journaled appends beside them are kept either way', async () => {
    for (const seal of [false, true]) {
      const path = dir.file(`${seal}.db`);
      await runAndKill(path, 20, seal);
      const s = TimeSeriesStore.open({ path });
      expect(s.select([{ type: '=', name: '__name__', value: 'live' }], -Infinity, Infinity).flatMap(readAll)).toHaveLength(1);
      const imported = s.select(IMPORTED, -Infinity, Infinity);
      if (seal) {
        expect(imported).toHaveLength(20);
        for (const x of imported)
          expect(readAll(x).map(([, v]) => v)).toEqual(Array.from({ length: 100 }, (_, i) => i * Number(x.labels.s)));
      } else {
        // The series exist (their rows committed) but hold nothing: the caller's redo log has the samples.
        expect(imported.flatMap(readAll)).toEqual([]);
      }
      s.close();
    }
  });
});
