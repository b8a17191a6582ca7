// Prometheus's query_range response, byte for byte as Prometheus writes it:
// {"status":"success","data":{"resultType":"matrix","result":[{"metric":{..},"values":[[t,"v"],..]}]}}
// Point times and values follow Prometheus's util/jsonutil (1.5 s -> 1.500; 'f' format,
// 'e' below 1e-6 and from 1e21). Staleness markers are skipped: Prometheus never returns them.

import { isStaleNaN, type Labels } from '@metrics-hub/wire';
import type { ChunkedWriter } from './chunked-writer.ts';
import type { ExportSeries } from './selection.ts';
import { jsonPointTime } from './time-text.ts';

export function writeQueryRangeJson(series: readonly ExportSeries[], out: ChunkedWriter): void {
  out.add('{"status":"success","data":{"resultType":"matrix","result":[');
  let first = true;
  for (const s of series) {
    out.add(`${first ? '' : ','}{"metric":${labelsJson(s.labels)},"values":[`);
    first = false;
    let firstPoint = true;
    for (const block of s.blocks()) {
      for (let i = 0; i < block.length; i++) {
        const v = block.values[i];
        if (isStaleNaN(v)) continue;
        out.add(`${firstPoint ? '' : ','}[${jsonPointTime(block.timestamps[i])},"${jsonPointValue(v)}"]`);
        firstPoint = false;
      }
    }
    out.add(']}');
  }
  out.add(']}}');
}

/** jsonutil.MarshalFloat without the quotes. */
export function jsonPointValue(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const abs = Math.abs(v);
  // Go's shortest 'e' form pads the exponent to two digits (1e-07); JavaScript does not.
  if (abs < 1e-6 || abs >= 1e21) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return String(v);
}

/** Labels with sorted names, strings escaped as Go's encoder does (<, >, & as \u00XX). */
export function labelsJson(labels: Labels): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${goJson(k)}:${goJson(labels[k])}`)
    .join(',')}}`;
}

function goJson(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
