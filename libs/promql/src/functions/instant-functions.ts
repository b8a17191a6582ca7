// Elementwise functions of an instant vector's float samples (upstream's `simpleFloatFunc`
// family, `funcRound`, `clamp` and `dateWrapper` in promql/functions.go). Label handling
// (dropping __name__) is the engine's.

import { civilTime, daysInMonth } from './civil-time.ts';

/** Elementwise float functions: value -> value (undefined drops the sample). `args` are scalar args (round's to_nearest, clamp's min/max). */
export type InstantFunction = (v: number, args: readonly number[]) => number | undefined;

// Go's Frexp: x = frac × 2^exp with |frac| in [0.5, 1), for finite non-zero x.
const frexpView = new DataView(new ArrayBuffer(8));
function frexp(x: number): [number, number] {
  let scale = 0;
  if (Math.abs(x) < 2.2250738585072014e-308) {
    x *= 2 ** 52;
    scale = -52;
  }
  frexpView.setFloat64(0, x);
  const hi = frexpView.getUint32(0);
  const exp = ((hi >>> 20) & 0x7ff) - 1022 + scale;
  frexpView.setUint32(0, (hi & 0x800fffff) | (1022 << 20));
  return [frexpView.getFloat64(0), exp];
}

/** Go's math.Log2, which is exact at powers of two and can differ from Math.log2 elsewhere. */
function log2(x: number): number {
  if (!(x > 0) || x === Infinity) return Math.log(x) * Math.LOG2E;
  const [frac, exp] = frexp(x);
  if (frac === 0.5) return exp - 1;
  return Math.log(frac) * Math.LOG2E + exp;
}

/** Go's math.Log10 is ln(x)·(1/ln 10), not a correctly rounded log10 (log10(1000) < 3 there). */
function log10(x: number): number {
  return Math.log(x) * Math.LOG10E;
}

function unary(f: (v: number) => number): InstantFunction {
  return (v) => f(v);
}

/** Go's math.Max: +Inf wins even over NaN, otherwise NaN wins; +0 beats -0. */
export function goMax(x: number, y: number): number {
  if (x === Infinity || y === Infinity) return Infinity;
  return Math.max(x, y);
}

/** Go's math.Min: -Inf wins even over NaN, otherwise NaN wins; -0 beats +0. */
export function goMin(x: number, y: number): number {
  if (x === -Infinity || y === -Infinity) return -Infinity;
  return Math.min(x, y);
}

/** clamp(v, min, max) = max(min, min(max, v)), and no sample at all when min > max. */
function clamp(v: number, min: number, max: number): number | undefined {
  if (max < min) return undefined;
  return goMax(min, goMin(max, v));
}

const table: Record<string, InstantFunction> = {
  abs: unary(Math.abs),
  ceil: unary(Math.ceil),
  floor: unary(Math.floor),
  exp: unary(Math.exp),
  sqrt: unary(Math.sqrt),
  ln: unary(Math.log),
  log2: unary(log2),
  log10: unary(log10),
  // -1, 0 or 1; ±0 and NaN are returned as they are.
  sgn: unary((v) => (v < 0 ? -1 : v > 0 ? 1 : v)),
  // Ties round up (toward +Inf). Multiplying by the inverse of to_nearest, not dividing,
  // is upstream's choice for fewer representation errors with decimal fractions.
  round: (v, args) => {
    const toNearestInverse = 1 / (args[0] ?? 1);
    return Math.floor(v * toNearestInverse + 0.5) / toNearestInverse;
  },
  clamp: (v, args) => clamp(v, args[0], args[1]),
  clamp_min: (v, args) => clamp(v, args[0], Infinity),
  clamp_max: (v, args) => clamp(v, -Infinity, args[0]),

  sin: unary(Math.sin),
  cos: unary(Math.cos),
  tan: unary(Math.tan),
  asin: unary(Math.asin),
  acos: unary(Math.acos),
  atan: unary(Math.atan),
  sinh: unary(Math.sinh),
  cosh: unary(Math.cosh),
  tanh: unary(Math.tanh),
  asinh: unary(Math.asinh),
  acosh: unary(Math.acosh),
  atanh: unary(Math.atanh),
  deg: unary((v) => (v * 180) / Math.PI),
  rad: unary((v) => (v * Math.PI) / 180),

  day_of_month: unary((v) => civilTime(v).day),
  day_of_week: unary((v) => civilTime(v).weekday),
  day_of_year: unary((v) => civilTime(v).dayOfYear),
  days_in_month: unary((v) => {
    const t = civilTime(v);
    return daysInMonth(t.year, t.month);
  }),
  hour: unary((v) => civilTime(v).hour),
  minute: unary((v) => civilTime(v).minute),
  month: unary((v) => civilTime(v).month),
  year: unary((v) => civilTime(v).year),
};

export const INSTANT_FUNCTIONS: Readonly<Record<string, InstantFunction>> = Object.freeze(table);

/** Functions of two scalars (min_of, max_of), with Go's math.Min/math.Max semantics. */
export type ScalarFunction = (a: number, b: number) => number;

export const SCALAR_FUNCTIONS: Readonly<Record<string, ScalarFunction>> = Object.freeze({
  min_of: goMin,
  max_of: goMax,
});
