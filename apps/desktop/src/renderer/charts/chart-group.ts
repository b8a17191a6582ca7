// Charts that move together: one crosshair (uPlot's cursor.sync), one x range (a drag
// zooms every chart, a double-click resets them all), and one redraw queue that spreads
// data updates over animation frames so that twelve charts updating each second never
// make one long frame.

import type uPlot from 'uplot';

let groups = 0;

/** What the x axis shows when nobody has zoomed. */
export type XMode = { kind: 'live'; windowSec: number } | { kind: 'fixed'; fromSec: number; toSec: number };

interface Member {
  readonly u: uPlot | undefined;
  /** Applies its pending data; returns false when there was nothing to do. */
  flush(): boolean;
}

/** Frame budget for redraws: past it, the rest waits for the next frame. */
const FRAME_BUDGET_MS = 6;

export class ChartGroup {
  readonly syncKey = `hostview-${++groups}`;
  private zoom: [number, number] | null = null;
  private readonly members = new Set<Member>();
  private readonly pending = new Set<Member>();
  private frame = 0;

  constructor(public xMode: XMode) {}

  get zoomed(): boolean {
    return this.zoom !== null;
  }

  add(m: Member): void {
    this.members.add(m);
  }

  remove(m: Member): void {
    this.members.delete(m);
    this.pending.delete(m);
  }

  /** uPlot's x range function: the zoom, else the live window ending at the newest point, else the picked range. */
  xRange(_dataMin: number | null, dataMax: number | null): [number, number] {
    if (this.zoom) return this.zoom;
    if (this.xMode.kind === 'fixed') return [this.xMode.fromSec, this.xMode.toSec];
    const max = dataMax ?? Date.now() / 1000;
    return [max - this.xMode.windowSec, max];
  }

  zoomTo(min: number, max: number): void {
    if (!(max > min)) return;
    this.zoom = [min, max];
    this.applyX();
  }

  resetZoom(): void {
    this.zoom = null;
    this.applyX();
  }

  setMode(mode: XMode): void {
    this.xMode = mode;
    this.zoom = null;
  }

  private applyX(): void {
    for (const m of this.members) {
      const u = m.u;
      if (!u) continue;
      const xs = u.data[0];
      // The values are only a hint: the range function decides (see xRange).
      u.setScale('x', { min: xs[0] ?? 0, max: xs[xs.length - 1] ?? 1 });
    }
  }

  /** Queues a member's redraw for the next animation frame(s). */
  schedule(m: Member): void {
    this.pending.add(m);
    this.frame ||= requestAnimationFrame(this.drain);
  }

  private readonly drain = (): void => {
    this.frame = 0;
    const t0 = performance.now();
    for (const m of this.pending) {
      this.pending.delete(m);
      m.flush();
      if (performance.now() - t0 > FRAME_BUDGET_MS) break;
    }
    reportFrameWork(performance.now() - t0);
    if (this.pending.size > 0) this.frame = requestAnimationFrame(this.drain);
  };

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.pending.clear();
    this.members.clear();
  }
}

/**
 * The benchmark (bench/host-frames.bench.ts) puts an array at window.__hostviewFrameWork
 * to collect the milliseconds each redraw frame took; without it this does nothing.
 */
function reportFrameWork(ms: number): void {
  (window as { __hostviewFrameWork?: number[] }).__hostviewFrameWork?.push(ms);
}
