// Runs a promqltest script against the engine and reports each eval as passed, failed
// (with the reason) or skipped (native histograms, which are out of scope).

import { labelsKey, STALE_NAN, type Labels } from '@metrics-hub/wire';
import { Engine, type QueryResult } from '../engine.ts';
import { parseExpr } from '../parser.ts';
import { MemoryQueryable } from '../queryable.ts';
import type { Expr } from '../ast.ts';
import { compileMatcher } from '@metrics-hub/wire';
import { parseScript, type EvalCase, type SeriesPoints } from './script.ts';

export type Outcome = { line: number; query: string } & (
  | { status: 'pass' }
  | { status: 'fail'; reason: string }
  | { status: 'skip'; reason: string }
);

const EPSILON = 1e-6;

export function runScript(text: string, engine = new Engine()): Outcome[] {
  const store = new MemoryQueryable();
  const outcomes: Outcome[] = [];
  // Native histogram series (loaded as {{...}} or derived by load_with_nhcb): evals that
  // read them are skipped.
  let histogramSeries: Labels[] = [];
  for (const cmd of parseScript(text)) {
    if (cmd.kind === 'clear') {
      store.clear();
      histogramSeries = [];
      continue;
    }
    if (cmd.kind === 'load') {
      for (const s of cmd.series) {
        if (s.points.includes('histogram')) histogramSeries.push(s.labels);
        s.points.forEach((p, i) => {
          if (p === null || p === 'histogram') return;
          store.add(s.labels, i * cmd.intervalMs, p === 'stale' ? STALE_NAN : p);
        });
        if (cmd.nativeFromClassic && s.labels.__name__?.endsWith('_bucket')) {
          const { le: _le, ...rest } = s.labels;
          histogramSeries.push({ ...rest, __name__: s.labels.__name__.slice(0, -'_bucket'.length) });
        }
      }
      continue;
    }
    outcomes.push(runEval(cmd.eval, store, engine, histogramSeries));
  }
  return outcomes;
}

function runEval(c: EvalCase, store: MemoryQueryable, engine: Engine, histograms: Labels[]): Outcome {
  const base = { line: c.line, query: c.query };
  if (c.readsHistograms) return { ...base, status: 'skip', reason: 'expects native histogram values' };
  if (histograms.length && readsAny(c.query, histograms)) return { ...base, status: 'skip', reason: 'reads native histogram series' };
  let result: QueryResult;
  try {
    result = c.instant ? engine.instantQuery(store, c.query, c.atMs) : engine.rangeQuery(store, c.query, c.startMs, c.endMs, c.stepMs);
  } catch (e) {
    const message = (e as Error).message;
    if (!c.expectFail) return { ...base, status: 'fail', reason: `unexpected error: ${message}` };
    if (c.expectFail.message !== undefined && !message.includes(c.expectFail.message)) {
      return { ...base, status: 'fail', reason: `error ${JSON.stringify(message)} is not ${JSON.stringify(c.expectFail.message)}` };
    }
    if (c.expectFail.regex && !c.expectFail.regex.test(message))
      return { ...base, status: 'fail', reason: `error ${JSON.stringify(message)} does not match ${c.expectFail.regex}` };
    return { ...base, status: 'pass' };
  }
  if (c.expectFail) return { ...base, status: 'fail', reason: 'expected an error, got a result' };
  if (c.warn === true && result.warnings.length === 0) return { ...base, status: 'fail', reason: 'expected a warning' };
  if (c.warn === false && result.warnings.length > 0)
    return { ...base, status: 'fail', reason: `unexpected warning: ${result.warnings[0]}` };
  if (c.info === true && result.infos.length === 0) return { ...base, status: 'fail', reason: 'expected an info annotation' };
  if (c.info === false && result.infos.length > 0) return { ...base, status: 'fail', reason: `unexpected info: ${result.infos[0]}` };
  const problem = compare(c, result);
  return problem ? { ...base, status: 'fail', reason: problem } : { ...base, status: 'pass' };
}

/** Whether any vector selector in the query matches one of `series`. */
function readsAny(query: string, series: Labels[]): boolean {
  let expr: Expr;
  try {
    expr = parseExpr(query);
  } catch {
    return false;
  }
  let hit = false;
  const visit = (e: Expr): void => {
    switch (e.type) {
      case 'vectorSelector': {
        const ms = e.matchers.map(compileMatcher);
        if (series.some((l) => ms.every((m) => m.matches(l[m.name] ?? '')))) hit = true;
        return;
      }
      case 'matrixSelector':
        return visit(e.selector);
      case 'subquery':
      case 'paren':
      case 'unary':
        return visit(e.expr);
      case 'call':
        return e.args.forEach(visit);
      case 'aggregate':
        visit(e.expr);
        if (e.param) visit(e.param);
        return;
      case 'binary':
        visit(e.lhs);
        return visit(e.rhs);
      default:
        return;
    }
  };
  visit(expr);
  return hit;
}

function close(a: number, b: number): boolean {
  if (a !== a || b !== b) return a !== a && b !== b;
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const diff = Math.abs(a - b);
  return diff <= EPSILON * Math.max(Math.abs(a), Math.abs(b)) || diff < 1e-12;
}

function fmtSeries(labels: Labels): string {
  const { __name__: name = '', ...rest } = labels;
  return `${name}{${Object.keys(rest)
    .sort()
    .map((k) => `${k}="${rest[k]}"`)
    .join(', ')}}`;
}

function compare(c: EvalCase, r: QueryResult): string | undefined {
  const d = r.data;
  if (c.expectedString !== undefined) {
    if (d.resultType !== 'string') return `expected a string, got ${d.resultType}`;
    return d.result.v === c.expectedString ? undefined : `expected ${JSON.stringify(c.expectedString)}, got ${JSON.stringify(d.result.v)}`;
  }
  if (c.expectedScalar !== undefined) {
    if (d.resultType !== 'scalar') return `expected a scalar, got ${d.resultType}`;
    return close(d.result.v, c.expectedScalar) ? undefined : `expected ${c.expectedScalar}, got ${d.result.v}`;
  }
  // Expected series as (labels -> points at times).
  const want = new Map<string, { labels: Labels; points: Map<number, number> }>();
  const times = c.instant
    ? c.rangeVector
      ? stepsOf(c.rangeVector.startMs, c.rangeVector.endMs, c.rangeVector.stepMs)
      : [c.atMs]
    : stepsOf(c.startMs, c.endMs, c.stepMs);
  for (const s of c.expected) want.set(labelsKey(s.labels), { labels: s.labels, points: pointsAt(s, times) });
  const got = new Map<string, { labels: Labels; points: Map<number, number> }>();
  const order: string[] = [];
  if (d.resultType === 'vector') {
    for (const s of d.result) {
      const key = labelsKey(s.metric);
      if (got.has(key)) return `duplicate series ${fmtSeries(s.metric)} in the result`;
      got.set(key, { labels: s.metric, points: new Map([[c.instant && !c.rangeVector ? c.atMs : s.t, s.v]]) });
      order.push(key);
    }
  } else if (d.resultType === 'matrix') {
    for (const s of d.result) {
      got.set(labelsKey(s.metric), { labels: s.metric, points: new Map(s.points.map((p) => [p.t, p.v])) });
      order.push(labelsKey(s.metric));
    }
  } else {
    if (want.size === 0 && c.expected.length === 0) return `expected no series, got a ${d.resultType}`;
    return `expected series, got a ${d.resultType}`;
  }
  for (const [key, w] of want) {
    const g = got.get(key);
    if (!g) return `missing series ${fmtSeries(w.labels)}; got ${[...got.values()].map((x) => fmtSeries(x.labels)).join(' ') || 'nothing'}`;
    for (const [t, v] of w.points) {
      const gv = g.points.get(t);
      if (gv === undefined) return `series ${fmtSeries(w.labels)} has no point at ${t / 1000}s (expected ${v})`;
      if (!close(gv, v)) return `series ${fmtSeries(w.labels)} at ${t / 1000}s: expected ${v}, got ${gv}`;
    }
    for (const t of g.points.keys()) if (!w.points.has(t)) return `series ${fmtSeries(w.labels)} has an unexpected point at ${t / 1000}s`;
  }
  for (const [key, g] of got) if (!want.has(key)) return `unexpected series ${fmtSeries(g.labels)}`;
  if (c.ordered && d.resultType === 'vector') {
    const wantOrder = c.expected.map((s) => labelsKey(s.labels));
    if (wantOrder.join('\n') !== order.join('\n')) return 'series are not in the expected order';
  }
  return undefined;
}

function stepsOf(start: number, end: number, step: number): number[] {
  const out: number[] = [];
  for (let t = start; t <= end; t += step) out.push(t);
  return out;
}

function pointsAt(s: SeriesPoints, times: number[]): Map<number, number> {
  const out = new Map<number, number>();
  s.points.forEach((p, i) => {
    if (p === null || p === 'histogram' || p === 'stale' || i >= times.length) return;
    out.set(times[i], p);
  });
  return out;
}
