// Child process for the kill -9 test: queues numbered commits to a remote-write endpoint
// and prints "queued <n>" after each write() returned, until the parent kills it.
import { writeSync } from 'node:fs';
import { RemoteWriter } from '../remote-writer.ts';
import { killTestCommit } from './kill-test-workload.ts';

const [queuePath, url] = process.argv.slice(2);
const writer = RemoteWriter.open({
  queue: { path: queuePath, segmentSamples: 100 },
  endpoints: [{ url, shards: 2, maxSamplesPerSend: 200, batchSendDeadlineMs: 5, minBackoffMs: 5, maxBackoffMs: 20 }],
  log: () => undefined,
});
for (let n = 0; ; n++) {
  writer.write(killTestCommit(n));
  // Synchronous: a line the parent reads was printed after the commit returned.
  writeSync(1, `queued ${n}\n`);
  await new Promise((r) => setTimeout(r, 1));
}
