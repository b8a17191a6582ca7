// The sums of the store's sealed data (chunks, samples, bytes) are scanned by a query worker,
// not on the hub's main thread (the scan grows with the store), and say what a scan on the
// writer says; the hub's status and its own metrics show the last heartbeat's scan.
import { afterEach, expect, it } from 'vitest';
import { tempDir } from '@metrics-hub/testing';
import { Hub } from '../hub.ts';
import { testHubConfig } from '../testing/test-hub-config.ts';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 0, 10, 12, 30);
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

it('are scanned by a worker as the writer would, and reported from the last heartbeat', async () => {
  const dir = tempDir('store-totals-', cleanups);
  // One worker, so that requests are answered in order; one heartbeat (at start).
  const config = testHubConfig(dir.path, ['fleet:', '  up_interval: 1h', 'query:', '  max_concurrency: 1']);
  const hub = await Hub.start(config, { now: () => NOW, log: () => {} });
  cleanups.push(() => hub.stop());
  // Answered after the heartbeat's own request: the hub holds that scan (of an empty store) now.
  await hub.queries!.totals();

  const ts = Array.from({ length: 2160 }, (_, i) => NOW - 6 * HOUR + i * 10_000);
  hub.store.append(
    [0, 1, 2].map((k) => ({ labels: { __name__: 'totals_load', k: String(k) }, timestamps: ts, values: ts.map((t) => (t / 1000) % 97) })),
  );
  hub.store.flush();
  const onWriter = hub.store.stats();
  expect(onWriter.chunks).toBeGreaterThan(0);
  expect(onWriter.rollupBytes).toBeGreaterThan(0);
  // The status does not scan: it shows the heartbeat's figures until the next one.
  const status = hub.status().store;
  expect(status.chunks).toBe(0);
  expect(status.samples).toBe(onWriter.headSamples);
  expect(status.series).toBe(onWriter.series);

  const answered = { ...hub.queries!.stats.outcomes };
  expect(await hub.queries!.totals()).toEqual({
    chunks: onWriter.chunks,
    sealedSamples: onWriter.samples - onWriter.headSamples,
    chunkBytes: onWriter.chunkBytes,
    rollupBytes: onWriter.rollupBytes,
  });
  // Not a query: the pool's query figures do not count the scan.
  expect(hub.queries!.stats.outcomes).toEqual(answered);
});
