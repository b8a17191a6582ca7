// Turns Prometheus text / OpenMetrics pieces into staged samples, using libs/expfmt's
// streaming parser (which reports every malformed line with its number and skips it),
// and applies the import's own checks: a timestamp on every sample (or the default),
// valid labels. Samples are staged as they are read, also those of a family still open
// (one family can be the whole file), so staging sees every sample as it arrives.

import { ExpositionParser, type MetricFamily, type MetricSample } from '@metrics-hub/expfmt';
import type { MetricMetadata } from '@metrics-hub/tsdb';
import { labelsKey, labelsProblem, type Labels } from '@metrics-hub/wire';
import type { Problems } from './problems.ts';
import type { Staging } from './staging.ts';

const LABEL_CACHE = 10_000;

/** A family's cost for the whole import: its name in this Set and the parser's two maps, with their entries. */
export function familyBytes(name: string): number {
  return 400 + 6 * name.length;
}

export class ExpositionReader {
  private readonly parser: ExpositionParser;
  readonly families = new Set<string>();
  readonly skippedFamilies: string[] = [];
  readonly metadata = new Map<string, MetricMetadata>();
  missingTimestamps = 0;
  samples = 0;
  /** Estimated bytes of what is kept per family for the whole import (here and in the parser). */
  bytes = 0;
  /** Label checks of recent series, by key; emptied past LABEL_CACHE entries so it stays small. */
  private readonly labelProblems = new Map<string, string | undefined>();
  /** The series of the previous sample: the parser's labels object, its name, and its staging slot or problem. */
  private last: { labels: Record<string, string>; name: string; slot: number; problem: string | undefined } | undefined;
  /** The family being read and what was kept of it so far. */
  private open: { family: MetricFamily; kept: number; untimed: number; total: number } | undefined;

  constructor(
    format: 'prometheus' | 'openmetrics',
    private readonly staging: Staging,
    private readonly problems: Problems,
    private readonly defaultTimestamp: number | undefined,
    maxProblems: number,
  ) {
    // Consecutive lines of one series share their labels: checked and staged once.
    this.parser = new ExpositionParser({ format, maxProblems, shareLabels: true });
  }

  push(chunk: string | Uint8Array): void {
    for (const f of typeof chunk === 'string' ? this.parser.push(chunk) : this.parser.pushBytes(chunk)) this.family(f);
    const open = this.parser.takeOpenSamples();
    if (open) this.samplesOf(open.family, open.samples);
  }

  end(): void {
    const result = this.parser.end();
    for (const f of result.families) this.family(f);
    for (const p of result.problems)
      this.problems.add(p.line > 0 ? p.line : undefined, p.column ? `column ${p.column}: ${p.message}` : p.message);
  }

  /** A family completed: its last samples, then its metadata and the checks of the whole family. */
  private family(f: MetricFamily): void {
    const state = this.samplesOf(f, f.samples);
    this.open = undefined;
    if (!this.families.has(f.name)) {
      this.families.add(f.name);
      this.bytes += familyBytes(f.name);
    }
    if (f.type !== 'unknown' || f.help || f.unit) this.metadata.set(f.name, { type: f.type, help: f.help, unit: f.unit });
    if (state.untimed > 0 && this.defaultTimestamp === undefined) {
      this.problems.add(
        undefined,
        `family ${f.name}: ${state.untimed} sample(s) without a timestamp: give the import a defaultTimestamp or add timestamps`,
      );
    }
    if (state.kept === 0 && state.total > 0) this.skippedFamilies.push(f.name);
  }

  private samplesOf(f: MetricFamily, samples: MetricSample[]): { kept: number; untimed: number; total: number } {
    if (this.open?.family !== f) this.open = { family: f, kept: 0, untimed: 0, total: 0 };
    const state = this.open;
    state.total += samples.length;
    for (const s of samples) {
      let t = s.timestampMs;
      if (t === undefined) {
        state.untimed++;
        this.missingTimestamps++;
        if (this.defaultTimestamp === undefined) continue;
        t = this.defaultTimestamp;
      }
      let last = this.last;
      if (last === undefined || last.labels !== s.labels || last.name !== s.name) {
        const labels: Labels = { __name__: s.name, ...s.labels };
        const problem = this.labelProblem(labels);
        const slot = problem ? -1 : this.staging.slot(labels);
        last = this.last = { labels: s.labels, name: s.name, problem, slot };
      }
      if (last.problem) {
        this.problems.add(undefined, `series ${s.name}${JSON.stringify(s.labels)}: ${last.problem}`);
        continue;
      }
      this.staging.addTo(last.slot, t, s.value);
      state.kept++;
      this.samples++;
    }
    return state;
  }

  private labelProblem(labels: Labels): string | undefined {
    const key = labelsKey(labels);
    if (this.labelProblems.size >= LABEL_CACHE) this.labelProblems.clear();
    if (!this.labelProblems.has(key)) this.labelProblems.set(key, labelsProblem(labels));
    return this.labelProblems.get(key);
  }
}
