// A hub with one query worker and a day of 10 s samples of 40 series, a query that keeps
// that worker busy for seconds, and requests that say when they settled: for tests of what
// happens beside a running query (ingest, the queue, clients that go away).
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { tempDir, type TempDir } from '@metrics-hub/testing';
import type { AppendSeries } from '@metrics-hub/tsdb';
import { Hub } from '../../hub.ts';
import { testHubConfig } from '../../testing/test-hub-config.ts';

export const DAY = 86_400_000;
export const END = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
const q = encodeURIComponent;
// Holt-Winters smoothing over a 1-day window every 30 s: each window smoothed from its first
// sample (about 10^9 steps that no window can slide from the one before), seconds of work
// on any machine, within the sample limit (345,600 read + 115,240 slots).
const SMOOTHING = 'double_exponential_smoothing(heavy_load[1d], 0.5, 0.5)';
export const HEAVY = `/api/v1/query_range?query=${q(SMOOTHING)}&start=${(END - DAY) / 1000}&end=${END / 1000}&step=30`;

export interface BusyHub {
  readonly hub: Hub;
  /** A request that records when it settled; `abort` makes its client go away. */
  ask(path: string): { done: Promise<Response | Error>; settled: () => boolean; abort: () => void };
  /** A sample of the hub's own /metrics. */
  metric(name: string): Promise<number>;
}

/** Starts the hub before the file's tests (one worker, `maxQueued` waiting) and stops it after. */
export function busyHub(maxQueued: number): BusyHub {
  let dir: TempDir;
  let hub: Hub;
  beforeAll(async () => {
    dir = tempDir('query-busy-');
    mkdirSync(dir.file('no-rules'));
    // No rules: their queries would share the one worker and its queue, and the counts here.
    hub = await Hub.start(
      testHubConfig(dir.path, [
        'query:',
        '  max_concurrency: 1',
        `  max_queued: ${maxQueued}`,
        '  max_samples: 500000',
        'fleet:',
        '  up_interval: 1h',
        'alerting:',
        `  rules: [${dir.file('no-rules')}]`,
      ]),
      { log: () => {} },
    );
    const series: AppendSeries[] = [];
    for (let i = 0; i < 40; i++) {
      const ts = Array.from({ length: DAY / 10_000 }, (_, k) => END - DAY + k * 10_000);
      series.push({ labels: { __name__: 'heavy_load', host: `h${i}` }, timestamps: ts, values: ts.map((_, k) => (k * 7 + i) % 101) });
    }
    hub.store.append(series);
  });
  afterAll(async () => {
    await hub.stop();
    dir.remove();
  });
  const url = (path: string) => `http://${hub.httpAddress.host}:${hub.httpAddress.port}${path}`;
  return {
    get hub() {
      return hub;
    },
    ask(path) {
      const ac = new AbortController();
      let settled = false;
      const done = fetch(url(path), { signal: ac.signal }).then(
        (r) => {
          settled = true;
          return r;
        },
        (e: Error) => {
          settled = true;
          return e;
        },
      );
      return { done, settled: () => settled, abort: () => ac.abort() };
    },
    async metric(name) {
      const text = await (await fetch(url('/metrics'))).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
    },
  };
}
