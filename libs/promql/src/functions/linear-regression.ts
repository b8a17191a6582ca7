// `linearRegression` of promql/functions.go (deriv, predict_linear): the least-squares
// slope per second and the intercept at `interceptTime`, with Kahan-compensated sums, step
// for step as upstream computes them, since answers are compared bit for bit.

/**
 * Over samples [lo, hi) of ts/vs. A constant series has slope 0 exactly (NaN if the
 * constant is infinite), which keeps deriv() of a flat line free of rounding noise.
 * `noOverflow` says the caller checked that no sum can reach an infinity (see
 * `sumsStayFinite`): the compensation then never has to be reset, and the loop leaves
 * out that test, which gives the same floats a third faster.
 */
export function linearRegression(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  interceptTime: number,
  noOverflow: boolean,
): [number, number] {
  const n = hi - lo;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = vs[lo];
  let constY = true;
  // kahanSumInc written out four times: the same operations in the same order, without a
  // pair returned per addition (this loop runs once per sample of every window).
  if (noOverflow) {
    for (let i = lo; i < hi; i++) {
      const y = vs[i];
      if (constY && i > lo && y !== initY) constY = false;
      const x = (ts[i] - interceptTime) / 1e3;
      let t = sumX + x;
      cX += Math.abs(sumX) >= Math.abs(x) ? sumX - t + x : x - t + sumX;
      sumX = t;
      t = sumY + y;
      cY += Math.abs(sumY) >= Math.abs(y) ? sumY - t + y : y - t + sumY;
      sumY = t;
      const xy = x * y;
      t = sumXY + xy;
      cXY += Math.abs(sumXY) >= Math.abs(xy) ? sumXY - t + xy : xy - t + sumXY;
      sumXY = t;
      const x2 = x * x;
      t = sumX2 + x2;
      cX2 += Math.abs(sumX2) >= Math.abs(x2) ? sumX2 - t + x2 : x2 - t + sumX2;
      sumX2 = t;
    }
  } else {
    for (let i = lo; i < hi; i++) {
      const y = vs[i];
      if (constY && i > lo && y !== initY) constY = false;
      const x = (ts[i] - interceptTime) / 1e3;
      let t = sumX + x;
      if (t === Infinity || t === -Infinity) cX = 0;
      else if (Math.abs(sumX) >= Math.abs(x)) cX += sumX - t + x;
      else cX += x - t + sumX;
      sumX = t;
      t = sumY + y;
      if (t === Infinity || t === -Infinity) cY = 0;
      else if (Math.abs(sumY) >= Math.abs(y)) cY += sumY - t + y;
      else cY += y - t + sumY;
      sumY = t;
      const xy = x * y;
      t = sumXY + xy;
      if (t === Infinity || t === -Infinity) cXY = 0;
      else if (Math.abs(sumXY) >= Math.abs(xy)) cXY += sumXY - t + xy;
      else cXY += xy - t + sumXY;
      sumXY = t;
      const x2 = x * x;
      t = sumX2 + x2;
      if (t === Infinity || t === -Infinity) cX2 = 0;
      else if (Math.abs(sumX2) >= Math.abs(x2)) cX2 += sumX2 - t + x2;
      else cX2 += x2 - t + sumX2;
      sumX2 = t;
    }
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

/** Far below the largest double, so that rounding on the way cannot reach it either. */
const SAFE_SUM = 1e300;

/**
 * Whether no sum of linearRegression over samples [lo, hi) can overflow: every |x| is at
 * most the larger distance of the first or last sample from interceptTime (timestamps
 * ascend), every |y| at most `maxAbsY` (the caller's bound over finite values: a series
 * holding an infinity must not come here), so each sum is bounded by n times its largest term.
 */
export function sumsStayFinite(ts: Float64Array, lo: number, hi: number, interceptTime: number, maxAbsY: number): boolean {
  const n = hi - lo;
  const x = Math.max(Math.abs(ts[lo] - interceptTime), Math.abs(ts[hi - 1] - interceptTime)) / 1e3;
  const largest = Math.max(x, maxAbsY, x * maxAbsY, x * x);
  return n * largest < SAFE_SUM;
}
