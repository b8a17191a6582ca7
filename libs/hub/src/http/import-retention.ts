// What an import is told of retention (ImportOptions.retention): samples the store would
// not keep are said before committing, in hub.yaml's words, and refused unless the client
// sends allow_old=true. The data, incident and (through them) CLI imports share it.

import type { ImportOptions } from '@metrics-hub/snapshot';
import type { TimeSeriesStore } from '@metrics-hub/tsdb';

export function importRetention(store: TimeSeriesStore, allow: boolean, allowName: string): ImportOptions['retention'] {
  return { cutoff: (newest) => store.rawRetentionCutoff(newest), fate: pastRetentionFate(store), allow, allowName };
}

/** What retention does with samples older than it keeps raw data. */
function pastRetentionFate(store: TimeSeriesStore): string {
  const { rawMs, rollup1mMs, rollup1hMs } = store.options.retention;
  const days = (ms: number) => `${Math.round(ms / 86_400_000)}d`;
  const rollups = `their 1-minute rollups stay for store.rollup_1m_retention (${days(rollup1mMs)}), 1-hour rollups for store.rollup_1h_retention (${days(rollup1hMs)})`;
  const archive = store.archiveStatus();
  return archive
    ? `moved to cold storage in ${archive.dir} right after the import (raw samples past store.retention, ${days(rawMs)}; queries read them there); ${rollups}`
    : `deleted right after the import (raw samples past store.retention, ${days(rawMs)}); ${rollups}`;
}
