// Prometheus's query_range response, byte for byte as Prometheus writes it:
// {"status":"success","data":{"resultType":"matrix","result":[{"metric":{..},"values":[[t,"v"],..]}]}}
// Point times and values follow Prometheus's util/jsonutil (1.5 s -> 1.500; 'f' format,
// 'e' below 1e-6 and from 1e21). Staleness markers are skipped: Prometheus never returns them.

import { jsonLabels, jsonPointTime, jsonPointValue } from '@metrics-hub/go-format';
import { isStaleNaN } from '@metrics-hub/wire';
import type { ChunkedWriter } from './chunked-writer.ts';
import type { ExportSeries } from './selection.ts';

export function writeQueryRangeJson(series: readonly ExportSeries[], out: ChunkedWriter): void {
  out.add('{"status":"success","data":{"resultType":"matrix","result":[');
  let first = true;
  for (const s of series) {
    out.add(`${first ? '' : ','}{"metric":${jsonLabels(s.labels)},"values":[`);
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
