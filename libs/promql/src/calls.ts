// Function calls: the engine's side of each function (which argument is the range, which
// labels survive, what an empty input yields); the arithmetic lives in ./functions. This
// file dispatches by name and runs the element-wise ones; the rest are in range-calls.ts,
// histogram-calls.ts, label-calls.ts, absent-calls.ts and sort-call.ts.

import { absent, absentOverTime } from './absent-calls.ts';
import type { Call } from './ast.ts';
import { scalarArg, vectorArg } from './call-args.ts';
import type { EvalContext } from './eval-context.ts';
import { evaluate } from './evaluate.ts';
import { INSTANT_FUNCTIONS } from './functions/index.ts';
import { FUNCTIONS } from './function-signatures.ts';
import { histogramFraction, histogramQuantile, histogramQuantiles } from './histogram-calls.ts';
import { labelJoin, labelReplace } from './label-calls.ts';
import { rangeFunction } from './range-calls.ts';
import { mergeSameLabels } from './series-set.ts';
import { sort } from './sort-call.ts';
import { withoutName, type StepSeries, type Value } from './values.ts';

export function evalCall(e: Call, ctx: EvalContext): Value {
  const scalar = (values: (i: number) => number): Value => {
    const out = ctx.newValues();
    for (let i = 0; i < ctx.steps; i++) out[i] = values(i);
    return { kind: 'scalar', values: out };
  };
  switch (e.name) {
    case 'time':
      return scalar((i) => ctx.times[i] / 1000);
    case 'pi':
      return scalar(() => Math.PI);
    case 'step':
      return scalar(() => ctx.queryStep / 1000);
    case 'range':
      return scalar(() => (ctx.queryEnd - ctx.queryStart) / 1000);
    case 'start':
      return scalar(() => ctx.queryStart / 1000);
    case 'end':
      return scalar(() => ctx.queryEnd / 1000);
    case 'vector': {
      const v = scalarArg(e.args[0], ctx);
      const s = ctx.newSeries({});
      s.values.set(v);
      s.has.fill(1);
      return { kind: 'vector', series: [s] };
    }
    case 'scalar': {
      const v = vectorArg(e.args[0], ctx);
      return scalar((i) => {
        ctx.tick(v.length);
        let found = NaN;
        let count = 0;
        for (const s of v) {
          if (!s.has[i]) continue;
          count++;
          found = s.values[i];
        }
        return count === 1 ? found : NaN;
      });
    }
    case 'absent':
      return absent(e, vectorArg(e.args[0], ctx), ctx);
    case 'absent_over_time':
      return absentOverTime(e, ctx);
    case 'timestamp':
      return timestamp(e, ctx);
    case 'sort':
    case 'sort_desc':
    case 'sort_by_label':
    case 'sort_by_label_desc':
      return sort(e, ctx);
    case 'label_replace':
      return labelReplace(e, ctx);
    case 'label_join':
      return labelJoin(e, ctx);
    case 'histogram_quantile':
      return histogramQuantile(e, ctx);
    case 'histogram_quantiles':
      return histogramQuantiles(e, ctx);
    case 'histogram_fraction':
      return histogramFraction(e, ctx);
    case 'histogram_count':
    case 'histogram_sum':
    case 'histogram_avg':
    case 'histogram_stddev':
    case 'histogram_stdvar':
      // Native histograms only: float samples give nothing.
      for (const a of e.args) evaluate(a, ctx);
      return { kind: 'vector', series: [] };
  }
  const sig = FUNCTIONS[e.name];
  if (sig.args.includes('matrix')) return rangeFunction(e, ctx);
  return instantFunction(e, ctx);
}

function instantFunction(e: Call, ctx: EvalContext): Value {
  const fn = INSTANT_FUNCTIONS[e.name];
  if (!fn) throw ctx.fail(`function ${e.name} is not implemented`, e.pos);
  // Date functions default to the evaluation time: vector(time()).
  let input: StepSeries[];
  if (e.args.length) {
    input = vectorArg(e.args[0], ctx);
  } else {
    const now = ctx.newSeries({});
    for (let i = 0; i < ctx.steps; i++) now.values[i] = ctx.times[i] / 1000;
    now.has.fill(1);
    input = [now];
  }
  const scalars = e.args.slice(1).map((a) => scalarArg(a, ctx));
  const out: StepSeries[] = [];
  const args: number[] = [];
  for (const s of input) {
    const r = ctx.newSeries(withoutName(s.labels));
    ctx.tick(ctx.steps);
    for (let i = 0; i < ctx.steps; i++) {
      if (!s.has[i]) continue;
      args.length = 0;
      for (const a of scalars) args.push(a[i]);
      const v = fn(s.values[i], args);
      if (v === undefined) continue;
      r.values[i] = v;
      r.has[i] = 1;
    }
    out.push(r);
  }
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}

function timestamp(e: Call, ctx: EvalContext): Value {
  const input = vectorArg(e.args[0], ctx);
  const out = input.map((s) => {
    const r = ctx.newSeries(withoutName(s.labels));
    ctx.tick(ctx.steps);
    for (let i = 0; i < ctx.steps; i++) {
      if (!s.has[i]) continue;
      r.values[i] = (s.sampleTimes ? s.sampleTimes[i] : ctx.times[i]) / 1000;
      r.has[i] = 1;
    }
    return r;
  });
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}
