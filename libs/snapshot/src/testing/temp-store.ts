// Real SQLite stores in temporary directories, and helpers to compare stored samples bit for bit.

import { tempDir } from '@metrics-hub/testing';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { formatLabels } from '@metrics-hub/wire';

export interface TempStore {
  store: TimeSeriesStore;
  dir: string;
  cleanup(): void;
}

/** A store in a fresh temporary folder; `cleanup()` closes it and removes the folder. */
export function tempStore(): TempStore {
  const dir = tempDir('snapshot-test-');
  const store = TimeSeriesStore.open({ path: dir.file('store.db') });
  return {
    store,
    dir: dir.path,
    cleanup() {
      store.close();
      dir.remove();
    },
  };
}

/** Every sample of the store as `series -> "t:bits t:bits ..."`, bits in hex, for exact comparison. */
export function dumpBits(store: TimeSeriesStore): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of store.select([{ type: '=~', name: '__name__', value: '.+' }], -1e15, 1e15)) {
    const parts: string[] = [];
    for (const b of s.blocks()) {
      const bits = new BigUint64Array(b.values.buffer, b.values.byteOffset, b.length);
      for (let i = 0; i < b.length; i++) parts.push(`${b.timestamps[i]}:${bits[i].toString(16)}`);
    }
    out.set(formatLabels(s.labels), parts.join(' '));
  }
  return out;
}
