// One uPlot time-series chart in a panel: created once, then fed with setData (a new
// range) or appended to (live). The uPlot instance is only recreated when the set of
// series changes, never for new points. The panel carries read-only data-* attributes
// (points, last x, step) that tests read and that cost nothing in production.

import uPlot from 'uplot';
import { h } from '../shell/view.ts';
import type { ChartGroup } from './chart-group.ts';
import type { Column, Columns } from './columns.ts';
import { formatValue, type Unit } from './format.ts';
import './charts.css';

const PALETTE = ['#2f6fed', '#1f9d55', '#d93025', '#c77c02', '#8e44ad', '#0f9aa8', '#e8590c', '#5c7080', '#b5179e', '#6a994e'];
const HEIGHT = 180;

export interface ChartSpec {
  title: string;
  unit: Unit;
  /** Fixed y minimum (0 for most metrics) and, for percentages, maximum. */
  yMin?: number;
  yMax?: number;
}

export class TimeSeriesChart {
  readonly el: HTMLElement;
  private readonly plot: HTMLElement;
  private readonly note: HTMLElement;
  private uplot: uPlot | undefined;
  private names: string[] = [];
  private xs: number[] = [];
  private ys: Column[] = [];
  private dirty = false;
  private resized = false;
  private readonly resize: ResizeObserver;

  constructor(
    parent: HTMLElement,
    readonly spec: ChartSpec,
    private readonly group: ChartGroup,
  ) {
    this.plot = h('div', { class: 'chart-plot' });
    this.note = h('div', { class: 'chart-note muted' });
    this.el = h(
      'section',
      { class: 'panel chart', 'data-chart': spec.title, 'data-points': '0' },
      h('h2', { text: spec.title }),
      this.plot,
      this.note,
    );
    parent.append(this.el);
    group.add(this);
    // Follows the panel's width (window resizes, grid reflows). Height changes (the legend
    // wrapping) are ignored, and the redraw goes through the group's frame queue so that
    // twelve charts resizing at once do not make one long frame.
    this.resize = new ResizeObserver(() => {
      if (this.uplot && this.width() !== this.uplot.width) {
        this.resized = true;
        this.group.schedule(this);
      }
    });
    this.resize.observe(this.plot);
  }

  get u(): uPlot | undefined {
    return this.uplot;
  }

  private width(): number {
    return Math.max(200, this.plot.clientWidth || 400);
  }

  /** Replaces all data (a new range). Recreates uPlot only if the series differ. */
  setColumns(c: Columns, stepMs: number): void {
    this.el.dataset.step = String(stepMs / 1000);
    this.note.textContent = c.names.length === 0 ? 'No data for this host in this range.' : '';
    this.xs = c.xs;
    this.ys = c.ys;
    if (!this.uplot || !sameNames(this.names, c.names)) {
      this.uplot?.destroy();
      this.names = c.names;
      this.uplot = new uPlot(this.options(), this.aligned(), this.plot);
      this.updateDebug();
      return;
    }
    this.dirty = true;
    this.group.schedule(this);
  }

  /**
   * Appends newer grid points (live) and drops those older than the window. A series that
   * appears mid-stream (a disk mounted, an interface up) joins with gaps before it.
   */
  append(c: Columns, windowSec: number): void {
    if (c.xs.length === 0) return;
    const added = c.names.filter((n) => !this.names.includes(n));
    if (added.length) {
      this.names = [...this.names, ...added];
      for (let k = 0; k < added.length; k++) this.ys.push(new Array<number | null>(this.xs.length).fill(null));
    }
    const last = this.xs.length ? this.xs[this.xs.length - 1] : -Infinity;
    const index = new Map(c.names.map((n, i) => [n, i]));
    for (let i = 0; i < c.xs.length; i++) {
      if (c.xs[i] <= last) continue;
      this.xs.push(c.xs[i]);
      for (let s = 0; s < this.names.length; s++) {
        const from = index.get(this.names[s]);
        this.ys[s].push(from === undefined ? null : c.ys[from][i]);
      }
    }
    const cutoff = this.xs[this.xs.length - 1] - windowSec;
    let drop = 0;
    while (drop < this.xs.length && this.xs[drop] < cutoff) drop++;
    if (drop > 0) {
      this.xs.splice(0, drop);
      for (const y of this.ys) y.splice(0, drop);
    }
    if (added.length) {
      // uPlot's series are fixed at creation: a new one means a new plot.
      this.note.textContent = '';
      this.uplot?.destroy();
      this.uplot = new uPlot(this.options(), this.aligned(), this.plot);
      this.updateDebug();
      return;
    }
    this.dirty = true;
    this.group.schedule(this);
  }

  /** Called by the group inside an animation frame: one synchronous redraw. */
  flush(): boolean {
    if ((!this.dirty && !this.resized) || !this.uplot) return false;
    const u = this.uplot;
    // batch() commits synchronously, so the redraw happens here and not in a later microtask.
    u.batch(() => {
      if (this.resized) u.setSize({ width: this.width(), height: HEIGHT });
      if (this.dirty) u.setData(this.aligned(), true);
    });
    this.dirty = false;
    this.resized = false;
    this.updateDebug();
    return true;
  }

  lastX(): number | undefined {
    return this.xs.length ? this.xs[this.xs.length - 1] : undefined;
  }

  private aligned(): uPlot.AlignedData {
    return [this.xs, ...this.ys] as uPlot.AlignedData;
  }

  private updateDebug(): void {
    this.el.dataset.points = String(this.xs.length);
    this.el.dataset.lastX = String(this.lastX() ?? '');
  }

  private options(): uPlot.Options {
    const { unit, yMin, yMax } = this.spec;
    const group = this.group;
    const fmt = (v: number | null) => formatValue(v, unit);
    return {
      width: this.width(),
      height: HEIGHT,
      cursor: {
        sync: { key: group.syncKey, setSeries: false },
        drag: { x: true, y: false, setScale: false },
        // Double-click resets the whole group (uPlot's own reset would only reset this chart).
        bind: { dblclick: () => () => null },
      },
      legend: { live: true },
      scales: {
        x: { time: true, range: (_u, min, max) => group.xRange(min, max) },
        y: {
          range: (_u, min, max): uPlot.Range.MinMax => {
            const lo = yMin ?? Math.min(min ?? 0, 0);
            let hi = yMax !== undefined ? Math.max(yMax, max ?? 0) : (max ?? 1);
            if (!(hi > lo)) hi = lo + 1;
            return [lo, yMax !== undefined ? hi : hi + (hi - lo) * 0.05];
          },
        },
      },
      axes: [
        { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.15)' }, ticks: { show: false } },
        // Wide enough for the longest label ("95.4 MiB/s"): ~7 px a character at 12 px.
        {
          stroke: 'currentColor',
          size: (_u, values) => 16 + 7 * Math.max(3, ...(values ?? []).map((v) => String(v).length)),
          grid: { stroke: 'rgba(128,128,128,0.15)' },
          ticks: { show: false },
          values: (_u, splits) => splits.map(fmt),
        },
      ],
      series: [
        {},
        ...this.names.map((name, i) => ({
          label: name,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.25,
          value: (_u: uPlot, v: number | null) => fmt(v),
          spanGaps: false,
          points: { show: false },
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 3) return;
            const min = u.posToVal(u.select.left, 'x');
            const max = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            group.zoomTo(min, max);
          },
        ],
        // The x range shown, as attributes: tests check that zoom moves every chart.
        setScale: [
          (u, key) => {
            if (key !== 'x') return;
            this.el.dataset.xMin = String(u.scales.x.min);
            this.el.dataset.xMax = String(u.scales.x.max);
          },
        ],
        ready: [
          (u) => {
            u.over.addEventListener('dblclick', () => group.resetZoom());
          },
        ],
      },
    };
  }

  destroy(): void {
    this.resize.disconnect();
    this.group.remove(this);
    this.uplot?.destroy();
    this.uplot = undefined;
  }
}

function sameNames(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
