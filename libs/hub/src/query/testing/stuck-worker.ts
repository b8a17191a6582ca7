// A query worker that says it is ready and then never answers: the pool's watchdog test.
import { parentPort } from 'node:worker_threads';

parentPort!.postMessage({ type: 'ready' });
parentPort!.on('message', () => {
  // Like an evaluation that never looks at the clock.
});
