// Run by the crash test: imports LINES lines (`crash_test{i="N % SERIES"} N <ms>`) into the
// store at STORE, staged in STAGING, and kills itself with SIGKILL part-way:
//   node --import tsx crash-child.ts STORE STAGING LINES SERIES read|commit:N
// `read`: half-way through reading the input; `commit:N`: right after the Nth store append
// returned (its transaction committed), the others not made.
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { importText } from '../import/import-text.ts';

const [storePath, stagingDir, lines, series, when] = [
  process.argv[2],
  process.argv[3],
  Number(process.argv[4]),
  Number(process.argv[5]),
  process.argv[6],
];
const store = TimeSeriesStore.open({ path: storePath });
const killAfter = when.startsWith('commit:') ? Number(when.slice(7)) : -1;
let appends = 0;
const appender = {
  append(batch: Parameters<TimeSeriesStore['append']>[0]) {
    const result = store.append(batch);
    if (++appends === killAfter) process.kill(process.pid, 'SIGKILL');
    return result;
  },
};
const text = Array.from(
  { length: lines },
  (_, n) => `crash_test{i="${n % series}"} ${n} ${1_700_000_000_000 + Math.floor(n / series) * 1000}\n`,
).join('');
await importText({ text }, appender, {
  format: 'prometheus',
  stagingDir,
  onProgress: ({ bytesRead, totalBytes }) => {
    if (when === 'read' && bytesRead > totalBytes! / 2) process.kill(process.pid, 'SIGKILL');
  },
});
process.stdout.write('finished without being killed\n');
