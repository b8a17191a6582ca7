// The fuzz targets (every `*.fuzz.test.ts`) with many more inputs than `npm test` gives
// them, and how many inputs each tried, its slowest input and its peak heap growth.
//   npx tsx libs/testing/bench/fuzz.bench.ts [--runs 20000]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FuzzReport } from '../src/fuzz.ts';
import { parseBenchArgs, printTable, tempDir } from '../src/index.ts';

const { runs } = parseBenchArgs(process.argv.slice(2), { runs: 20_000 });
const root = fileURLToPath(new URL('../../..', import.meta.url));
const reports = tempDir('fuzz-report-');
console.error(`fuzz: every *.fuzz.test.ts with ${runs} inputs per target`);
const res = spawnSync('npx', ['vitest', 'run', '--reporter=dot', 'fuzz.test'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_REPORT_DIR: reports.path },
});
const rows = readdirSync(reports.path)
  .map((f) => JSON.parse(readFileSync(join(reports.path, f), 'utf8')) as FuzzReport)
  .sort((a, b) => a.name.localeCompare(b.name));
printTable(
  `fuzz targets (${rows.length}), inputs tried each`,
  rows.map((r) => [
    r.name,
    `${r.inputs} inputs in ${r.seconds.toFixed(1)} s, slowest ${r.slowestMs.toFixed(1)} ms, heap +${(r.peakHeapGrowthBytes / 2 ** 20).toFixed(0)} MiB`,
  ]),
);
reports.remove();
process.exit(res.status ?? 1);
