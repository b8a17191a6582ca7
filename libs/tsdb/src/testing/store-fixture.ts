// What the store's tests share: a fresh folder per test with `open` for a store in it,
// the time they start at, and helpers to match and read series.

import { afterEach, beforeEach } from 'vitest';
import { tempDir, type TempDir } from '@metrics-hub/testing';
import type { StoreOptions } from '../options.ts';
import { TimeSeriesStore, type StoredSeries } from '../store.ts';

export const T0 = Date.UTC(2026, 0, 1);

export const eq = (name: string, value: string) => ({ type: '=' as const, name, value });

export function readAll(s: StoredSeries): [number, number][] {
  const out: [number, number][] = [];
  for (const b of s.blocks()) for (let i = 0; i < b.length; i++) out.push([b.timestamps[i], b.values[i]]);
  return out;
}

/**
 * Registers a folder per test (removed after it): `open` opens a store on `hub.db` in the
 * current test's folder, `dir.file` names a file there.
 */
export function storePerTest(): { open: (o?: Partial<StoreOptions>) => TimeSeriesStore; dir: { file: (name: string) => string } } {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir('tsdb-test-');
  });
  afterEach(() => dir.remove());
  return {
    open: (o = {}) => TimeSeriesStore.open({ path: dir.file('hub.db'), ...o }),
    dir: { file: (name) => dir.file(name) },
  };
}
