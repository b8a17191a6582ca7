// `npm run bench`: every benchmark in turn; figures only, nothing asserted.
// Pass arguments through, e.g. `npm run bench -- --hosts 5 --hours 2` for a quick run;
// each bench gets the ones it knows.
import { spawnSync } from 'node:child_process';

const benches = [
  { file: 'libs/wire/bench/codec.bench.ts', takes: ['--hosts', '--hours'] },
  { file: 'libs/wire/bench/regex.bench.ts', takes: [] },
  { file: 'libs/tsdb/bench/store.bench.ts', takes: ['--hosts', '--hours'] },
  { file: 'libs/tsdb/bench/archive.bench.ts', takes: ['--hosts'] },
  { file: 'libs/promql/bench/queries.bench.ts', takes: ['--hosts', '--hours'] },
  {
    file: 'apps/desktop/bench/query-http.bench.ts',
    takes: ['--hosts', '--hours', '--jitter-ms', '--rounds', '--runs', '--step', '--peers'],
  },
  { file: 'apps/desktop/bench/import.bench.ts', takes: ['--hosts', '--hours', '--jitter-ms', '--peers'] },
  { file: 'apps/agent/bench/outage.bench.ts', takes: [] },
  { file: 'apps/agent/bench/resources.bench.ts', takes: ['--seconds'] },
  { file: 'libs/hub/bench/ingest.bench.ts', takes: ['--hours', '--agents'] },
  { file: 'libs/hub/bench/ingest-under-query.bench.ts', takes: ['--hosts', '--hours', '--agents', '--seconds', '--clients'] },
  { file: 'libs/remote-write/bench/remote-write.bench.ts', takes: ['--hosts', '--hours'] },
  { file: 'libs/alerts/bench/rules.bench.ts', takes: ['--hosts', '--hours'] },
  { file: 'libs/hub/bench/alert-latency.bench.ts', takes: [] },
  { file: 'libs/hub/bench/remote-write-in.bench.ts', takes: ['--series'] },
  { file: 'libs/hub/bench/query-pool.bench.ts', takes: ['--hosts', '--hours'] },
  { file: 'apps/e2e/bench/scale-out.bench.ts', takes: ['--agents'] },
  { file: 'apps/desktop/src/renderer/bench/host-frames.bench.ts', takes: ['--seconds'] },
  { file: 'apps/desktop/src/renderer/bench/explore-draw.bench.ts', takes: [] },
  { file: 'libs/testing/bench/fuzz.bench.ts', takes: ['--runs'] },
];
const extra = process.argv.slice(2);
let failed = 0;
for (const [i, { file, takes }] of benches.entries()) {
  const args = [];
  for (let k = 0; k < extra.length; k += 2) if (takes.includes(extra[k])) args.push(extra[k], extra[k + 1]);
  console.error(`[${i + 1}/${benches.length}] ${file} ${args.join(' ')}`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file, ...args], { stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
