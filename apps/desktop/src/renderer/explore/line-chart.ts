// A small uPlot line chart for Explore and the dashboards: mount once, feed columns,
// resize with its box. (The live host charts are another module's; this one draws query
// results that change only when the user runs a query again.)

import uPlot from 'uplot';
import type { Columns } from './matrix-columns.ts';

// Distinct hues that read on light and dark backgrounds; series cycle through them.
const PALETTE = ['#2f6fed', '#1f9d55', '#d93025', '#c77c02', '#8e44ad', '#00897b', '#e64a19', '#5c6bc0', '#7cb342', '#f06292'];

/** Beyond this many series a legend table costs more to build than it tells. */
const LEGEND_MAX = 20;

export interface LineChart {
  /** Replaces the data; `onDrawn` runs after uPlot has painted it (for timing). */
  setData(c: Columns, onDrawn?: () => void): void;
  destroy(): void;
}

export function createLineChart(host: HTMLElement, o: { height?: number; unit?: string } = {}): LineChart {
  let plot: uPlot | undefined;
  let shape = '';
  let drawn: (() => void) | undefined;
  const height = o.height ?? 320;
  const width = () => Math.max(200, host.clientWidth || 600);
  const fmt = (v: number | null) => (v === null ? '' : formatValue(v, o.unit));

  const build = (c: Columns) => {
    plot?.destroy();
    const series: uPlot.Series[] = [{}];
    c.names.forEach((label, i) => series.push({ label, stroke: PALETTE[i % PALETTE.length], width: 1, spanGaps: false, points: { show: false }, value: (_u, v) => fmt(v) }));
    plot = new uPlot(
      {
        width: width(),
        height,
        series,
        legend: { show: c.names.length <= LEGEND_MAX, live: c.names.length <= LEGEND_MAX },
        cursor: { points: { show: c.names.length <= LEGEND_MAX } },
        axes: [{ stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } }, { stroke: 'currentColor', size: 60, grid: { stroke: 'rgba(128,128,128,0.15)' }, values: (_u, vals) => vals.map((v) => fmt(v)) }],
        hooks: { draw: [() => { const d = drawn; drawn = undefined; d?.(); }] },
      },
      toAligned(c),
      host,
    );
    shape = `${c.names.join('\u0000')}`;
  };

  const resize = new ResizeObserver(() => plot?.setSize({ width: width(), height }));
  resize.observe(host);

  return {
    setData(c, onDrawn) {
      drawn = onDrawn;
      // The same series again (a refresh): setData keeps the plot and its DOM; new
      // series need new options, so the plot is rebuilt.
      if (plot && shape === c.names.join('\u0000')) plot.setData(toAligned(c));
      else build(c);
    },
    destroy() {
      resize.disconnect();
      plot?.destroy();
      plot = undefined;
    },
  };
}

function toAligned(c: Columns): uPlot.AlignedData {
  return [c.xs, ...c.ys] as unknown as uPlot.AlignedData;
}

/** Short numbers for axes and legends: 1.2k, 3.4M, and bytes/percent when the unit says so. */
export function formatValue(v: number, unit?: string): string {
  if (unit === 'percent') return `${v.toFixed(Math.abs(v) < 10 ? 1 : 0)}%`;
  const base = unit === 'bytes' || unit === 'bytes/s' ? 1024 : 1000;
  const suffixes = unit === 'bytes' || unit === 'bytes/s' ? ['B', 'KiB', 'MiB', 'GiB', 'TiB'] : ['', 'k', 'M', 'G', 'T'];
  let i = 0;
  let x = Math.abs(v);
  while (x >= base && i < suffixes.length - 1) {
    x /= base;
    i++;
  }
  const digits = x === 0 || x >= 100 || Number.isInteger(x) ? 0 : x >= 10 ? 1 : 2;
  const bytes = unit === 'bytes' || unit === 'bytes/s';
  const suffix = suffixes[i] ? (bytes ? ' ' : '') + suffixes[i] : '';
  return `${v < 0 ? '-' : ''}${x.toFixed(digits)}${suffix}${unit === 'bytes/s' ? '/s' : ''}`;
}
