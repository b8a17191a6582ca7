// Values during evaluation. Every instant-vector or scalar expression is evaluated once
// over all steps of the query: a series holds one slot per step (with a presence flag),
// so vector matching, aggregation and functions work a step at a time over flat arrays.

import { labelsKey, type Labels } from '@metrics-hub/wire';

export interface StepSeries {
  labels: Labels;
  values: Float64Array;
  /** 1 where the series has a value at that step. */
  has: Uint8Array;
  /** Sample timestamps per step (vector selectors only), for timestamp(). */
  sampleTimes?: Float64Array;
}

/** Raw points of one series (a range selector's samples, or a subquery's results). */
export interface PointSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
  n: number;
}

export type Value =
  | { kind: 'scalar'; values: Float64Array }
  | { kind: 'vector'; series: StepSeries[] }
  | { kind: 'matrix'; series: PointSeries[]; rangeMs: number; offsets: Float64Array }
  | { kind: 'string'; value: string };

export function newSeries(labels: Labels, steps: number): StepSeries {
  return { labels, values: new Float64Array(steps), has: new Uint8Array(steps) };
}

export function withoutName(labels: Labels): Labels {
  if (!('__name__' in labels)) return labels;
  const { __name__: _drop, ...rest } = labels;
  return rest;
}

export function withLabel(labels: Labels, name: string, value: string): Labels {
  const out: Record<string, string> = { ...labels };
  if (value === '') delete out[name];
  else out[name] = value;
  return out;
}

/** Identity of the label subset `names` (on) or of everything but `names` and `__name__` (ignoring). */
export function signature(labels: Labels, names: readonly string[], on: boolean): string {
  let key = '';
  if (on) {
    for (const n of [...names].sort()) {
      const v = labels[n];
      if (v !== undefined) key += `${n}\u0000${v}\u0001`;
    }
    return key;
  }
  for (const n of Object.keys(labels).sort()) {
    if (n === '__name__' || names.includes(n)) continue;
    key += `${n}\u0000${labels[n]}\u0001`;
  }
  return key;
}

export function subsetLabels(labels: Labels, names: readonly string[], on: boolean): Labels {
  const out: Record<string, string> = {};
  if (on) {
    for (const n of names) if (labels[n] !== undefined) out[n] = labels[n];
    return out;
  }
  for (const n in labels) if (n !== '__name__' && !names.includes(n)) out[n] = labels[n];
  return out;
}

export { labelsKey };
