// Float arithmetic shared by the aggregation operators and the *_over_time functions.
// Each piece follows one upstream Prometheus routine step for step, because results are
// compared bit for bit (`avg(x) == 52` in the corpus relies on the exact summation order).

/**
 * Kahan–Neumaier compensated addition: mirrors `kahansum.Inc` (util/kahansum).
 * Returns the new running sum and compensation; the caller adds them at the end.
 */
export function kahanSumInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) {
    // Once the sum is infinite the compensation is meaningless (it would become NaN).
    c = 0;
  } else if (Math.abs(sum) >= Math.abs(inc)) {
    c += sum - t + inc;
  } else {
    c += inc - t + sum;
  }
  return [t, c];
}

/**
 * The `sum` aggregator over floats: mirrors the SUM case of `evaluator.aggregation`
 * (promql/engine.go): the first value seeds the sum, later ones go through kahanSumInc,
 * and the compensation is added once at the end.
 */
export class SumAccumulator {
  private sum = 0;
  private c = 0;
  private count = 0;

  add(v: number): void {
    if (this.count++ === 0) {
      this.sum = v;
      return;
    }
    [this.sum, this.c] = kahanSumInc(v, this.sum, this.c);
  }

  value(): number {
    return this.sum + this.c;
  }
}

/**
 * Mean of floats, used by the `avg` aggregator (AVG case of `evaluator.aggregation`) and
 * by `avg_over_time` (`funcAvgOverTime`); both run the same algorithm: a Kahan-compensated
 * direct sum while it stays finite, switching for good to an incremental mean (also
 * compensated) at the first value that would overflow the sum. Direct summation is kept
 * as long as possible because it is the more accurate of the two (prometheus#16714).
 */
export class AverageAccumulator {
  private count = 0;
  private sum = 0;
  private mean = 0;
  private c = 0;
  private incremental = false;

  add(v: number): void {
    this.count++;
    if (this.count === 1) {
      this.sum = v;
      this.mean = v;
      return;
    }
    const count = this.count;
    if (!this.incremental) {
      const [newSum, newC] = kahanSumInc(v, this.sum, this.c);
      if (newSum !== Infinity && newSum !== -Infinity) {
        this.sum = newSum;
        this.c = newC;
        return;
      }
      this.incremental = true;
      this.mean = this.sum / (count - 1);
      this.c /= count - 1;
    }
    const q = (count - 1) / count;
    [this.mean, this.c] = kahanSumInc(v / count, q * this.mean, q * this.c);
  }

  /** NaN when nothing was added (callers emit no sample in that case). */
  value(): number {
    if (this.count === 0) return NaN;
    if (this.incremental) return this.mean + this.c;
    return this.sum / this.count + this.c / this.count;
  }
}

/**
 * Population variance as the `stdvar`/`stddev` aggregators compute it (STDVAR/STDDEV cases
 * of `evaluator.aggregation`): Welford's update without compensation. A first value that is
 * NaN or ±Inf makes the result NaN even when it is the only value, as upstream seeds the
 * accumulated squares with NaN in that case.
 */
export class VarianceAccumulator {
  private count = 0;
  private mean = 0;
  private m2 = 0;

  add(v: number): void {
    this.count++;
    if (this.count === 1) {
      this.mean = v;
      this.m2 = Number.isFinite(v) ? 0 : NaN;
      return;
    }
    const delta = v - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (v - this.mean);
  }

  variance(): number {
    return this.count === 0 ? NaN : this.m2 / this.count;
  }

  stddev(): number {
    return Math.sqrt(this.variance());
  }
}

/** Population variance, `stdvar` aggregator semantics (see VarianceAccumulator). */
export function stdvar(values: ArrayLike<number>): number {
  const acc = new VarianceAccumulator();
  for (let i = 0; i < values.length; i++) acc.add(values[i]);
  return acc.variance();
}

/** Population standard deviation, `stddev` aggregator semantics. */
export function stddev(values: ArrayLike<number>): number {
  return Math.sqrt(stdvar(values));
}

/**
 * Population variance as `stdvar_over_time`/`stddev_over_time` compute it
 * (`varianceOverTime` in promql/functions.go): Welford's update with both the mean and the
 * accumulated squares Kahan-compensated. Differs in the last bits from `stdvar`, and has no
 * special case for a leading ±Inf. NaN for an empty input.
 */
export function compensatedVariance(values: ArrayLike<number>, n: number = values.length): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    count++;
    const delta = v - (mean + cMean);
    [mean, cMean] = kahanSumInc(delta / count, mean, cMean);
    [aux, cAux] = kahanSumInc(delta * (v - (mean + cMean)), aux, cAux);
  }
  return (aux + cAux) / count;
}

/**
 * The φ-quantile of a set of values with linear interpolation between the closest ranks:
 * mirrors `quantile` (promql/quantile.go), used by the `quantile` aggregator,
 * `quantile_over_time` and `mad_over_time`. NaN for no values or a NaN φ, -Inf for φ < 0,
 * +Inf for φ > 1. NaN values sort first, so they are the lowest quantiles. The input is
 * not modified.
 */
export function quantile(q: number, values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0 || q !== q) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  // A typed-array sort is native and numeric; it puts NaNs last, upstream ranks them first.
  const sorted = Float64Array.from(values).sort();
  let nans = 0;
  while (nans < n && sorted[n - 1 - nans] !== sorted[n - 1 - nans]) nans++;
  if (nans === 0) return sortedQuantile(q, sorted, n);
  const at = (rank: number) => (rank < nans ? NaN : sorted[rank - nans]);
  const rank = q * (n - 1);
  const lowerIndex = Math.max(0, Math.floor(rank));
  const upperIndex = Math.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  return at(lowerIndex) * (1 - weight) + at(upperIndex) * weight;
}

/** `quantile` of the first n values of an ascending array without NaNs, 0 <= q <= 1. */
export function sortedQuantile(q: number, sorted: Float64Array, n: number): number {
  const rank = q * (n - 1);
  const lowerIndex = Math.max(0, Math.floor(rank));
  const upperIndex = Math.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lowerIndex] * (1 - weight) + sorted[upperIndex] * weight;
}

/** One step of the `max` aggregator and `max_over_time`: a NaN so far is always replaced. */
export function maxStep(acc: number, v: number): number {
  return acc < v || acc !== acc ? v : acc;
}

/** One step of the `min` aggregator and `min_over_time`: a NaN so far is always replaced. */
export function minStep(acc: number, v: number): number {
  return acc > v || acc !== acc ? v : acc;
}
