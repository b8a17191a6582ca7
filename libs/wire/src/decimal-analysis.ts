import { HI, LO } from './float-bits.ts';

// Decimal analysis: which values are short decimals, at which exponent, and the integers
// that stand for them (see decimal-column.ts for how those are stored).

const MAX_EXPONENT = 15;
/** Literals, so encoder and decoder divide by exactly the same correctly rounded powers. */
export const POW10 = new Float64Array([1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15]);
/**
 * Bound on |n|: deltas stay below 2^51 and delta-of-deltas below 2^52, so every difference
 * the packer forms is an exact safe integer.
 */
export const INT_LIMIT = 2 ** 50;
const NOT_DECIMAL = MAX_EXPONENT + 1;
/** Rough cost of one exception (index and raw float) against one more digit on every value. */
const EXCEPTION_BITS = 76;
const DIGIT_BITS = 3.33;

/** Exceptions allowed before the column is better off as XOR. */
export function exceptionLimit(count: number): number {
  return count >>> 4;
}

/** The smallest e for which v is exactly n / 10^e with |n| <= 2^50, or NOT_DECIMAL. */
function minimalExponent(v: number): number {
  if (v === 0) return 1 / v > 0 ? 0 : NOT_DECIMAL;
  if (!(Math.abs(v) <= INT_LIMIT)) return NOT_DECIMAL;
  for (let e = 0; e <= MAX_EXPONENT; e++) {
    const p = POW10[e];
    const n = Math.round(v * p);
    if (!(Math.abs(n) <= INT_LIMIT)) return NOT_DECIMAL;
    if (n / p === v) return e;
  }
  return NOT_DECIMAL;
}

const histogram = new Int32Array(NOT_DECIMAL + 1);

/**
 * Given how many values need each minimal exponent (hist[NOT_DECIMAL]: none fits), picks the
 * exponent of the cheapest mix: values needing more digits become exceptions. Returns -1 when
 * every choice leaves more than `limit` exceptions.
 */
function chooseExponent(hist: Int32Array, limit: number, largest: number, count: number): number {
  let chosen = -1;
  let bestCost = Infinity;
  let above = hist[NOT_DECIMAL];
  for (let f = MAX_EXPONENT; f >= 0; f--) {
    if (above <= limit && f <= largest) {
      const cost = above * EXCEPTION_BITS + f * count * DIGIT_BITS;
      if (cost <= bestCost) {
        bestCost = cost;
        chosen = f;
      }
    }
    above += hist[f];
  }
  return chosen;
}

/**
 * Converts values to scaled integers in ints[0, count), listing the indexes that must be
 * exceptions in exc (whose ints repeat their neighbour so they cost nothing in the stream).
 * Returns null when too many values are not decimals.
 */
export function analyzeDecimal(
  values: Float64Array,
  count: number,
  ints: Float64Array,
  exc: Int32Array,
): { e: number; exceptions: number } | null {
  const limit = exceptionLimit(count);
  const hist = histogram;
  hist.fill(0);
  let notDecimal = 0;
  let e = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    // Most values have the precision of the values before them: two trials (at e, and at
    // e - 1 to prove e minimal) settle those. Fitting at some exponent implies fitting at
    // every larger one, so the histogram below records each value's minimal exponent.
    const p = POW10[e];
    const n = Math.round(v * p);
    if (n / p === v && Math.abs(n) <= INT_LIMIT && (v !== 0 || 1 / v > 0)) {
      // Once more than `limit` values need e, no smaller exponent can be chosen and the
      // minimal exponents of the rest no longer matter.
      if (e > 0 && hist[e] <= limit && Math.round(v * POW10[e - 1]) / POW10[e - 1] === v) hist[minimalExponent(v)]++;
      else hist[e]++;
      continue;
    }
    const m = minimalExponent(v);
    hist[m]++;
    if (m === NOT_DECIMAL) {
      if (++notDecimal > limit) return null;
    } else if (m > e) {
      e = m;
    }
  }

  const chosen = chooseExponent(hist, limit, e, count);
  if (chosen < 0) return null;

  const p = POW10[chosen];
  let exceptions = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    const n = Math.round(v * p);
    if (n / p === v && Math.abs(n) <= INT_LIMIT && (v !== 0 || 1 / v > 0)) {
      ints[i] = n;
    } else {
      if (exceptions >= limit) return null;
      exc[exceptions++] = i;
      ints[i] = NaN;
    }
  }
  fillExceptions(ints, count, exc, exceptions);
  return { e: chosen, exceptions };
}

/**
 * Gives each exception position (NaN in ints) the integer that continues the line of its
 * neighbours, in steps of their common factor, so it costs no bits in either the delta or
 * the delta-of-delta stream. Needs at least one exact value.
 */
export function fillExceptions(ints: Float64Array, count: number, exc: Int32Array, exceptions: number): void {
  if (exceptions === 0) return;
  let g = 0;
  let last = NaN;
  for (let i = 0; i < count && g !== 1; i++) {
    const n = ints[i];
    if (n !== n) continue;
    const d = n - last;
    if (d === d && d !== 0) g = gcd(d < 0 ? -d : d, g);
    last = n;
  }
  if (g === 0) g = 1;
  for (let k = 0; k < exceptions; ) {
    const first = exc[k];
    let end = first + 1;
    while (++k < exceptions && exc[k] === end) end++;
    const left = first - 1;
    if (left >= 0 && end < count) {
      const a = ints[left];
      const steps = (ints[end] - a) / g;
      const span = end - left;
      for (let i = first; i < end; i++) ints[i] = a + g * Math.round((steps * (i - left)) / span);
    } else if (left >= 0) {
      const a = ints[left];
      const slope = left > 0 ? a - ints[left - 1] : 0;
      for (let i = first; i < end; i++) {
        const n = a + slope * (i - left);
        ints[i] = n <= INT_LIMIT && n >= -INT_LIMIT ? n : a;
      }
    } else {
      const b = ints[end];
      const next = end + 1 < count ? ints[end + 1] : NaN;
      const slope = next === next ? next - b : 0;
      for (let i = first; i < end; i++) {
        const n = b - slope * (end - i);
        ints[i] = n <= INT_LIMIT && n >= -INT_LIMIT ? n : b;
      }
    }
  }
}

export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// Near decimals: values computed in floating point from decimals (sums of 0.1 steps,
// differences of counters) miss the nearest double of their decimal by a few units in the
// last place (ulps). They are stored as the decimal integer n plus the signed distance k in
// ulps between v and n / 10^e, measured on the 64-bit patterns, so they still cost about as
// little as decimals instead of falling back to XOR.

/** Largest |k| accepted: beyond it a value is no near decimal at that exponent. */
const RESIDUAL_LIMIT = 2 ** 20;
const pair = new Float64Array(2);
const pairWords = new Uint32Array(pair.buffer);

/** pattern(v) - pattern(base) (same sign), or Infinity when they are 2^32 or more apart. */
function ulpDistance(v: number, base: number): number {
  pair[0] = v;
  pair[1] = base;
  const dh = pairWords[HI] - pairWords[2 + HI];
  if (dh > 1 || dh < -1) return Infinity;
  return dh * 4294967296 + (pairWords[LO] - pairWords[2 + LO]);
}

function nearAt(v: number, e: number): boolean {
  const p = POW10[e];
  const n = Math.round(v * p) + 0;
  if (!(Math.abs(n) <= INT_LIMIT)) return false;
  const k = ulpDistance(v, n / p);
  return k <= RESIDUAL_LIMIT && k >= -RESIDUAL_LIMIT;
}

function minimalNearExponent(v: number): number {
  if (!(Math.abs(v) <= INT_LIMIT)) return NOT_DECIMAL;
  for (let e = 0; e <= MAX_EXPONENT; e++) {
    if (!(Math.abs(Math.round(v * POW10[e])) <= INT_LIMIT)) return NOT_DECIMAL;
    if (nearAt(v, e)) return e;
  }
  return NOT_DECIMAL;
}

/**
 * Like analyzeDecimal, for values within RESIDUAL_LIMIT ulps of short decimals: fills ints
 * and residuals (pattern(v) - pattern(ints / 10^e), 0 at exceptions). Returns null when too
 * many values are not even near decimals.
 */
export function analyzeNearDecimal(
  values: Float64Array,
  count: number,
  ints: Float64Array,
  residuals: Float64Array,
  exc: Int32Array,
): { e: number; exceptions: number } | null {
  const limit = exceptionLimit(count);
  const hist = histogram;
  hist.fill(0);
  let hopeless = 0;
  let e = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (nearAt(v, e)) {
      if (e > 0 && hist[e] <= limit && nearAt(v, e - 1)) hist[minimalNearExponent(v)]++;
      else hist[e]++;
      continue;
    }
    const m = minimalNearExponent(v);
    hist[m]++;
    if (m === NOT_DECIMAL) {
      if (++hopeless > limit) return null;
    } else if (m > e) {
      e = m;
    }
  }
  const chosen = chooseExponent(hist, limit, e, count);
  if (chosen < 0) return null;

  const p = POW10[chosen];
  let exceptions = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    // + 0 turns -0 into 0, the integer a decoder will see
    const n = Math.round(v * p) + 0;
    const k = Math.abs(n) <= INT_LIMIT ? ulpDistance(v, n / p) : Infinity;
    if (k <= RESIDUAL_LIMIT && k >= -RESIDUAL_LIMIT) {
      ints[i] = n;
      residuals[i] = k;
    } else {
      if (exceptions >= limit) return null;
      exc[exceptions++] = i;
      ints[i] = NaN;
      residuals[i] = 0;
    }
  }
  fillExceptions(ints, count, exc, exceptions);
  return { e: chosen, exceptions };
}
