// An import is stored whole or not at all, also when its process is killed (SIGKILL) in the
// middle: a child imports into a real store file and kills itself while reading, or
// between two store appends of the commit; then the store is opened again and
// resumeImports (what the hub runs at start) finishes what the staging file says.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, type TempDir } from '@metrics-hub/testing';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { importText, resumeImports } from './import-text.ts';

const CHILD = fileURLToPath(new URL('../testing/crash-child.ts', import.meta.url));
const LINES = 600_000;
const SERIES = 3;

let dir: TempDir;
afterEach(() => dir?.remove());

function crashImport(when: string): { store: string; staging: string } {
  dir = tempDir('import-crash-');
  const paths = { store: dir.file('store.db'), staging: join(dir.path, 'imports') };
  const res = spawnSync(process.execPath, ['--import', 'tsx', CHILD, paths.store, paths.staging, String(LINES), String(SERIES), when], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(res.signal, `${res.stdout}${res.stderr}`).toBe('SIGKILL');
  return paths;
}

function storedCount(store: TimeSeriesStore): number {
  let n = 0;
  for (const s of store.select([{ type: '=', name: '__name__', value: 'crash_test' }], -1e15, 1e15))
    for (const b of s.blocks()) n += b.length;
  return n;
}

describe('an import killed part-way', () => {
  it('between two appends of its commit: the next start commits the rest, every sample once', async () => {
    const paths = crashImport('commit:1');
    const store = TimeSeriesStore.open({ path: paths.store });
    try {
      const before = storedCount(store);
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(LINES);
      const said = await resumeImports(paths.staging, store);
      expect(said).toEqual([expect.stringMatching(/stopped while committing it; committed again: \d+ samples stored/)]);
      expect(storedCount(store)).toBe(LINES);
      for (const s of store.select([{ type: '=', name: '__name__', value: 'crash_test' }], -1e15, 1e15)) {
        const values = [...s.blocks()].flatMap((b) => [...b.values.subarray(0, b.length)]);
        expect(values).toEqual(values.map((_, k) => k * SERIES + Number(s.labels.i)));
      }
      expect(readdirSync(paths.staging)).toEqual([]);
    } finally {
      store.close();
    }
  }, 180_000);

  it('while reading: nothing was acknowledged, nothing is stored, the staging file goes', async () => {
    const paths = crashImport('read');
    const store = TimeSeriesStore.open({ path: paths.store });
    try {
      expect(readdirSync(paths.staging)).toEqual([expect.stringMatching(/^import-.*\.db$/)]);
      const said = await resumeImports(paths.staging, store);
      expect(said).toEqual([expect.stringMatching(/never acknowledged .*; deleted/)]);
      expect(storedCount(store)).toBe(0);
      expect(readdirSync(paths.staging)).toEqual([]);
    } finally {
      store.close();
    }
  }, 180_000);
});

describe('an import whose store fails part-way (in the same process)', () => {
  it('says so, keeps its staging file, and the next start commits the rest', async () => {
    dir = tempDir('import-fail-');
    const staging = join(dir.path, 'imports');
    const store = TimeSeriesStore.open({ path: dir.file('store.db') });
    try {
      let appends = 0;
      const failing = {
        append(batch: Parameters<TimeSeriesStore['append']>[0]) {
          if (++appends === 2) throw new Error('database or disk is full');
          return store.append(batch);
        },
      };
      const text = Array.from(
        { length: LINES },
        (_, n) => `crash_test{i="${n % SERIES}"} ${n} ${1_700_000_000_000 + Math.floor(n / SERIES) * 1000}\n`,
      ).join('');
      await expect(importText({ text }, failing, { format: 'prometheus', stagingDir: staging })).rejects.toThrow(
        /^database or disk is full; what is not stored yet is stored when the hub next starts \(.*import-.*\.db\)$/,
      );
      expect(storedCount(store)).toBeLessThan(LINES);
      expect(await resumeImports(staging, store)).toEqual([expect.stringMatching(/committed again/)]);
      expect(storedCount(store)).toBe(LINES);
      expect(readdirSync(staging)).toEqual([]);
    } finally {
      store.close();
    }
  }, 180_000);
});
