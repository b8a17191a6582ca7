// A query worker that dies when it is given a shard of another worker's query (as a worker
// hit by a fault would): the split-query test's helper that never answers.
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'shard') process.exit(3);
});
await import('../query-worker.ts');
