// Which series a dashboard reads: every vector or matrix selector in every panel's PromQL.
// The selectors are exported raw (not the panels' results) so the receiving hub can
// evaluate the panels itself, and any other query over the same series.

import { parseExpr, type Expr, type Matcher } from '@metrics-hub/promql';
import { IncidentError, type IncidentDashboard } from './format.ts';

export interface SelectorNeed {
  /** The selector's matchers; offset and @ are dropped (the window is what matters). */
  matchers: Matcher[];
  /** How far before the window's start its samples are needed: the range of an enclosing [..] plus offsets, where those are literal. */
  extraMs: number;
}

/** The selectors of every panel plus `extra` (each a PromQL expression, usually a plain selector). */
export function dashboardSelectors(dashboard: IncidentDashboard, extra: readonly string[] = []): SelectorNeed[] {
  const out: SelectorNeed[] = [];
  const exprs = [
    ...dashboard.panels.map((p, i) => ({ what: `panel #${i + 1} (${p.title})`, expr: p.expr })),
    ...extra.map((e) => ({ what: 'selector', expr: e })),
  ];
  for (const { what, expr } of exprs) {
    let ast: Expr;
    try {
      ast = parseExpr(expr);
    } catch (e) {
      throw new IncidentError('bad_request', `${what}: ${JSON.stringify(expr)} does not parse: ${(e as Error).message}`);
    }
    walk(ast, 0, out);
  }
  return out;
}

function walk(e: Expr, extraMs: number, out: SelectorNeed[]): void {
  switch (e.type) {
    case 'vectorSelector':
      out.push({ matchers: e.matchers, extraMs: extraMs + literalMs(e.offset) });
      return;
    case 'matrixSelector':
      walk(e.selector, extraMs + literalMs(e.range), out);
      return;
    case 'subquery':
      walk(e.expr, extraMs + literalMs(e.range) + literalMs(e.offset), out);
      return;
    case 'call':
      for (const a of e.args) walk(a, extraMs, out);
      return;
    case 'aggregate':
      walk(e.expr, extraMs, out);
      if (e.param) walk(e.param, extraMs, out);
      return;
    case 'binary':
      walk(e.lhs, extraMs, out);
      walk(e.rhs, extraMs, out);
      return;
    case 'unary':
    case 'paren':
      walk(e.expr, extraMs, out);
      return;
    default:
      return;
  }
}

/** A literal duration in ms; query-dependent ones (step(), range()) count as 0, negative offsets too. */
function literalMs(d: { kind: string; seconds?: number } | undefined): number {
  return d?.kind === 'literal' && (d.seconds ?? 0) > 0 ? d.seconds! * 1000 : 0;
}
