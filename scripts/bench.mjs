// `npm run bench`: every benchmark in turn; figures only, nothing asserted.
// Pass arguments through, e.g. `npm run bench -- --hosts 5 --hours 2` for a quick run.
import { spawnSync } from 'node:child_process';

const benches = ['libs/wire/bench/codec.bench.ts', 'libs/tsdb/bench/store.bench.ts', 'libs/promql/bench/queries.bench.ts'];
const extra = process.argv.slice(2);
let failed = 0;
for (const [i, file] of benches.entries()) {
  console.error(`[${i + 1}/${benches.length}] ${file}`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file, ...extra], { stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
