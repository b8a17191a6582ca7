// What an export reads: either the raw samples of a series selector, as stored, or the
// points of a PromQL expression evaluated as a range query. Both end up as the same
// series-of-blocks shape so that every format writer reads one thing.

import { Engine, parseExpr, type Queryable } from '@metrics-hub/promql';
import type { MetricMetadata, SampleBlock } from '@metrics-hub/tsdb';
import type { LabelMatcher, Labels } from '@metrics-hub/wire';

export interface ExportSeries {
  readonly labels: Labels;
  /** Samples in ascending time, one block at a time. */
  blocks(): Iterable<SampleBlock>;
}

/** A store to export from; TimeSeriesStore satisfies it. */
export interface ExportSource extends Queryable {
  select(matchers: readonly LabelMatcher[], mint: number, maxt: number): Iterable<ExportSeries>;
  /** HELP/TYPE/UNIT by metric name, used by the OpenMetrics writer and the lossless format. */
  metadata?(): Map<string, MetricMetadata>;
}

export type Selection =
  /** Raw samples as stored, e.g. `node_load1{instance="a"}`. */
  | { selector: string }
  /** A PromQL expression evaluated at every step from start to end. */
  | { query: string; stepMs: number };

export class ExportError extends Error {
  constructor(
    readonly code: 'bad_selector' | 'bad_query' | 'bad_range' | 'bad_format',
    message: string,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

/** The series a selection covers in [startMs, endMs], sorted by name then labels (families stay together). */
export function resolveSelection(
  source: ExportSource,
  selection: Selection,
  startMs: number,
  endMs: number,
  engine?: Engine,
): ExportSeries[] {
  if (!(endMs >= startMs))
    throw new ExportError('bad_range', `end (${endMs}) is before start (${startMs}): give a range with start <= end`);
  let series: ExportSeries[];
  if ('selector' in selection) {
    series = [...source.select(selectorMatchers(selection.selector), startMs, endMs)];
  } else {
    series = queryMatrix(source, selection.query, selection.stepMs, startMs, endMs, engine ?? new Engine());
  }
  return series.sort((a, b) => compareLabels(a.labels, b.labels));
}

function selectorMatchers(selector: string): LabelMatcher[] {
  let expr;
  try {
    expr = parseExpr(selector);
  } catch (e) {
    throw new ExportError('bad_selector', `selector ${JSON.stringify(selector)} does not parse: ${(e as Error).message}`);
  }
  if (expr.type !== 'vectorSelector' || expr.offset || expr.at) {
    throw new ExportError(
      'bad_selector',
      `${JSON.stringify(selector)} is not a plain series selector (like node_load1{instance="a"}): export it as a query with a step instead`,
    );
  }
  return expr.matchers;
}

function queryMatrix(source: ExportSource, query: string, stepMs: number, startMs: number, endMs: number, engine: Engine): ExportSeries[] {
  let result;
  try {
    result = engine.rangeQuery(source, query, startMs, endMs, stepMs);
  } catch (e) {
    throw new ExportError('bad_query', `query ${JSON.stringify(query)} failed: ${(e as Error).message}`);
  }
  const data = result.data;
  if (data.resultType !== 'matrix')
    throw new ExportError('bad_query', `query ${JSON.stringify(query)} returned a ${data.resultType}, not a range of values`);
  return data.result.map((s) => {
    const block: SampleBlock = {
      timestamps: new Float64Array(s.points.length),
      values: new Float64Array(s.points.length),
      length: s.points.length,
    };
    s.points.forEach((p, i) => {
      block.timestamps[i] = p.t;
      block.values[i] = p.v;
    });
    return { labels: s.metric, blocks: () => [block] };
  });
}

export function compareLabels(a: Labels, b: Labels): number {
  const an = a.__name__ ?? '';
  const bn = b.__name__ ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  const ka = labelPairs(a);
  const kb = labelPairs(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function labelPairs(l: Labels): string {
  return Object.keys(l)
    .sort()
    .map((k) => `${k}\u0000${l[k]}`)
    .join('\u0001');
}
