// `mhb-json`, our lossless export: newline-delimited JSON, so it streams both ways and
// one bad line can be reported by number.
//
//   {"format":"mhb-json","version":1}
//   {"metadata":"node_load1","type":"gauge","help":"...","unit":""}      (zero or more)
//   {"labels":{"__name__":"up","job":"a"},"timestamps":[..ms..],"values":[..]}   (one or more per series)
//
// Values are JSON numbers when JSON can hold them exactly (finite, not -0: JavaScript's
// shortest round-trip digits read back to the same double) and otherwise a string of the
// 16 hex digits of the IEEE-754 bits, so NaN payloads (the staleness marker
// 7ff0000000000002), ±Inf and -0 come back bit for bit. A long series is split over
// several lines of at most one stored block each.

import type { MetricMetadata } from '@metrics-hub/tsdb';
import { floatToHex, needsBits } from '../float-bits.ts';
import type { ChunkedWriter } from './chunked-writer.ts';
import { TimestampTexts } from './timestamp-texts.ts';
import type { ExportSeries } from './selection.ts';

export const LOSSLESS_FORMAT = 'mhb-json';
export const LOSSLESS_VERSION = 1;

export function writeLossless(series: readonly ExportSeries[], metadata: Map<string, MetricMetadata>, out: ChunkedWriter): void {
  out.add(`${JSON.stringify({ format: LOSSLESS_FORMAT, version: LOSSLESS_VERSION })}\n`);
  const names = new Set(series.map((s) => s.labels.__name__ ?? ''));
  for (const [metric, meta] of metadata) {
    if (names.has(metric)) out.add(`${JSON.stringify({ metadata: metric, type: meta.type, help: meta.help, unit: meta.unit })}\n`);
  }
  const times = new TimestampTexts(String);
  for (const s of series) {
    const labels = JSON.stringify(s.labels);
    for (const block of s.blocks()) {
      if (block.length === 0) continue;
      const vs: string[] = new Array(block.length);
      for (let i = 0; i < block.length; i++) {
        vs[i] = needsBits(block.values[i]) ? `"${floatToHex(block.values, i)}"` : String(block.values[i]);
      }
      out.add(`{"labels":${labels},"timestamps":[${times.joined(block.timestamps, block.length)}],"values":[${vs.join(',')}]}\n`);
    }
  }
}
