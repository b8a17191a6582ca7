// Test support: a range function evaluated the way the engine calls it, at an evaluation
// time over a range (with the query's offset or @), from a series in the corpus's notation.

import { RANGE_FUNCTIONS } from '../range-functions.ts';
import { makeWindow, ms, windowPoints, type Series } from './series-notation.ts';

export interface EvalOptions {
  args?: number[];
  metricName?: string;
  /** Selector offset, or @ time, as in the query. */
  offset?: string;
  at?: number;
}

export function evaluate(fn: string, series: Series, time: string | number, range: string, opts: EvalOptions = {}) {
  const evalTime = typeof time === 'number' ? time : ms(time);
  let end = opts.at ?? evalTime;
  if (opts.offset !== undefined) end -= ms(opts.offset);
  const window = makeWindow(end, ms(range), opts.metricName, evalTime);
  const value = RANGE_FUNCTIONS[fn](windowPoints(series, end, ms(range)), window, opts.args ?? []);
  return { value, annotations: window.annotations };
}

export function value(fn: string, series: Series, time: string | number, range: string, opts: EvalOptions = {}) {
  return evaluate(fn, series, time, range, opts).value;
}
