// A range query's matrix in uPlot's columnar shape: one shared x column (the query's step
// grid, so every series aligns without uPlot.join's per-series merge) and one y column
// per series, null where a series has no point at that step. The hub sends it that way
// (query_range with format=columns), so this is little more than naming the series.

import type { Labels, MatrixColumnsData, QueryData } from '@metrics-hub/hub-api';

export interface Columns {
  /** Seconds since 1970 (uPlot's default time scale), ascending. */
  xs: Float64Array;
  ys: (number | null)[][];
  names: string[];
}

/** The hub's columnar answer (format=columns) as Columns: already on the grid, so only non-numbers become gaps. */
export function gridToColumns(data: MatrixColumnsData): Columns {
  const xs = new Float64Array(data.count);
  for (let i = 0; i < data.count; i++) xs[i] = data.start + i * data.step;
  const ys: (number | null)[][] = [];
  const names: string[] = [];
  for (const s of data.result) {
    const values = s.values;
    // "NaN" and "±Inf" cannot be scaled by uPlot: gaps, as in matrixToColumns below.
    for (let i = 0; i < values.length; i++) if (typeof values[i] === 'string') values[i] = null;
    ys.push(values as (number | null)[]);
    names.push(seriesName(s.metric));
  }
  return { xs, ys, names };
}

/** `name{a="1", b="2"}`, the way Prometheus's own UI names a series. */
export function seriesName(metric: Labels): string {
  const { __name__: name = '', ...rest } = metric;
  const labels = Object.entries(rest)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return labels ? `${name}{${labels}}` : name || '{}';
}

/**
 * A Prometheus matrix (query_range without format=columns: an incident's answer) on the
 * grid start..end by step: each point in its step's slot, gaps null, NaN and ±Inf too.
 */
export function matrixToColumns(data: QueryData, startMs: number, endMs: number, stepMs: number): Columns {
  const count = endMs < startMs ? 0 : Math.floor((endMs - startMs) / stepMs) + 1;
  const xs = new Float64Array(count);
  for (let i = 0; i < count; i++) xs[i] = (startMs + i * stepMs) / 1000;
  if (data.resultType !== 'matrix') return { xs, ys: [], names: [] };
  const ys: (number | null)[][] = [];
  const names: string[] = [];
  for (const s of data.result) {
    const col = new Array<number | null>(count).fill(null);
    for (const [t, v] of s.values) {
      const i = Math.round((t * 1000 - startMs) / stepMs);
      const n = Number(v);
      if (i >= 0 && i < count && Number.isFinite(n)) col[i] = n;
    }
    ys.push(col);
    names.push(seriesName(s.metric));
  }
  return { xs, ys, names };
}
