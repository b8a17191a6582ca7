// A hub stopping while its query workers are busy: the running query is answered 503, each
// worker ends by itself (its replica closed; never stopped from outside, which can abort the
// process while a thread is inside SQLite), and so does one still starting.
import { afterEach, expect, it } from 'vitest';
import { tempDir, waitFor } from '@metrics-hub/testing';
import { Hub } from '../hub.ts';
import { testHubConfig } from '../testing/test-hub-config.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startHub(lines: string[]): Promise<Hub> {
  const dir = tempDir('query-pool-close-', cleanups);
  return Hub.start(testHubConfig(dir.path, ['query:', '  max_concurrency: 2']), { log: (l) => lines.push(l) });
}

it('answers the running query 503 and its workers end by themselves', async () => {
  const lines: string[] = [];
  const hub = await startHub(lines);
  await hub.queries!.warm();
  // Seconds of evaluation: a subquery of a million steps.
  const query = 'count_over_time(vector(1)[12d:1s])';
  const job = { kind: 'instant' as const, query, time: 1_000_000, limit: 0 };
  const running = hub.queries!.run(job, { signal: new AbortController().signal, encoding: { gzip: false, gzipMinBytes: 1024 } });
  await waitFor(() => hub.queries!.running === 1, 'the query running');
  await hub.stop();
  const answer = await running;
  expect(answer.status).toBe(503);
  expect(JSON.parse(new TextDecoder().decode(answer.body))).toMatchObject({
    errorType: 'unavailable',
    error: expect.stringMatching(/the hub is stopping/),
  });
  // Not stopped from outside: the cancelled evaluation ended at its next look at the flag.
  expect(lines.filter((l) => /query worker/.test(l))).toEqual([]);
});

it('lets workers still loading their replicas end by themselves', async () => {
  const lines: string[] = [];
  const hub = await startHub(lines);
  // Hub.start started both workers (warm) and did not wait for them.
  await hub.stop();
  expect(lines.filter((l) => /query worker/.test(l))).toEqual([]);
});
