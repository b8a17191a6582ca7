// absent() and absent_over_time(): a series of 1s at the steps where the argument has
// nothing, labelled from the selector's equality matchers.

import type { Call, Expr, Matcher } from './ast.ts';
import { rangeArg } from './call-args.ts';
import type { EvalContext } from './eval-context.ts';
import { windowBounds } from './evaluate.ts';
import type { StepSeries, Value } from './values.ts';

/** Labels absent() reports: the selector's equality matchers (a label matched twice is left out). */
function absentLabels(arg: Expr): Record<string, string> {
  let inner = arg;
  while (inner.type === 'paren') inner = inner.expr;
  const selector = inner.type === 'vectorSelector' ? inner : inner.type === 'matrixSelector' ? inner.selector : undefined;
  if (!selector) return {};
  const out: Record<string, string> = {};
  const seen = new Map<string, number>();
  for (const m of selector.matchers as Matcher[]) seen.set(m.name, (seen.get(m.name) ?? 0) + 1);
  for (const m of selector.matchers as Matcher[]) {
    if (m.name === '__name__' || m.type !== '=' || seen.get(m.name)! > 1) continue;
    out[m.name] = m.value;
  }
  return out;
}

export function absent(e: Call, input: StepSeries[], ctx: EvalContext): Value {
  const r = ctx.newSeries(absentLabels(e.args[0]));
  for (let i = 0; i < ctx.steps; i++) {
    ctx.tick(input.length);
    if (input.some((s) => s.has[i])) continue;
    r.values[i] = 1;
    r.has[i] = 1;
  }
  return { kind: 'vector', series: r.has.includes(1) ? [r] : [] };
}

export function absentOverTime(e: Call, ctx: EvalContext): Value {
  const src = rangeArg(e.args[0], ctx);
  const r = ctx.newSeries(absentLabels(e.args[0]));
  for (let i = 0; i < ctx.steps; i++) {
    ctx.tick(src.series.length);
    const any = src.series.some((p) => {
      const [lo, hi] = windowBounds(p.ts, p.n, src.ends[i], src.rangeMs + ctx.windowSlackMs);
      return hi > lo;
    });
    if (any) continue;
    r.values[i] = 1;
    r.has[i] = 1;
  }
  return { kind: 'vector', series: r.has.includes(1) ? [r] : [] };
}
