// A function call's arguments: each evaluated and checked for the kind of value the
// function takes (scalar, instant vector, string, range).

import type { Expr } from './ast.ts';
import type { EvalContext } from './eval-context.ts';
import { evaluate, rangeSource, type RangeSource } from './evaluate.ts';
import type { StepSeries } from './values.ts';

/** A valid label name, for functions that take one as a string. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function scalarArg(e: Expr, ctx: EvalContext): Float64Array {
  const v = evaluate(e, ctx);
  if (v.kind !== 'scalar') throw ctx.fail('expected a scalar argument', e.pos);
  return v.values;
}

export function vectorArg(e: Expr, ctx: EvalContext): StepSeries[] {
  const v = evaluate(e, ctx);
  if (v.kind !== 'vector') throw ctx.fail('expected an instant vector argument', e.pos);
  return v.series;
}

export function stringArg(e: Expr, ctx: EvalContext): string {
  const v = evaluate(e, ctx);
  if (v.kind !== 'string') throw ctx.fail('expected a string argument', e.pos);
  return v.value;
}

export function unparen(e: Expr): Expr {
  let inner = e;
  while (inner.type === 'paren') inner = inner.expr;
  return inner;
}

export function rangeArg(e: Expr, ctx: EvalContext): RangeSource {
  const inner = unparen(e);
  if (inner.type !== 'matrixSelector' && inner.type !== 'subquery') throw ctx.fail('expected a range vector argument', e.pos);
  return rangeSource(inner, ctx);
}
