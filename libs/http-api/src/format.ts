// Query results as JSON text, byte for byte as Prometheus writes them. Results can hold
// millions of points, so they are written as strings rather than built as objects and
// passed through JSON.stringify (which also could not print NaN or ±Inf).
//
// Prometheus prints vector and matrix points through its own encoders (util/jsonutil)
// and scalars and strings through encoding/json, and the two differ in detail:
//
//   point timestamp   MarshalTimestamp: whole seconds, then "." and exactly three
//                     millisecond digits when not whole (1500 ms -> 1.500)
//   point value       MarshalFloat: strconv 'f' -1, or 'e' -1 below 1e-6 or from 1e21
//   scalar timestamp  a JSON number of float64(ms)/1000 (1500 ms -> 1.5)
//   scalar value      strconv.FormatFloat(v, 'f', -1, 64), never an exponent

import { formatFloat, goJsonString, jsonLabels, jsonPointTime, jsonPointValue } from '@metrics-hub/go-format';
import type { QueryData, RangeSeries } from '@metrics-hub/promql';
import type { Labels } from '@metrics-hub/wire';

/** jsonutil.MarshalTimestamp and MarshalFloat (without the quotes). */
export { jsonPointTime as formatPointTime, jsonPointValue as formatPointValue } from '@metrics-hub/go-format';

/** Scalar.MarshalJSON's value: strconv.FormatFloat(v, 'f', -1, 64). */
export function formatScalarValue(v: number): string {
  return formatFloat(v, 'f', -1);
}

/** A JSON string as Go's encoder writes it: HTML-significant characters and line separators escaped. */
export const jsonString = goJsonString;

/** A label set as an object with names in sorted order, as Prometheus's sorted labels print. */
export const labelsJson: (labels: Labels) => string = jsonLabels;

function point(t: number, v: number): string {
  return `[${jsonPointTime(t)},"${jsonPointValue(v)}"]`;
}

/** The `result` of a query: vector, matrix, scalar or string. */
export function resultJson(data: QueryData): string {
  switch (data.resultType) {
    case 'vector':
      return `[${data.result.map((s) => `{"metric":${labelsJson(s.metric)},"value":${point(s.t, s.v)}}`).join(',')}]`;
    case 'matrix': {
      const series: string[] = [];
      for (const s of data.result) {
        const points = new Array<string>(s.points.length);
        for (let i = 0; i < s.points.length; i++) points[i] = point(s.points[i].t, s.points[i].v);
        series.push(`{"metric":${labelsJson(s.metric)},"values":[${points.join(',')}]}`);
      }
      return `[${series.join(',')}]`;
    }
    case 'scalar':
      return `[${String(data.result.t / 1000)},"${formatScalarValue(data.result.v)}"]`;
    case 'string':
      return `[${String(data.result.t / 1000)},${jsonString(data.result.v)}]`;
  }
}

/** The `data` of a query response. */
export function queryDataJson(data: QueryData): string {
  return `{"resultType":"${data.resultType}","result":${resultJson(data)}}`;
}

/** The success envelope; warnings and infos appear only when there are some. */
export function successJson(dataJson: string, warnings: readonly string[] = [], infos: readonly string[] = []): string {
  return [...successPieces([dataJson], warnings, infos)].join('');
}

/** successJson around `data` given in pieces. */
export function* successPieces(data: Iterable<string>, warnings: readonly string[] = [], infos: readonly string[] = []): Generator<string> {
  yield '{"status":"success","data":';
  yield* data;
  let out = '';
  if (warnings.length) out += `,"warnings":[${warnings.map(jsonString).join(',')}]`;
  if (infos.length) out += `,"infos":[${infos.map(jsonString).join(',')}]`;
  yield `${out}}`;
}

export function errorJson(errorType: string, message: string): string {
  return `{"status":"error","errorType":${jsonString(errorType)},"error":${jsonString(message)}}`;
}

/**
 * A range query's matrix from the engine's step grid, as `queryDataJson` writes the same
 * matrix as points: the grid's times are shared by every series, so each `[<time>,"`
 * is written once and reused.
 */
export function stepMatrixJson(times: Float64Array, series: readonly RangeSeries[]): string {
  return [...stepMatrixPieces(times, series)].join('');
}

/** stepMatrixJson in pieces, a series each, for an encoder that compresses as they come. */
export function* stepMatrixPieces(times: Float64Array, series: readonly RangeSeries[]): Generator<string> {
  const heads = new Array<string>(times.length);
  for (let i = 0; i < times.length; i++) heads[i] = `[${jsonPointTime(times[i])},"`;
  yield '{"resultType":"matrix","result":[';
  for (let k = 0; k < series.length; k++) {
    const { has, values } = series[k];
    let out = `${k > 0 ? ',' : ''}{"metric":${labelsJson(series[k].metric)},"values":[`;
    let sep = '';
    for (let i = 0; i < heads.length; i++) {
      if (!has[i]) continue;
      out += `${sep}${heads[i]}${jsonPointValue(values[i])}"]`;
      sep = ',';
    }
    yield `${out}]}`;
  }
  yield ']}';
}

/**
 * A range query's matrix on its step grid, for clients that draw it (our renderer asks
 * with `format=columns`; Prometheus has no such parameter and ignores it): one value per
 * step, `null` where a series has no point, numbers as JSON numbers (`"NaN"`, `"+Inf"`,
 * `"-Inf"` as strings). A third of the bytes of the standard shape and no per-point
 * arrays, so a browser parses it several times faster.
 */
export function matrixColumnsJson(times: Float64Array, series: readonly RangeSeries[], startMs: number, stepMs: number): string {
  return [...matrixColumnsPieces(times, series, startMs, stepMs)].join('');
}

/** matrixColumnsJson in pieces, a series each. */
export function* matrixColumnsPieces(
  times: Float64Array,
  series: readonly RangeSeries[],
  startMs: number,
  stepMs: number,
): Generator<string> {
  const count = times.length;
  const cells: string[] = new Array<string>(count);
  yield `{"resultType":"matrix","format":"columns","start":${startMs / 1000},"step":${stepMs / 1000},"count":${count},"result":[`;
  for (let k = 0; k < series.length; k++) {
    const { has, values } = series[k];
    for (let i = 0; i < count; i++) {
      const v = values[i];
      cells[i] = !has[i] ? 'null' : Number.isFinite(v) ? String(v) : Number.isNaN(v) ? '"NaN"' : v > 0 ? '"+Inf"' : '"-Inf"';
    }
    yield `${k > 0 ? ',' : ''}{"metric":${labelsJson(series[k].metric)},"values":[${cells.join(',')}]}`;
  }
  yield ']}';
}
