// After an operation rewrites labels (dropping the metric name, say), two series can end
// up with the same label set. At different steps they are one series; at the same step
// the result is ambiguous and Prometheus refuses it.

import type { Position } from './ast.ts';
import type { EvalContext } from './eval-context.ts';
import { labelsKey, type StepSeries } from './values.ts';

export function mergeSameLabels(series: StepSeries[], ctx: EvalContext, pos: Position | undefined): StepSeries[] {
  const byKey = new Map<string, number>();
  const copies = new Set<StepSeries>();
  const out: StepSeries[] = [];
  for (const s of series) {
    ctx.tick();
    if (!s.has.includes(1)) continue;
    const key = labelsKey(s.labels);
    const at = byKey.get(key);
    if (at === undefined) {
      byKey.set(key, out.length);
      out.push(s);
      continue;
    }
    const prev = out[at];
    // Copy before the first merge: `prev` may share arrays with an input series.
    let merged = prev;
    if (!copies.has(prev)) {
      ctx.hold(s.has.length);
      merged = { labels: prev.labels, values: prev.values.slice(), has: prev.has.slice(), sampleTimes: prev.sampleTimes?.slice() };
      copies.add(merged);
    }
    ctx.tick(s.has.length);
    for (let i = 0; i < s.has.length; i++) {
      if (!s.has[i]) continue;
      if (merged.has[i]) throw ctx.fail('vector cannot contain metrics with the same labelset', pos);
      merged.has[i] = 1;
      merged.values[i] = s.values[i];
      if (merged.sampleTimes && s.sampleTimes) merged.sampleTimes[i] = s.sampleTimes[i];
    }
    out[at] = merged;
  }
  return out;
}

/** The labels of a series' group under `by (grouping)` or `without (grouping)`. */
export function groupLabels(labels: Record<string, string>, grouping: string[], without: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  if (without) {
    for (const n in labels) if (n !== '__name__' && !grouping.includes(n)) out[n] = labels[n];
  } else {
    for (const n of grouping) if (labels[n] !== undefined && labels[n] !== '') out[n] = labels[n];
  }
  return out;
}
