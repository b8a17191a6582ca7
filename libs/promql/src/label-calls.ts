// label_replace and label_join: a label set from other labels' values.

import { compileAnchoredRegex, type AnchoredRegex, type RegexMatch } from '@metrics-hub/wire';
import type { Call } from './ast.ts';
import { LABEL_NAME, stringArg, vectorArg } from './call-args.ts';
import type { EvalContext } from './eval-context.ts';
import { mergeSameLabels } from './series-set.ts';
import { withLabel, type Value } from './values.ts';

export function labelReplace(e: Call, ctx: EvalContext): Value {
  const input = vectorArg(e.args[0], ctx);
  const [dst, replacement, src, regex] = e.args.slice(1).map((a) => stringArg(a, ctx));
  let re: AnchoredRegex;
  try {
    re = compileAnchoredRegex(regex);
  } catch (err) {
    throw ctx.fail(`invalid regular expression in label_replace(): ${regex}: ${(err as Error).message}`, e.pos);
  }
  if (!LABEL_NAME.test(dst)) throw ctx.fail(`invalid destination label name in label_replace(): ${dst}`, e.pos);
  const out = input.map((s) => {
    const value = s.labels[src] ?? '';
    ctx.tick(1 + value.length);
    const m = re.exec(value);
    if (!m) return s;
    const replaced = expandTemplate(replacement, m);
    // A new series each: counted like one, and its text too ("$1$1$1..." can be long).
    ctx.hold(ctx.steps);
    ctx.holdText(replaced.length);
    return { ...s, labels: withLabel(s.labels, dst, replaced) };
  });
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}

/** Go's regexp.Expand: $1, ${1}, $name, ${name}, $$. */
function expandTemplate(template: string, m: RegexMatch): string {
  return template.replace(/\$(\$|\{([a-zA-Z0-9_]+)\}|([a-zA-Z0-9_]+))/g, (_all, dollar: string, braced?: string, bare?: string) => {
    if (dollar === '$') return '$';
    const name = braced ?? bare!;
    if (/^\d+$/.test(name)) return m.groups[Number(name)] ?? '';
    return m.named[name] ?? '';
  });
}

export function labelJoin(e: Call, ctx: EvalContext): Value {
  const input = vectorArg(e.args[0], ctx);
  const [dst, sep, ...srcs] = e.args.slice(1).map((a) => stringArg(a, ctx));
  if (!LABEL_NAME.test(dst)) throw ctx.fail(`invalid destination label name in label_join(): ${dst}`, e.pos);
  for (const s of srcs)
    if (!LABEL_NAME.test(s) && s !== '__name__') throw ctx.fail(`invalid source label name in label_join(): ${s}`, e.pos);
  const out = input.map((s) => {
    const joined = srcs.map((n) => s.labels[n] ?? '').join(sep);
    ctx.tick(1 + srcs.length);
    ctx.hold(ctx.steps);
    ctx.holdText(joined.length);
    return { ...s, labels: withLabel(s.labels, dst, joined) };
  });
  return { kind: 'vector', series: mergeSameLabels(out, ctx, e.pos) };
}
