// rate and increase of one counter series from its rollup buckets, at every step of a
// query in one pass: the floats the per-window bucket function (rollup-functions.ts) gives,
// without a function call, a window object or a search per step. A day at a 60 s step over
// 1,400 CPU counters is two million windows, so the loop is the query's hot spot.
//
// Counts come from prefix sums (whole numbers, exact); a window's increase is last minus
// first plus the non-zero correction terms inside it (values before resets, inside buckets
// and at seams) added in the order increaseOver adds them. Terms are rare, so they are
// listed once per series and a cursor walks them as the windows move forward.

import { COUNT, FIRST, FIRST_OFFSET, LAST, LAST_OFFSET, RESETS, type RollupBuckets } from '@metrics-hub/wire';

// Scratch reused from series to series (a query evaluates one series at a time).
let prefix = new Float64Array(0);
let termAt = new Int32Array(0);
let termValue = new Float64Array(0);
let termSeam = new Uint8Array(0);

/** Lists the series' prefix counts and correction terms in the scratch arrays; returns the number of terms. */
function prepare(b: RollupBuckets): number {
  const n = b.length;
  if (prefix.length < n + 1) {
    prefix = new Float64Array(2 * n + 1);
    termAt = new Int32Array(2 * n);
    termValue = new Float64Array(2 * n);
    termSeam = new Uint8Array(2 * n);
  }
  const counts = b.columns[COUNT];
  const resets = b.columns[RESETS];
  const first = b.columns[FIRST];
  const last = b.columns[LAST];
  let terms = 0;
  let p = 0;
  prefix[0] = 0;
  for (let i = 0; i < n; i++) {
    p += counts[i];
    prefix[i + 1] = p;
    const r = resets[i];
    if (r !== 0) {
      termAt[terms] = i;
      termValue[terms] = r;
      termSeam[terms++] = 0;
    }
    // A seam's term: the counter went down between buckets (increaseOver skips it at a window's first bucket).
    if (i > 0 && first[i] < last[i - 1] && last[i - 1] !== 0) {
      termAt[terms] = i;
      termValue[terms] = last[i - 1];
      termSeam[terms++] = 1;
    }
  }
  return terms;
}

/**
 * Writes rate (`isRate`) or increase of buckets [from[i], to[i]) for each step i ending at
 * ends[i] into values/has, leaving steps with fewer than two samples untouched. Windows
 * may move in any order; forward is the fast way.
 */
export function extrapolatedSteps(
  b: RollupBuckets,
  from: Int32Array,
  to: Int32Array,
  ends: Float64Array,
  rangeMs: number,
  isRate: boolean,
  values: Float64Array,
  has: Uint8Array,
): void {
  const terms = prepare(b);
  const bEnds = b.ends;
  const first = b.columns[FIRST];
  const last = b.columns[LAST];
  const firstOffset = b.columns[FIRST_OFFSET];
  const lastOffset = b.columns[LAST_OFFSET];
  let k0 = 0;
  let prevFrom = 0;
  for (let i = 0; i < ends.length; i++) {
    const f = from[i];
    const t = to[i];
    if (t === f) continue;
    const count = prefix[t] - prefix[f];
    if (count < 2) continue;
    // The first term at or after bucket f.
    if (f < prevFrom) k0 = 0;
    prevFrom = f;
    while (k0 < terms && termAt[k0] < f) k0++;
    let correction = 0;
    for (let k = k0; k < terms && termAt[k] < t; k++) {
      if (termSeam[k] === 1 && termAt[k] === f) continue;
      correction += termValue[k];
    }
    // extrapolated() in rollup-functions.ts, written out: keep the two in step.
    const rangeEnd = ends[i];
    const rangeStart = rangeEnd - rangeMs;
    const firstT = bEnds[f] - firstOffset[f];
    const lastT = bEnds[t - 1] - lastOffset[t - 1];
    let result = last[t - 1] - first[f] + correction;
    let durationToStart = (firstT - rangeStart) / 1000;
    let durationToEnd = (rangeEnd - lastT) / 1000;
    const sampledInterval = (lastT - firstT) / 1000;
    const average = sampledInterval / (count - 1);
    const threshold = average * 1.1;
    if (durationToStart >= threshold) durationToStart = average / 2;
    const firstValue = first[f];
    let durationToZero = durationToStart;
    if (result > 0 && firstValue >= 0) durationToZero = sampledInterval * (firstValue / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
    if (durationToEnd >= threshold) durationToEnd = average / 2;
    let factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
    if (isRate) factor /= (rangeEnd - rangeStart) / 1000;
    result *= factor;
    values[i] = result;
    has[i] = 1;
  }
}
