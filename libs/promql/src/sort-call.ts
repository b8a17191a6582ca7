// sort, sort_desc, sort_by_label, sort_by_label_desc: order an instant query's result.

import type { Call } from './ast.ts';
import { stringArg, vectorArg } from './call-args.ts';
import type { EvalContext } from './eval-context.ts';
import { labelsKey, type StepSeries, type Value } from './values.ts';

export function sort(e: Call, ctx: EvalContext): Value {
  const input = vectorArg(e.args[0], ctx);
  const names = e.args.slice(1).map((a) => stringArg(a, ctx));
  if (ctx.steps > 1) {
    ctx.annotate('warning', 'sort is ineffective for range queries since results are always ordered by labels', e.pos);
    return { kind: 'vector', series: input };
  }
  const present = input.filter((s) => s.has[0]);
  ctx.hold(present.length);
  const desc = e.name.endsWith('_desc');
  let sorted: StepSeries[];
  if (e.name.startsWith('sort_by_label')) {
    sorted = [...present].sort((a, b) => {
      ctx.tick();
      for (const n of names) {
        const c = naturalCompare(a.labels[n] ?? '', b.labels[n] ?? '');
        if (c) return desc ? -c : c;
      }
      const c = naturalCompare(labelsKey(a.labels), labelsKey(b.labels));
      return desc ? -c : c;
    });
  } else {
    // NaN sorts last either way, as in Prometheus.
    sorted = [...present].sort((a, b) => {
      ctx.tick();
      const va = a.values[0];
      const vb = b.values[0];
      if (va !== va) return vb !== vb ? 0 : 1;
      if (vb !== vb) return -1;
      return desc ? vb - va : va - vb;
    });
  }
  return { kind: 'vector', series: sorted };
}

/** Digit runs compare as numbers: "a2" < "a10". */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}
