// Runs the whole suite several times in a row under a competing CPU load, to bring out
// tests that fail only sometimes (timing assumptions, races, leaked ports or files).
//
//   node scripts/flake-hunt.mjs                       5 runs beside `stress-ng --cpu 2`
//   node scripts/flake-hunt.mjs --runs 3 --load suite beside a second copy of the suite
//   node scripts/flake-hunt.mjs --load none -- libs/tsdb   only some files, no extra load
//
// Each run's output goes to test-results/flake-hunt/run-N.log; the end is a table of runs
// and every test that failed, with how often. Exits 1 when any run failed.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reexecUnderSupportedNode } from './node-runtime.mjs';

await reexecUnderSupportedNode(import.meta.url);

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const dashDash = args.indexOf('--');
const own = dashDash < 0 ? args : args.slice(0, dashDash);
const passThrough = dashDash < 0 ? [] : args.slice(dashDash + 1);
const option = (name, fallback) => {
  const i = own.indexOf(`--${name}`);
  return i < 0 ? fallback : own[i + 1];
};
const runs = Number(option('runs', '5'));
const load = option('load', 'stress');
if (!Number.isInteger(runs) || runs < 1) fail(`--runs needs a whole number of at least 1, got ${option('runs')}`);
if (!['stress', 'suite', 'none'].includes(load)) fail(`--load is stress, suite or none, got ${load}`);

const outDir = join(root, 'test-results', 'flake-hunt');
mkdirSync(outDir, { recursive: true });
const cores = Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()) || 2;

function fail(message) {
  console.error(`flake-hunt: ${message}`);
  process.exit(2);
}

/** The competing load, started before each run and stopped after it. */
function startLoad(run) {
  if (load === 'none') return undefined;
  if (load === 'stress') {
    if (spawnSync('stress-ng', ['--version'], { stdio: 'ignore' }).status !== 0) {
      fail('stress-ng is not installed: `apt-get install stress-ng` (Debian), or use --load suite');
    }
    return spawn('stress-ng', ['--cpu', String(cores), '--cpu-method', 'matrixprod', '--timeout', '0'], {
      stdio: 'ignore',
      detached: true,
    });
  }
  // A second copy of the suite, its output kept apart; restarted until the run ends.
  const log = createWriteStream(join(outDir, `load-${run}.log`));
  const child = spawn('npx', ['vitest', 'run', '--reporter=dot'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  return child;
}

function stopLoad(child) {
  if (!child || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function runSuite(run) {
  return new Promise((resolve) => {
    const file = join(outDir, `run-${run}.log`);
    const log = createWriteStream(file);
    const started = Date.now();
    const child = spawn('node', ['scripts/test.mjs', ...passThrough], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let tail = '';
    const keep = (chunk) => {
      log.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const elapsed = () => `run ${run}/${runs}: ${Math.round((Date.now() - started) / 1000)} s`;
    const ticker = process.stderr.isTTY
      ? setInterval(() => process.stderr.write(`\r${elapsed()}`), 5000)
      : setInterval(() => process.stderr.write(`${elapsed()}\n`), 60_000);
    child.on('exit', (code) => {
      clearInterval(ticker);
      log.end(() => {
        const closing = /(\d+) passed, (\d+) failed, (\d+) skipped/.exec(tail);
        const text = readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
        const failedTests = [...text.matchAll(/^\s*FAIL\s+(.+)$/gm)].map((m) => m[1].trim());
        resolve({
          run,
          code,
          seconds: Math.round((Date.now() - started) / 1000),
          closing: closing?.[0] ?? '(no closing line)',
          failedTests: [...new Set(failedTests)],
          file,
        });
      });
    });
  });
}

console.log(
  `flake-hunt: ${runs} runs of the whole suite${passThrough.length ? ` (${passThrough.join(' ')})` : ''}, load: ${load === 'stress' ? `stress-ng on ${cores} cores` : load === 'suite' ? 'a second copy of the suite' : 'none'}; logs in ${outDir}`,
);
const results = [];
for (let run = 1; run <= runs; run++) {
  const competing = startLoad(run);
  const result = await runSuite(run);
  stopLoad(competing);
  results.push(result);
  if (process.stderr.isTTY) process.stderr.write('\r');
  console.log(
    `run ${run}: ${result.closing} in ${result.seconds} s (exit ${result.code})${result.failedTests.length ? `\n  ${result.failedTests.join('\n  ')}` : ''}`,
  );
}

const counts = new Map();
for (const r of results) for (const t of r.failedTests) counts.set(t, (counts.get(t) ?? 0) + 1);
console.log('\nrun  exit  seconds  result');
for (const r of results)
  console.log(`${String(r.run).padStart(3)}  ${String(r.code).padStart(4)}  ${String(r.seconds).padStart(7)}  ${r.closing}`);
if (counts.size) {
  console.log('\nfailed tests (runs failed / runs):');
  for (const [t, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${n}/${runs}  ${t}`);
}
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
