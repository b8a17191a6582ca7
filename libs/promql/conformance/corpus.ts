// The conformance corpus from ../shared/conformance/promql: which files are core (must
// pass) and which are experimental, and a per-file tally.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScript, type Outcome } from '../src/promqltest/run-script.ts';

export const CORE_FILES = [
  'aggregators',
  'at_modifier',
  'collision',
  'functions',
  'histograms',
  'literals',
  'operators',
  'range_queries',
  'selectors',
  'staleness',
  'subquery',
  'trig_functions',
];
export const EXPERIMENTAL_FILES = ['limit', 'name_label_dropping'];

/** The corpus folder: $METRICS_HUB_SHARED/conformance/promql, or ../shared beside the checkout. */
export function corpusDir(): string {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  const shared = process.env.METRICS_HUB_SHARED ?? join(root, '..', 'shared');
  const dir = join(shared, 'conformance', 'promql');
  if (!existsSync(dir))
    throw new Error(`PromQL conformance corpus not found at ${dir}: put shared/ beside the checkout or set METRICS_HUB_SHARED`);
  return dir;
}

export interface FileReport {
  file: string;
  outcomes: Outcome[];
  passed: number;
  failed: number;
  skipped: number;
}

export function runCorpusFile(file: string): FileReport {
  const outcomes = runScript(readFileSync(join(corpusDir(), `${file}.test`), 'utf8'));
  return {
    file,
    outcomes,
    passed: outcomes.filter((o) => o.status === 'pass').length,
    failed: outcomes.filter((o) => o.status === 'fail').length,
    skipped: outcomes.filter((o) => o.status === 'skip').length,
  };
}

export function formatReport(reports: FileReport[]): string {
  const rows = reports.map(
    (r) => `  ${r.file.padEnd(22)} ${String(r.passed).padStart(5)} ${String(r.failed).padStart(5)} ${String(r.skipped).padStart(5)}`,
  );
  const sum = (k: 'passed' | 'failed' | 'skipped') => reports.reduce((a, r) => a + r[k], 0);
  const passed = sum('passed');
  const failed = sum('failed');
  const rate = passed + failed ? ((100 * passed) / (passed + failed)).toFixed(1) : '0';
  return [
    `  ${'file'.padEnd(22)}  pass  fail  skip`,
    ...rows,
    `  ${'total'.padEnd(22)} ${String(passed).padStart(5)} ${String(failed).padStart(5)} ${String(sum('skipped')).padStart(5)}  (${rate}% of non-skipped pass)`,
  ].join('\n');
}
