// Compact views of parse results for tests.
import type { MetricFamily, MetricSample } from './model.ts';
import type { ParseProblem } from './parser.ts';
import { formatFloat } from './numbers.ts';

/** `name{a="x",b="y"} value [@ts]`, label values JSON-quoted so escapes are visible. */
export function seriesLine(s: MetricSample): string {
  const labels = Object.entries(s.labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  return `${s.name}${labels ? `{${labels}}` : ''} ${formatFloat(s.value)}${s.timestampMs !== undefined ? ` @${s.timestampMs}` : ''}`;
}

/** Every sample of every family, in order. */
export function series(families: readonly MetricFamily[]): string[] {
  return families.flatMap((f) => f.samples.map(seriesLine));
}

/** `name type "help" unit n`: one line per family. */
export function familyHeads(families: readonly MetricFamily[]): string[] {
  return families.map((f) => `${f.name} ${f.type} ${JSON.stringify(f.help)}${f.unit ? ` ${f.unit}` : ''} ${f.samples.length}`);
}

/** Problems without their text: `[line, column, message]`. */
export function problemList(problems: readonly ParseProblem[]): [number, number | undefined, string][] {
  return problems.map((p) => [p.line, p.column, p.message]);
}
