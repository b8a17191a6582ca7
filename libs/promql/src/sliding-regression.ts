// deriv and predict_linear over all steps of one series in time linear in samples plus
// steps: the least-squares sums of a window are slid from the step before (the samples
// that left subtracted, those that entered added) instead of summed afresh over the whole
// window (a 6 h window of a 10 s scrape is 2,160 samples at each of 1,440 steps).
//
// Sliding changes the floats (not the answer beyond rounding): upstream sums raw values
// against times relative to the evaluation time, and its covariance is the difference of
// two sums near n * |t| * |v| (1e4 s * 1e10 bytes): catastrophic cancellation for a flat
// series, which Kahan sums only partly repair. Here every time and value is taken relative
// to an anchor sample inside or next to the window (so the two terms of the covariance are
// of the size of the window's own spread, not of the values' offset), the sums are
// compensated (Neumaier) on add and on remove, and they are recomputed from scratch at a
// new anchor as soon as as many samples have left as the window held at the last anchor,
// or the anchor lies further before the window than the window is long: the anchor never
// drifts far, and the recomputation costs O(1) per sample that left. The result is at
// least as close to the exact regression as upstream's (sliding-regression.test.ts checks
// both against each other on random series: flat, linear, noisy, offsets up to 1e12).
// Windows whose values are all equal give upstream's exact [0, value] (found by counting
// value changes); series holding NaN or an infinity, values large enough to overflow, and
// windows that move back go window by window through upstream's loop.

import { linearRegression, sumsStayFinite } from './functions/index.ts';
import type { SeriesWindows } from './sliding-windows.ts';

/** Values and time spans below these keep every product and sum far from overflow. */
const MAX_ABS_Y = 1e100;
const MAX_SPAN_MS = 1e15;

export function slidingRegression(s: SeriesWindows, predict: boolean): boolean {
  const { ts, vs, n } = s.p;
  let maxAbsY = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(vs[i]);
    // NaN fails a > ..., so test it explicitly: it and infinities go the exact way.
    if (a !== a || a === Infinity) return exactRegression(s, predict, a === Infinity);
    if (a > maxAbsY) maxAbsY = a;
  }
  if (!s.w.forward || maxAbsY > MAX_ABS_Y || (n > 0 && ts[n - 1] - ts[0] > MAX_SPAN_MS)) return exactRegression(s, predict, false);
  s.tick(n);
  // changes[i]: how many j in (0, i] have vs[j] !== vs[j - 1]; a window [a, b) is constant
  // when none of its values differs from the one before it, i.e. changes[b-1] === changes[a].
  const changes = new Int32Array(n);
  for (let i = 1; i < n; i++) changes[i] = changes[i - 1] + (vs[i] !== vs[i - 1] ? 1 : 0);
  const { lo, hi } = s.w;
  const q = s.args[0];
  // Sums over the window of dx = ts - t0 (ms), dy = vs - y0, dx*dy, dx*dx, each with its
  // Neumaier compensation (c*).
  let t0 = 0;
  let y0 = 0;
  let sx = 0;
  let cx = 0;
  let sy = 0;
  let cy = 0;
  let sxy = 0;
  let cxy = 0;
  let sxx = 0;
  let cxx = 0;
  let from = 0;
  let to = 0;
  let anchored = false;
  // Samples that left since the anchor was set, and how many the window held then.
  let left = 0;
  let anchorWidth = 0;
  for (let i = 0; i < lo.length; i++) {
    const a = lo[i];
    const b = hi[i];
    if (b - a < 2) continue;
    const span = ts[b - 1] - ts[a];
    if (!anchored || a >= to || left + (a - from) >= anchorWidth || ts[a] - t0 > span) {
      // A fresh anchor: the window's middle sample.
      s.tick(b - a);
      const m = (a + b) >>> 1;
      t0 = ts[m];
      y0 = vs[m];
      sx = cx = sy = cy = sxy = cxy = sxx = cxx = 0;
      for (let j = a; j < b; j++) {
        const dx = ts[j] - t0;
        const dy = vs[j] - y0;
        let t = sx + dx;
        cx += Math.abs(sx) >= Math.abs(dx) ? sx - t + dx : dx - t + sx;
        sx = t;
        t = sy + dy;
        cy += Math.abs(sy) >= Math.abs(dy) ? sy - t + dy : dy - t + sy;
        sy = t;
        const xy = dx * dy;
        t = sxy + xy;
        cxy += Math.abs(sxy) >= Math.abs(xy) ? sxy - t + xy : xy - t + sxy;
        sxy = t;
        const xx = dx * dx;
        t = sxx + xx;
        cxx += Math.abs(sxx) >= Math.abs(xx) ? sxx - t + xx : xx - t + sxx;
        sxx = t;
      }
      anchored = true;
      left = 0;
      anchorWidth = b - a;
    } else {
      s.tick(1 + (a - from) + (b - to));
      left += a - from;
      // Removing a sample is adding its negated terms.
      for (let pass = 0; pass < 2; pass++) {
        const j0 = pass === 0 ? from : to;
        const j1 = pass === 0 ? a : b;
        const sign = pass === 0 ? -1 : 1;
        for (let j = j0; j < j1; j++) {
          const dx = sign * (ts[j] - t0);
          const ey = vs[j] - y0;
          const dy = sign * ey;
          let t = sx + dx;
          cx += Math.abs(sx) >= Math.abs(dx) ? sx - t + dx : dx - t + sx;
          sx = t;
          t = sy + dy;
          cy += Math.abs(sy) >= Math.abs(dy) ? sy - t + dy : dy - t + sy;
          sy = t;
          const xy = dx * ey;
          t = sxy + xy;
          cxy += Math.abs(sxy) >= Math.abs(xy) ? sxy - t + xy : xy - t + sxy;
          sxy = t;
          const xx = dx * (ts[j] - t0);
          t = sxx + xx;
          cxx += Math.abs(sxx) >= Math.abs(xx) ? sxx - t + xx : xx - t + sxx;
          sxx = t;
        }
      }
    }
    from = a;
    to = b;
    const count = b - a;
    // Upstream's time origin: the evaluation time for predict_linear, the first sample for deriv.
    const origin = predict ? s.evalTimes[i] : ts[a];
    let slope: number;
    let intercept: number;
    if (changes[b - 1] === changes[a]) {
      slope = 0;
      intercept = vs[a];
    } else {
      const mx = (sx + cx) / count;
      const my = (sy + cy) / count;
      const cov = sxy + cxy - mx * (sy + cy);
      const varX = sxx + cxx - mx * (sx + cx);
      if (!(varX > 0) || !Number.isFinite(cov)) {
        // Cannot happen for distinct timestamps and bounded values; upstream's loop if it does.
        [slope, intercept] = linearRegression(ts, vs, a, b, origin, false);
      } else {
        // Per ms to per second; the mean point (t0 + mx, y0 + my) lies on the line. (t0 -
        // origin first: both whole ms, so exact, where t0 + mx would round at 1.7e12 ms.)
        slope = (cov / varX) * 1e3;
        intercept = y0 + my - (slope * (t0 - origin + mx)) / 1e3;
      }
    }
    s.values[i] = predict ? slope * q[i] + intercept : slope;
    s.has[i] = 1;
  }
  return true;
}

/**
 * Upstream's regression window by window (NaN, infinities, huge values, windows moving
 * back): a series holding an infinity is left to the step-by-step path (returns false).
 */
function exactRegression(s: SeriesWindows, predict: boolean, infinite: boolean): boolean {
  if (infinite) return false;
  const { ts, vs, n } = s.p;
  let maxAbsY = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(vs[i]);
    if (a > maxAbsY) maxAbsY = a;
  }
  const { lo, hi } = s.w;
  for (let i = 0; i < lo.length; i++) {
    const a = lo[i];
    const b = hi[i];
    s.tick(1 + b - a);
    if (b - a < 2) continue;
    const at = predict ? s.evalTimes[i] : ts[a];
    const [slope, intercept] = linearRegression(ts, vs, a, b, at, sumsStayFinite(ts, a, b, at, maxAbsY));
    s.values[i] = predict ? slope * s.args[0][i] + intercept : slope;
    s.has[i] = 1;
  }
  return true;
}
