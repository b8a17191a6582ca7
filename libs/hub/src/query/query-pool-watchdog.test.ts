// A worker that never answers (a fault: evaluation looks at the clock) holds its query only
// until shortly past its deadline: the query is answered as timed out, the worker replaced;
// and a pool closing stops it from outside once it has not ended by itself.
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '@metrics-hub/promql';
import { QueryPool } from './query-pool.ts';
import { queryWorkerEntry } from './worker-entry.ts';

let pool: QueryPool | undefined;
afterEach(async () => {
  await pool?.close();
});

it('answers a query whose worker never does as timed out, and replaces the worker', async () => {
  const lines: string[] = [];
  const real = queryWorkerEntry();
  pool = new QueryPool({
    dbPath: '/nonexistent',
    retention: { rawMs: 1, rollup1mMs: 1, rollup1hMs: 1 },
    limits: { ...DEFAULT_LIMITS, timeoutMs: 200 },
    maxConcurrency: 1,
    maxQueued: 4,
    log: (l) => lines.push(l),
    watchdogGraceMs: 100,
    closeGraceMs: 100,
    workerEntry: { url: new URL('./testing/stuck-worker.ts', import.meta.url), execArgv: real.execArgv },
  });
  // Started first, so that the query reaches a worker before its deadline.
  await pool.warm();
  const job = { kind: 'instant' as const, query: 'up', time: 0, limit: 0 };
  const encoding = { gzip: false, gzipMinBytes: 1024 };
  const answer = await pool.run(job, { signal: new AbortController().signal, encoding });
  expect(answer.status).toBe(503);
  expect(JSON.parse(new TextDecoder().decode(answer.body))).toMatchObject({ errorType: 'timeout' });
  expect(lines.some((l) => /a query worker stopped \(a query ran 100 ms past its deadline\)/.test(l))).toBe(true);
  // A new worker takes the next query (a rule's here), stuck in turn: answered the same way.
  await pool.warm();
  await expect(pool.instant('up', 0)).rejects.toThrow(/ran past its deadline/);
  expect(pool.stats.outcomes.timeout).toBe(2);
  // A worker asked to end that does not either: stopped from outside once the grace is over.
  await pool.warm();
  await pool.close();
  expect(
    lines.filter((l) => /a query worker had not ended 100 ms after the hub began to stop; stopping it from outside/.test(l)),
  ).toHaveLength(1);
});
