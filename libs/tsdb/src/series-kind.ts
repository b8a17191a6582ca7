// Whether a series counts up (counter) or goes up and down (gauge) decides which rollup
// columns are worth keeping. The metric family's TYPE decides where the store knows it;
// otherwise Prometheus's naming conventions do.

import type { SeriesKind } from './rollup-codec.ts';

const COUNTER_SUFFIXES = ['_total', '_count', '_sum', '_bucket'] as const;

export function seriesKind(metric: string, familyType: (family: string) => string | undefined): SeriesKind {
  const own = familyType(metric);
  if (own === 'counter') return 'counter';
  if (own === 'gauge' || own === 'unknown' || own === 'info' || own === 'stateset') return 'gauge';
  for (const suffix of COUNTER_SUFFIXES) {
    if (!metric.endsWith(suffix)) continue;
    const family = familyType(metric.slice(0, -suffix.length));
    if (family === 'gauge' || family === 'gaugehistogram') return 'gauge';
    return 'counter';
  }
  return 'gauge';
}
