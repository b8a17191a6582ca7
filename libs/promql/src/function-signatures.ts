// Argument and return types of every PromQL function, for type checking at parse time
// (Prometheus's parser/functions.go is the reference).

import type { ValueType } from './ast.ts';

export interface FunctionSignature {
  args: ValueType[];
  /** How many trailing arguments may be left out (-1: the last one repeats any number of times). */
  optional: number;
  variadic: boolean;
  returns: ValueType;
}

const S: ValueType = 'scalar';
const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const STR: ValueType = 'string';

const sig = (args: ValueType[], returns: ValueType, optional = 0, variadic = false): FunctionSignature => ({
  args,
  returns,
  optional,
  variadic,
});

const vectorMath = ['abs', 'ceil', 'floor', 'exp', 'ln', 'log2', 'log10', 'sqrt', 'sgn', 'deg', 'rad'];
const trig = ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh'];
const dateFns = ['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'];
const overTime = [
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'last_over_time',
  'first_over_time',
  'present_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'mad_over_time',
  'ts_of_min_over_time',
  'ts_of_max_over_time',
  'ts_of_first_over_time',
  'ts_of_last_over_time',
  'absent_over_time',
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'deriv',
  'resets',
  'changes',
];

export const FUNCTIONS: Readonly<Record<string, FunctionSignature>> = {
  ...Object.fromEntries(vectorMath.map((f) => [f, sig([V], V)])),
  ...Object.fromEntries(trig.map((f) => [f, sig([V], V)])),
  ...Object.fromEntries(dateFns.map((f) => [f, sig([V], V, 1)])),
  ...Object.fromEntries(overTime.map((f) => [f, sig([M], V)])),
  absent: sig([V], V),
  clamp: sig([V, S, S], V),
  clamp_max: sig([V, S], V),
  clamp_min: sig([V, S], V),
  round: sig([V, S], V, 1),
  pi: sig([], S),
  time: sig([], S),
  step: sig([], S),
  range: sig([], S),
  start: sig([], S),
  end: sig([], S),
  scalar: sig([V], S),
  vector: sig([S], V),
  timestamp: sig([V], V),
  sort: sig([V], V),
  sort_desc: sig([V], V),
  sort_by_label: sig([V, STR], V, 1, true),
  sort_by_label_desc: sig([V, STR], V, 1, true),
  label_replace: sig([V, STR, STR, STR, STR], V),
  label_join: sig([V, STR, STR, STR], V, 1, true),
  predict_linear: sig([M, S], V),
  quantile_over_time: sig([S, M], V),
  double_exponential_smoothing: sig([M, S, S], V),
  histogram_quantile: sig([S, V], V),
  histogram_quantiles: sig([V, STR, S], V, 0, true),
  histogram_fraction: sig([S, S, V], V),
  histogram_count: sig([V], V),
  histogram_sum: sig([V], V),
  histogram_avg: sig([V], V),
  histogram_stddev: sig([V], V),
  histogram_stdvar: sig([V], V),
};
