// A small uPlot line chart for Explore and the dashboards: mount once, feed columns,
// resize with its box. (The live host charts are another module's; this one draws query
// results that change only when the user runs a query again.)

import uPlot from 'uplot';
import type { Columns } from './matrix-columns.ts';
import { formatValue, type Unit } from '../charts/format.ts';

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
  const unit: Unit = o.unit === 'bytes' || o.unit === 'bytes/s' || o.unit === 'percent' ? o.unit : 'count';
  const fmt = (v: number | null) => (v === null ? '' : formatValue(v, unit));

  const build = (c: Columns) => {
    plot?.destroy();
    const series: uPlot.Series[] = [{}];
    c.names.forEach((label, i) =>
      series.push({
        label,
        stroke: PALETTE[i % PALETTE.length],
        width: 1,
        spanGaps: false,
        points: { show: false },
        value: (_u, v) => fmt(v),
      }),
    );
    plot = new uPlot(
      {
        width: width(),
        height,
        series,
        legend: { show: c.names.length <= LEGEND_MAX, live: c.names.length <= LEGEND_MAX },
        cursor: { points: { show: c.names.length <= LEGEND_MAX } },
        axes: [
          { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' } },
          { stroke: 'currentColor', size: 60, grid: { stroke: 'rgba(128,128,128,0.15)' }, values: (_u, vals) => vals.map((v) => fmt(v)) },
        ],
        hooks: {
          draw: [
            () => {
              const d = drawn;
              drawn = undefined;
              d?.();
            },
          ],
        },
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
