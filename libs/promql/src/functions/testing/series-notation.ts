// Test support: the conformance corpus's `load` notation turned into sample arrays, and the
// (start, end] windows the engine would hand to a range function.

import type { RangePoints, RangeWindow } from '../range-functions.ts';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** A Prometheus duration such as `5m`, `10s53ms` or `1h`, in milliseconds. */
export function ms(duration: string): number {
  let total = 0;
  const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let consumed = 0;
  for (let m = re.exec(duration); m !== null; m = re.exec(duration)) {
    total += Number(m[1]) * UNITS[m[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== duration.length || duration === '') throw new Error(`bad duration ${duration}`);
  return total;
}

/**
 * One series line's values: `1+2x3` is 1 3 5 7, `5x2` is 5 5 5, `_` is a missing point,
 * `_x3` three missing points. `undefined` marks a missing point.
 */
export function expand(notation: string): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const token of notation.trim().split(/\s+/)) {
    const blanks = /^_(?:x(\d+))?$/.exec(token);
    if (blanks) {
      const times = blanks[1] === undefined ? 1 : Number(blanks[1]);
      for (let i = 0; i < times; i++) out.push(undefined);
      continue;
    }
    const seq = /^([-+]?(?:[\d.]+(?:[eE][-+]?\d+)?|Inf|NaN))(?:([-+])([\d.]+(?:[eE][-+]?\d+)?))?x(\d+)$/.exec(token);
    if (seq) {
      const step = seq[2] === undefined ? 0 : (seq[2] === '-' ? -1 : 1) * Number(seq[3]);
      // Accumulated by repeated addition, as promqltest does.
      let v = parseValue(seq[1]);
      for (let i = 0; i <= Number(seq[4]); i++) {
        out.push(v);
        v += step;
      }
      continue;
    }
    out.push(parseValue(token));
  }
  return out;
}

function parseValue(token: string): number {
  const t = token.replace(/^\+/, '');
  if (t === 'Inf' || t === 'inf') return Infinity;
  if (t === '-Inf' || t === '-inf') return -Infinity;
  if (t === 'NaN') return NaN;
  const v = Number(t);
  if (Number.isNaN(v)) throw new Error(`bad value ${token}`);
  return v;
}

export interface Series {
  ts: number[];
  vs: number[];
}

/** `load <interval>` of one series: the present points, the first at t=0. */
export function load(interval: string, notation: string): Series {
  const step = ms(interval);
  const series: Series = { ts: [], vs: [] };
  expand(notation).forEach((v, i) => {
    if (v === undefined) return;
    series.ts.push(i * step);
    series.vs.push(v);
  });
  return series;
}

/** The points of `series` in (end - range, end]. */
export function windowPoints(series: Series, end: number, range: number): RangePoints {
  const ts: number[] = [];
  const vs: number[] = [];
  series.ts.forEach((t, i) => {
    if (t > end - range && t <= end) {
      ts.push(t);
      vs.push(series.vs[i]);
    }
  });
  return { ts: Float64Array.from(ts), vs: Float64Array.from(vs), n: ts.length };
}

export interface Annotation {
  level: 'warning' | 'info';
  message: string;
}

/** A window (end - range, end] that records annotations in `annotations`. */
export function makeWindow(
  end: number,
  range: number,
  metricName?: string,
  evalTime?: number,
): RangeWindow & { annotations: Annotation[] } {
  const annotations: Annotation[] = [];
  return {
    start: end - range,
    end,
    evalTime,
    metricName,
    annotations,
    annotate(level, message) {
      annotations.push({ level, message });
    },
  };
}

/** Points from raw arrays, for edge cases that do not come from the corpus. */
export function points(ts: readonly number[], vs: readonly number[]): RangePoints {
  return { ts: Float64Array.from(ts), vs: Float64Array.from(vs), n: ts.length };
}
