// Child process for the hub's kill -9 test: a real hub forwarding to `url`, appending one
// numbered sample per series per commit and printing "stored <n>" after each append
// returned, until the parent kills it.
import { writeSync } from 'node:fs';
import { Hub } from '../../hub.ts';
import { testHubConfig } from '../../testing/test-hub-config.ts';

const [dir, url] = process.argv.slice(2);
const extra = [
  'remote_write:',
  `  - url: ${url}`,
  '    shards: 2',
  '    max_samples_per_send: 100',
  '    batch_send_deadline: 5ms',
  '    min_backoff: 5ms',
  '    max_backoff: 20ms',
];
const hub = await Hub.start(testHubConfig(dir, extra), { log: () => undefined });
const t0 = Date.now() - 3_600_000;
for (let n = 0; ; n++) {
  hub.store.append(
    [0, 1, 2].map((s) => ({ labels: { __name__: 'kill_hub_test', s: String(s) }, timestamps: [t0 + n * 1000], values: [n] })),
  );
  writeSync(1, `stored ${n}\n`);
  await new Promise((r) => setTimeout(r, 1));
}
