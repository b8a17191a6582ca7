// Prometheus matrices -> uPlot's columnar data on one step grid. Every query of a chart
// is evaluated on the same grid (aligned start, same step), so a sample's column is
// simply (t - start) / step; a missing sample is null (uPlot draws a gap).

import type { Labels, QueryData } from '@metrics-hub/hub-api';

export type Column = (number | null)[];

/** A chart's data: x in seconds (uPlot's default time unit) and one column per series. */
export interface Columns {
  xs: number[];
  names: string[];
  ys: Column[];
}

/** `{{label}}` placeholders filled from the series' labels; the whole label set when empty. */
export function legendFor(template: string, metric: Labels): string {
  if (template) return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => metric[k] ?? '');
  const inner = Object.entries(metric)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return `${metric.__name__ ?? ''}{${inner}}`;
}

/** Aligns the results of several range queries (each with its legend) on the grid start..end. */
export function toColumns(startMs: number, endMs: number, stepMs: number, results: { legend: string; data: QueryData }[]): Columns {
  const n = endMs < startMs ? 0 : Math.floor((endMs - startMs) / stepMs) + 1;
  const xs = new Array<number>(n);
  for (let i = 0; i < n; i++) xs[i] = (startMs + i * stepMs) / 1000;
  const names: string[] = [];
  const ys: Column[] = [];
  for (const r of results) {
    if (r.data.resultType !== 'matrix') continue;
    // Sorted by name so that the order (and colours) stay put between refreshes.
    const series = r.data.result
      .map((s) => ({ name: legendFor(r.legend, s.metric), values: s.values }))
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const s of series) {
      const col: Column = new Array<number | null>(n).fill(null);
      for (const [t, v] of s.values) {
        const i = Math.round((t * 1000 - startMs) / stepMs);
        if (i >= 0 && i < n) col[i] = Number(v);
      }
      names.push(s.name);
      ys.push(col);
    }
  }
  return { xs, names, ys };
}
