// Child process for the crash test: appends numbered batches forever and prints
// "ack <n>" after each append returns, until the parent kills it with SIGKILL.
import { writeSync } from 'node:fs';
import { TimeSeriesStore } from '../store.ts';
import { crashBatch } from './crash-batch.ts';

const [path, startArg] = process.argv.slice(2);
const store = TimeSeriesStore.open({ path, chunkMaxSamples: 32, outOfOrderWindowMs: 3_600_000 });
for (let i = Number(startArg); ; i++) {
  store.append(crashBatch(i));
  // Synchronous write: an ack the parent reads was printed after the append returned.
  writeSync(1, `ack ${i}\n`);
}
