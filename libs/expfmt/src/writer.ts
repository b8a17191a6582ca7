// Writes metric families as the Prometheus text format 0.0.4 or OpenMetrics 1.0 text.

import type { ExpositionFormat } from './format.ts';
import type { MetricFamily, MetricSample, MetricType } from './model.ts';
import { escapeHelp, escapeQuoted, isLegacyLabelName, isLegacyMetricName } from './names.ts';
import { formatFloat, formatMillis, formatSeconds } from './numbers.ts';

/** Type words of the Prometheus text format, which has no info, stateset or gaugehistogram. */
const PROMETHEUS_TYPE: Record<MetricType, string> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  unknown: 'untyped',
  info: 'gauge',
  stateset: 'gauge',
  gaugehistogram: 'histogram',
};

/**
 * Writes families as the Prometheus text format 0.0.4 (default) or as OpenMetrics 1.0
 * text ending with `# EOF`. Values and timestamps are written exactly: floats in Go's
 * formatting (`+Inf`, `-Inf`, `NaN`, shortest round-trip digits, `1e+06`), Prometheus
 * timestamps as integer milliseconds, OpenMetrics timestamps as seconds with the decimal
 * point moved (1520879607789 ms -> `1520879607.789`). Label values are escaped (`\\`,
 * `\"`, `\n`), HELP text too (`\\`, `\n`; OpenMetrics also `\"`). Names outside the legacy
 * character sets are quoted: `{"my.metric","my.label"="x"} 1`, `# TYPE "my.metric" gauge`.
 *
 * What one format cannot say:
 * - Prometheus text: `info` and `stateset` are written as `gauge`, `gaugehistogram` as
 *   `histogram`, `unknown` as `untyped`; units are not written; `_created` samples (and a
 *   gauge histogram's `_gsum`/`_gcount`) go to their own gauge family after the family,
 *   as the Prometheus client libraries write them.
 * - OpenMetrics: counter samples are `<name>_total` and info samples `<name>_info`; a
 *   sample named like its family without that suffix gets it.
 *
 * Throws a TypeError for what no exposition can hold: an empty metric or label name, a
 * `__name__` label, a timestamp that is not a finite number.
 */
export function writeExposition(families: readonly MetricFamily[], format: ExpositionFormat = 'prometheus'): string {
  // Lines are collected and joined once: appending to one string builds a rope of
  // millions of pieces that costs more to collect than to write.
  const out: string[] = [];
  if (format === 'openmetrics') {
    for (const fam of families) openMetricsFamily(fam, out);
    out.push('# EOF\n');
  } else {
    for (const fam of families) prometheusFamily(fam, out);
  }
  return out.join('');
}

function metaName(name: string): string {
  if (name === '') throw new TypeError('writeExposition: empty metric family name');
  return isLegacyMetricName(name) ? name : `"${escapeQuoted(name)}"`;
}

function sampleLine(s: MetricSample, name: string, om: boolean): string {
  if (name === '') throw new TypeError('writeExposition: empty sample name');
  let pairs = '';
  for (const key of Object.keys(s.labels)) {
    if (key === '') throw new TypeError(`writeExposition: empty label name on a ${name} sample`);
    if (key === '__name__')
      throw new TypeError(`writeExposition: label __name__ on a ${name} sample: the metric name is the sample's name`);
    const label = isLegacyLabelName(key) ? key : `"${escapeQuoted(key)}"`;
    pairs += `${(pairs === '' ? '' : ',') + label}="${escapeQuoted(s.labels[key])}"`;
  }
  let line: string;
  if (isLegacyMetricName(name)) line = pairs === '' ? name : `${name}{${pairs}}`;
  else line = `{"${escapeQuoted(name)}"${pairs === '' ? '' : `,${pairs}`}}`;
  line += ` ${formatFloat(s.value)}`;
  const ts = s.timestampMs;
  if (ts !== undefined) {
    if (typeof ts !== 'number' || !Number.isFinite(ts))
      throw new TypeError(`writeExposition: timestamp ${String(ts)} of a ${name} sample is not a finite number`);
    line += ` ${om ? formatSeconds(ts) : formatMillis(ts)}`;
  }
  return `${line}\n`;
}

/** The family's name without `suffix`, when it has it. */
function strip(name: string, suffix: string): string {
  return name.length > suffix.length && name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
}

function prometheusFamily(fam: MetricFamily, out: string[]): void {
  const name = metaName(fam.name);
  if (fam.help !== '') out.push(`# HELP ${name} ${escapeHelp(fam.help)}\n`);
  out.push(`# TYPE ${name} ${PROMETHEUS_TYPE[fam.type] ?? 'untyped'}\n`);
  // OpenMetrics-only samples move to gauge families of their own, written after this one.
  const base = fam.type === 'counter' ? strip(fam.name, '_total') : fam.name;
  let moved: string[] = [];
  if (fam.type === 'counter' || fam.type === 'histogram' || fam.type === 'summary') moved = ['_created'];
  else if (fam.type === 'gaugehistogram') moved = ['_gcount', '_gsum'];
  const groups = new Map<string, string[]>();
  for (const s of fam.samples) {
    const suffix =
      moved.length > 0 && s.name.startsWith(base)
        ? moved.find((m) => s.name.length === base.length + m.length && s.name.endsWith(m))
        : undefined;
    if (suffix === undefined) out.push(sampleLine(s, s.name, false));
    else {
      let lines = groups.get(suffix);
      if (lines === undefined) groups.set(suffix, (lines = []));
      lines.push(sampleLine(s, s.name, false));
    }
  }
  for (const suffix of moved) {
    const lines = groups.get(suffix);
    if (lines === undefined) continue;
    const extra = metaName(base + suffix);
    if (fam.help !== '') out.push(`# HELP ${extra} ${escapeHelp(fam.help)}\n`);
    out.push(`# TYPE ${extra} gauge\n`);
    for (const line of lines) out.push(line);
  }
}

function openMetricsFamily(fam: MetricFamily, out: string[]): void {
  const suffix = fam.type === 'counter' ? '_total' : fam.type === 'info' ? '_info' : '';
  const base = suffix === '' ? fam.name : strip(fam.name, suffix);
  const name = metaName(base);
  out.push(`# TYPE ${name} ${fam.type}\n`);
  if (fam.unit !== '') out.push(`# UNIT ${name} ${fam.unit}\n`);
  if (fam.help !== '') out.push(`# HELP ${name} ${escapeQuoted(fam.help)}\n`);
  for (const s of fam.samples) out.push(sampleLine(s, suffix !== '' && s.name === base ? base + suffix : s.name, true));
}
