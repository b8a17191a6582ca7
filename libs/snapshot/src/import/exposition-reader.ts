// Turns Prometheus text / OpenMetrics pieces into staged samples, using libs/expfmt's
// streaming parser (which reports every malformed line with its number and skips it),
// and applies the import's own checks: a timestamp on every sample (or the default),
// valid labels.

import { ExpositionParser, type MetricFamily } from '@metrics-hub/expfmt';
import type { MetricMetadata } from '@metrics-hub/tsdb';
import { labelsKey, labelsProblem, type Labels } from '@metrics-hub/wire';
import type { Problems } from './problems.ts';
import type { Staging } from './staging.ts';

export class ExpositionReader {
  private readonly parser: ExpositionParser;
  readonly families = new Set<string>();
  readonly skippedFamilies: string[] = [];
  readonly metadata = new Map<string, MetricMetadata>();
  missingTimestamps = 0;
  samples = 0;
  private readonly labelProblems = new Map<string, string | undefined>();

  constructor(
    format: 'prometheus' | 'openmetrics',
    private readonly staging: Staging,
    private readonly problems: Problems,
    private readonly defaultTimestamp: number | undefined,
    maxProblems: number,
  ) {
    this.parser = new ExpositionParser({ format, maxProblems });
  }

  push(chunk: string): void {
    for (const f of this.parser.push(chunk)) this.family(f);
  }

  end(): void {
    const result = this.parser.end();
    for (const f of result.families) this.family(f);
    for (const p of result.problems)
      this.problems.add(p.line > 0 ? p.line : undefined, p.column ? `column ${p.column}: ${p.message}` : p.message);
  }

  private family(f: MetricFamily): void {
    this.families.add(f.name);
    if (f.type !== 'unknown' || f.help || f.unit) this.metadata.set(f.name, { type: f.type, help: f.help, unit: f.unit });
    let kept = 0;
    let untimed = 0;
    for (const s of f.samples) {
      let t = s.timestampMs;
      if (t === undefined) {
        untimed++;
        if (this.defaultTimestamp === undefined) continue;
        t = this.defaultTimestamp;
      }
      const labels: Labels = { __name__: s.name, ...s.labels };
      const problem = this.labelProblem(labels);
      if (problem) {
        this.problems.add(undefined, `series ${s.name}${JSON.stringify(s.labels)}: ${problem}`);
        continue;
      }
      this.staging.add(labels, t, s.value);
      kept++;
    }
    this.missingTimestamps += untimed;
    this.samples += kept;
    if (untimed > 0 && this.defaultTimestamp === undefined) {
      this.problems.add(
        undefined,
        `family ${f.name}: ${untimed} sample(s) without a timestamp: give the import a defaultTimestamp or add timestamps`,
      );
    }
    if (kept === 0 && f.samples.length > 0) this.skippedFamilies.push(f.name);
  }

  private labelProblem(labels: Labels): string | undefined {
    const key = labelsKey(labels);
    if (!this.labelProblems.has(key)) this.labelProblems.set(key, labelsProblem(labels));
    return this.labelProblems.get(key);
  }
}
