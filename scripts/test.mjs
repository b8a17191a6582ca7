// `npm test`: check formatting, lint and layers, type-check every package, then run every test once with vitest, and end
// with a plain "N passed, N failed" line. A run that executes no test fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reexecUnderSupportedNode } from './node-runtime.mjs';
import { checkStyle } from './check-style.mjs';

await reexecUnderSupportedNode(import.meta.url);

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env });

if (checkStyle() !== 0) process.exit(1);
console.log('typecheck: every package (tsc --noEmit)');
const tc = run('npx', ['nx', 'run-many', '-t', 'typecheck', '--outputStyle=stream']);
if (tc.status !== 0) {
  console.error('typecheck failed: fix the errors above (npm run typecheck repeats it)');
  process.exit(tc.status ?? 1);
}

const out = mkdtempSync(join(tmpdir(), 'vitest-'));
const report = join(out, 'report.json');
const extra = process.argv.slice(2);
const res = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra]);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests;
  skipped = json.numPendingTests + json.numTodoTests;
  // A file that fails to load has no failed test of its own: count it once.
  if (failed === 0 && json.numFailedTestSuites) failed = json.numFailedTestSuites;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(out, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed === 0) {
  console.error('no test ran: that is a failure');
  process.exit(1);
}
process.exit(res.status === 0 && failed === 0 ? 0 : 1);
