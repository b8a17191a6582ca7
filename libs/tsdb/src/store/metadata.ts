// Metric family metadata (TYPE, HELP, UNIT) and the series kind it decides: a family's
// TYPE, when the store has it, says whether its series roll up as counters or gauges.

import { METRIC_NAME_LABEL } from '@metrics-hub/wire';
import type { SeriesKind } from '../rollup-codec.ts';
import { seriesKind } from '../series-kind.ts';
import type { SeriesState } from '../series-state.ts';
import { assertOpen, type StoreState } from './state.ts';
import type { MetricMetadata } from './types.ts';

/** At open: the families' types, which decide the series' kinds. */
export function loadFamilyTypes(st: StoreState): void {
  for (const m of st.db.prepare('SELECT metric, type FROM metadata').all() as { metric: string; type: string }[])
    st.familyTypes.set(m.metric, m.type);
}

export function kindOf(st: StoreState, state: SeriesState): SeriesKind {
  return (state.kind ??= seriesKind(state.labels[METRIC_NAME_LABEL], (family) => st.familyTypes.get(family)));
}

export function setMetadata(st: StoreState, metric: string, meta: MetricMetadata): void {
  assertOpen(st);
  st.stmt.putMetadata.run(metric, meta.type, meta.help, meta.unit);
  if (st.familyTypes.get(metric) !== meta.type) {
    st.familyTypes.set(metric, meta.type);
    for (const state of st.states.values()) state.kind = undefined;
  }
}

export function readMetadata(st: StoreState, metric?: string): Map<string, MetricMetadata> {
  assertOpen(st);
  const rows = (
    metric === undefined
      ? st.db.prepare('SELECT metric, type, help, unit FROM metadata ORDER BY metric').all()
      : st.db.prepare('SELECT metric, type, help, unit FROM metadata WHERE metric = ?').all(metric)
  ) as ({ metric: string } & MetricMetadata)[];
  return new Map(rows.map((r) => [r.metric, { type: r.type, help: r.help, unit: r.unit }]));
}
