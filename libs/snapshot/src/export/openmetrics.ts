// OpenMetrics 1.0 text for `promtool tsdb create-blocks-from openmetrics`: one family per
// metric name (series of a family are contiguous because the selection is sorted by
// name), metadata from the store where it fits OpenMetrics' rules, samples with
// timestamps in seconds, `# EOF` last.
//
// Family types: a counter must be written as family `foo` with samples `foo_total`, so
// only counters whose series name ends in `_total` keep their type; gauges keep theirs;
// everything else (histogram and summary parts such as `x_bucket`, info, stateset, series
// without metadata) becomes `unknown`, which takes any sample name. `# UNIT` is written
// only when the family name ends in `_<unit>`, as OpenMetrics requires.
//
// Staleness markers are skipped: OpenMetrics has no way to say "stale" and a plain NaN
// would come back as a real NaN sample. Every other value round-trips exactly
// (shortest round-trip digits, `+Inf`, `-Inf`, `NaN`, `-0`).

import { formatFloat, formatSeconds } from '@metrics-hub/expfmt';
import type { MetricMetadata } from '@metrics-hub/tsdb';
import { isStaleNaN, type Labels } from '@metrics-hub/wire';
import type { ChunkedWriter } from './chunked-writer.ts';
import { TimestampTexts } from './timestamp-texts.ts';
import type { ExportSeries } from './selection.ts';

interface FamilyHeader {
  name: string;
  type: 'counter' | 'gauge' | 'unknown';
  help: string;
  unit: string;
}

export function writeOpenMetrics(series: readonly ExportSeries[], metadata: Map<string, MetricMetadata>, out: ChunkedWriter): void {
  let current: string | undefined;
  const times = new TimestampTexts(formatSeconds);
  for (const s of series) {
    const name = s.labels.__name__ ?? '';
    if (name !== current) {
      current = name;
      const header = familyHeader(name, metadata.get(name));
      if (header.help) out.add(`# HELP ${header.name} ${escapeHelp(header.help)}\n`);
      out.add(`# TYPE ${header.name} ${header.type}\n`);
      if (header.unit) out.add(`# UNIT ${header.name} ${header.unit}\n`);
    }
    const prefix = `${name + labelSet(s.labels)} `;
    for (const block of s.blocks()) {
      const seconds = times.texts(block.timestamps, block.length);
      for (let i = 0; i < block.length; i++) {
        const v = block.values[i];
        if (isStaleNaN(v)) continue;
        out.add(`${prefix}${formatFloat(v)} ${seconds[i]}\n`);
      }
    }
  }
  out.add('# EOF\n');
}

export function familyHeader(name: string, meta: MetricMetadata | undefined): FamilyHeader {
  let header: FamilyHeader = { name, type: 'unknown', help: meta?.help ?? '', unit: '' };
  if (meta?.type === 'counter' && name.endsWith('_total') && name.length > 6)
    header = { ...header, name: name.slice(0, -6), type: 'counter' };
  else if (meta?.type === 'gauge') header.type = 'gauge';
  if (meta?.unit && header.name.endsWith(`_${meta.unit}`)) header.unit = meta.unit;
  return header;
}

function labelSet(labels: Labels): string {
  const names = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort();
  if (names.length === 0) return '';
  return `{${names.map((k) => `${k}="${escapeLabelValue(labels[k])}"`).join(',')}}`;
}

function escapeLabelValue(s: string): string {
  return s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function escapeHelp(s: string): string {
  return s.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}
