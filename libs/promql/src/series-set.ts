// After an operation rewrites labels (dropping the metric name, say), two series can end
// up with the same label set. At different steps they are one series; at the same step
// the result is ambiguous and Prometheus refuses it.

import type { Position } from './ast.ts';
import type { EvalContext } from './eval-context.ts';
import { labelsKey, type StepSeries } from './values.ts';

export function mergeSameLabels(series: StepSeries[], ctx: EvalContext, pos: Position | undefined): StepSeries[] {
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (const s of series) {
    if (!s.has.includes(1)) continue;
    const key = labelsKey(s.labels);
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, s);
      out.push(s);
      continue;
    }
    // Copy before merging: `prev` may share arrays with an input series.
    const merged: StepSeries = {
      labels: prev.labels,
      values: prev.values.slice(),
      has: prev.has.slice(),
      sampleTimes: prev.sampleTimes?.slice(),
    };
    for (let i = 0; i < s.has.length; i++) {
      if (!s.has[i]) continue;
      if (merged.has[i]) throw ctx.fail('vector cannot contain metrics with the same labelset', pos);
      merged.has[i] = 1;
      merged.values[i] = s.values[i];
      if (merged.sampleTimes && s.sampleTimes) merged.sampleTimes[i] = s.sampleTimes[i];
    }
    byKey.set(key, merged);
    out[out.indexOf(prev)] = merged;
  }
  return out;
}
