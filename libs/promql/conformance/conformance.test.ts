// Prometheus's own PromQL test scripts, run against this engine. Core files must pass
// except the cases listed (with reasons) in known-failures.txt; native-histogram cases are
// skipped and counted.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORE_FILES, EXPERIMENTAL_FILES, formatReport, runCorpusFile, type FileReport } from './corpus.ts';

const known = new Map(
  readFileSync(new URL('./known-failures.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [where, ...reason] = l.trim().split(/\s+/);
      return [where, reason.join(' ')] as const;
    }),
);

describe('PromQL conformance (Prometheus promqltest corpus)', () => {
  const reports: FileReport[] = [];

  for (const file of CORE_FILES) {
    it(`${file}.test: no failures beyond the known list`, () => {
      const report = runCorpusFile(file);
      reports.push(report);
      const unexpected = report.outcomes
        .filter((o) => o.status === 'fail' && !known.has(`${file}:${o.line}`))
        .map((o) => `${file}:${o.line} ${o.query}\n    ${o.status === 'fail' ? o.reason : ''}`);
      const nowPassing = report.outcomes
        .filter((o) => o.status === 'pass' && known.has(`${file}:${o.line}`))
        .map((o) => `${file}:${o.line}`);
      expect(unexpected, 'failing cases not in known-failures.txt').toEqual([]);
      expect(nowPassing, 'cases in known-failures.txt that pass now: remove them from the list').toEqual([]);
      expect(report.passed).toBeGreaterThan(0);
    });
  }

  it('passes at least 98% of the non-skipped core cases', () => {
    const all = reports.length === CORE_FILES.length ? reports : CORE_FILES.map(runCorpusFile);
    const passed = all.reduce((a, r) => a + r.passed, 0);
    const failed = all.reduce((a, r) => a + r.failed, 0);
    console.log(`PromQL conformance, core files:\n${formatReport(all)}`);
    console.log(`PromQL conformance, experimental files:\n${formatReport(EXPERIMENTAL_FILES.map(runCorpusFile))}`);
    expect(passed / (passed + failed)).toBeGreaterThanOrEqual(0.98);
  });
});
