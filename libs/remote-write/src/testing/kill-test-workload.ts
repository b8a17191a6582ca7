// The kill -9 test's commits: commit n holds samples n*10 .. n*10+9 of four series.
import type { QueueSeries } from '../disk-queue.ts';

export const KILL_TEST_T0 = Date.UTC(2026, 10, 1);

export function killTestCommit(n: number): QueueSeries[] {
  return [0, 1, 2, 3].map((s) => {
    const timestamps = Float64Array.from({ length: 10 }, (_, i) => KILL_TEST_T0 + (n * 10 + i) * 1000);
    return { labels: { __name__: 'kill_test', series: String(s) }, timestamps, values: Float64Array.from(timestamps, (t) => t / 1000 + s) };
  });
}
