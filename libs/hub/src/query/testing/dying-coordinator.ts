// A query worker that dies when a helper's shard reaches it (as a worker hit by a fault
// while merging would): the split-query test's query worker that never answers.
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', (m: { type: string }) => {
  if (m.type === 'shard-answer') process.exit(4);
});
await import('../query-worker.ts');
