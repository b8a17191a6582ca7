// Binary operators: arithmetic, comparisons (filtering or `bool`) and set operators, with
// Prometheus's vector matching (on/ignoring, group_left/group_right) decided step by step.

import type { Binary, BinaryOp, VectorMatching } from './ast.ts';
import { applyOp } from './operators.ts';
import type { EvalContext } from './eval-context.ts';
import { evaluate } from './evaluate.ts';
import { labelsKey, signature, withoutName, type StepSeries, type Value } from './values.ts';
import { mergeSameLabels } from './series-set.ts';

const ARITHMETIC = new Set<BinaryOp>(['+', '-', '*', '/', '%', '^', 'atan2']);
const COMPARISON = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);

export function evalBinary(e: Binary, ctx: EvalContext): Value {
  const lhs = evaluate(e.lhs, ctx);
  const rhs = evaluate(e.rhs, ctx);
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
    const out = ctx.newValues();
    for (let i = 0; i < ctx.steps; i++) out[i] = applyOp(e.op, lhs.values[i], rhs.values[i]);
    return { kind: 'scalar', values: out };
  }
  if (lhs.kind === 'vector' && rhs.kind === 'scalar')
    return { kind: 'vector', series: vectorScalar(e, lhs.series, rhs.values, false, ctx) };
  if (lhs.kind === 'scalar' && rhs.kind === 'vector') return { kind: 'vector', series: vectorScalar(e, rhs.series, lhs.values, true, ctx) };
  if (lhs.kind === 'vector' && rhs.kind === 'vector') {
    const matching = e.matching ?? { card: 'one-to-one', on: false, labels: [], include: [] };
    if (e.op === 'and' || e.op === 'or' || e.op === 'unless')
      return { kind: 'vector', series: setOp(e.op, lhs.series, rhs.series, matching, ctx) };
    return { kind: 'vector', series: vectorVector(e, lhs.series, rhs.series, matching, ctx) };
  }
  throw ctx.fail('binary expression must contain only scalar and instant vector types', e.pos);
}

function vectorScalar(e: Binary, vec: StepSeries[], scalar: Float64Array, scalarLeft: boolean, ctx: EvalContext): StepSeries[] {
  const comparison = COMPARISON.has(e.op);
  const dropName = ARITHMETIC.has(e.op) || e.returnBool;
  const out: StepSeries[] = [];
  for (const s of vec) {
    const r = ctx.newSeries(dropName ? withoutName(s.labels) : s.labels);
    ctx.tick(ctx.steps);
    for (let i = 0; i < ctx.steps; i++) {
      if (!s.has[i]) continue;
      const a = scalarLeft ? scalar[i] : s.values[i];
      const b = scalarLeft ? s.values[i] : scalar[i];
      const v = applyOp(e.op, a, b);
      if (comparison && !e.returnBool) {
        if (v === 0) continue;
        r.values[i] = s.values[i];
      } else {
        r.values[i] = v;
      }
      r.has[i] = 1;
    }
    out.push(r);
  }
  return mergeSameLabels(out, ctx, e.pos);
}

function setOp(op: 'and' | 'or' | 'unless', lhs: StepSeries[], rhs: StepSeries[], m: VectorMatching, ctx: EvalContext): StepSeries[] {
  const lsig = lhs.map((s) => signature(s.labels, m.labels, m.on));
  const rsig = rhs.map((s) => signature(s.labels, m.labels, m.on));
  const out: StepSeries[] = [];
  const present = new Set<string>();
  const lhsOut = lhs.map((s) => ctx.newSeries(s.labels));
  const rhsOut = op === 'or' ? rhs.map((s) => ctx.newSeries(s.labels)) : [];
  for (let i = 0; i < ctx.steps; i++) {
    ctx.tick(lhs.length + rhs.length);
    present.clear();
    const other = op === 'or' ? lhs : rhs;
    const otherSig = op === 'or' ? lsig : rsig;
    for (let k = 0; k < other.length; k++) if (other[k].has[i]) present.add(otherSig[k]);
    for (let k = 0; k < lhs.length; k++) {
      if (!lhs[k].has[i]) continue;
      const keep = op === 'or' || (op === 'and' ? present.has(lsig[k]) : !present.has(lsig[k]));
      if (!keep) continue;
      lhsOut[k].values[i] = lhs[k].values[i];
      lhsOut[k].has[i] = 1;
    }
    if (op === 'or') {
      for (let k = 0; k < rhs.length; k++) {
        if (!rhs[k].has[i] || present.has(rsig[k])) continue;
        rhsOut[k].values[i] = rhs[k].values[i];
        rhsOut[k].has[i] = 1;
      }
    }
  }
  out.push(...lhsOut, ...rhsOut);
  return mergeSameLabels(out, ctx, undefined);
}

function vectorVector(e: Binary, lhs: StepSeries[], rhs: StepSeries[], m: VectorMatching, ctx: EvalContext): StepSeries[] {
  const comparison = COMPARISON.has(e.op);
  const dropName = ARITHMETIC.has(e.op) || e.returnBool;
  // The "one" side must be unique per match group; with group_right it is the left side.
  const swap = m.card === 'one-to-many';
  const many = swap ? rhs : lhs;
  const one = swap ? lhs : rhs;
  // Signatures do not change from step to step: series are grouped by them once, and at
  // each step only the members of a group are looked at.
  const oneBySig = new Map<string, number[]>();
  for (let k = 0; k < one.length; k++) {
    const sig = signature(one[k].labels, m.labels, m.on);
    const group = oneBySig.get(sig);
    if (group) group.push(k);
    else oneBySig.set(sig, [k]);
  }
  const shared = [...oneBySig.values()].filter((g) => g.length > 1);
  const manySig: string[] = [];
  const candidates: (number[] | undefined)[] = [];
  const manyBySig = new Map<string, number>();
  for (let k = 0; k < many.length; k++) {
    const sig = signature(many[k].labels, m.labels, m.on);
    manySig.push(sig);
    candidates.push(oneBySig.get(sig));
  }
  const results = new Map<string, StepSeries>();
  /** The output series of a (many, one) pair, found once per pair. */
  const pairs = new Map<number, StepSeries>();
  for (let i = 0; i < ctx.steps; i++) {
    ctx.tick(one.length + many.length);
    for (const group of shared) {
      let prev = -1;
      for (const k of group) {
        if (!one[k].has[i]) continue;
        if (prev < 0) {
          prev = k;
          continue;
        }
        // As found by a scan of the one side in order: the earliest second member of any group.
        const clash = earliestClash(shared, one, i);
        const side = swap ? 'left' : 'right';
        throw ctx.fail(
          `found duplicate series for the match group ${describeGroup(one[clash[1]].labels, m)} on the ${side} hand-side of the operation: [${fmt(one[clash[0]].labels)}, ${fmt(one[clash[1]].labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
          e.pos,
        );
      }
    }
    if (m.card === 'one-to-one') manyBySig.clear();
    for (let k = 0; k < many.length; k++) {
      const group = candidates[k];
      if (group === undefined || !many[k].has[i]) continue;
      let j = -1;
      for (const c of group) {
        if (one[c].has[i]) {
          j = c;
          break;
        }
      }
      if (j < 0) continue;
      if (m.card === 'one-to-one') {
        if (manyBySig.has(manySig[k])) {
          throw ctx.fail('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)', e.pos);
        }
        manyBySig.set(manySig[k], k);
      }
      const l = swap ? one[j] : many[k];
      const r = swap ? many[k] : one[j];
      const value = applyOp(e.op, l.values[i], r.values[i]);
      if (comparison && !e.returnBool && value === 0) continue;
      const pair = k * one.length + j;
      let out = pairs.get(pair);
      if (!out) {
        const labels = resultLabels(l.labels, r.labels, m, dropName, swap);
        const key = labelsKey(labels);
        out = results.get(key);
        if (!out) results.set(key, (out = ctx.newSeries(labels)));
        pairs.set(pair, out);
      }
      if (out.has[i]) {
        if (m.card === 'one-to-one') {
          throw ctx.fail('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)', e.pos);
        }
        throw ctx.fail('multiple matches for labels: grouping labels must ensure unique matches', e.pos);
      }
      out.values[i] = comparison && !e.returnBool ? l.values[i] : value;
      out.has[i] = 1;
    }
  }
  return [...results.values()];
}

/** The first two members present at step i of the group whose second present member comes first. */
function earliestClash(groups: readonly number[][], one: readonly StepSeries[], i: number): [number, number] {
  let best: [number, number] = [-1, Infinity];
  for (const group of groups) {
    const present = group.filter((k) => one[k].has[i]);
    if (present.length > 1 && present[1] < best[1]) best = [present[0], present[1]];
  }
  return best;
}

/** Prometheus's resultMetric: the "many" side's labels, reduced for one-to-one, plus included ones. */
function resultLabels(
  l: Record<string, string>,
  r: Record<string, string>,
  m: VectorMatching,
  dropName: boolean,
  swap: boolean,
): Record<string, string> {
  const base = swap ? r : l;
  const other = swap ? l : r;
  let out: Record<string, string> = { ...base };
  if (dropName) delete out.__name__;
  if (m.card === 'one-to-one') {
    if (m.on) {
      const kept: Record<string, string> = {};
      for (const n of m.labels) if (out[n] !== undefined) kept[n] = out[n];
      out = kept;
    } else {
      for (const n of m.labels) delete out[n];
    }
  }
  for (const n of m.include) {
    const v = other[n];
    if (v === undefined || v === '') delete out[n];
    else out[n] = v;
  }
  return out;
}

function describeGroup(labels: Record<string, string>, m: VectorMatching): string {
  const names = m.on ? m.labels : Object.keys(labels).filter((n) => n !== '__name__' && !m.labels.includes(n));
  return `{${names
    .filter((n) => labels[n] !== undefined)
    .sort()
    .map((n) => `${n}="${labels[n]}"`)
    .join(', ')}}`;
}

function fmt(labels: Record<string, string>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((n) => `${n}=${JSON.stringify(labels[n])}`)
    .join(', ')}}`;
}
