// A range query's matrix turned into uPlot's columnar shape: one shared x column (the
// query's step grid, so every series aligns without uPlot.join's per-series merge) and
// one y column per series, null where a series has no point at that step.

import type { Labels, PromValue } from '../api/types.ts';

export interface Columns {
  /** Seconds since 1970 (uPlot's default time scale), ascending. */
  xs: Float64Array;
  ys: (number | null)[][];
  names: string[];
}

/**
 * The step grid is built from start/end/step rather than from the points, so a series that
 * starts late or has gaps lands on the right x without searching. O(points) in total.
 */
export function matrixToColumns(result: readonly { metric: Labels; values: PromValue[] }[], startS: number, endS: number, stepS: number): Columns {
  const n = Math.max(0, Math.floor((endS - startS) / stepS + 1e-9) + 1);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = startS + i * stepS;
  const ys: (number | null)[][] = [];
  const names: string[] = [];
  for (const s of result) {
    const col: (number | null)[] = new Array<number | null>(n).fill(null);
    const values = s.values;
    // Hot loop (288k points in the benchmark): indexed access, no destructuring, and
    // `x - x === 0` as the finite test (NaN and ±Inf, which uPlot cannot scale, become gaps).
    for (let j = 0; j < values.length; j++) {
      const p = values[j];
      const i = Math.round((p[0] - startS) / stepS);
      if (i < 0 || i >= n) continue;
      const x = +p[1];
      col[i] = x - x === 0 ? x : null;
    }
    ys.push(col);
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
