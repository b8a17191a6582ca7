// Hostile queries through the HTTP API: a request cannot hold the server past its
// timeout or grow its memory past the sample limit, and gets Prometheus's error shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryQueryable } from '@metrics-hub/promql';
import { memoryBackend, startApiServer, type ApiBody, type ApiServer } from './testing/api-server.ts';

const STEP_S = 60;
const STEPS = 10_800;
const q = encodeURIComponent;

let server: ApiServer;
beforeAll(async () => {
  const store = new MemoryQueryable();
  // A long label value of the kind that makes a backtracking regex engine take 2^n steps.
  store.add({ __name__: 'victim', v: 'a'.repeat(40) }, 0, 1);
  for (let i = 0; i <= STEPS; i++) store.add({ __name__: 'requests_total', job: 'api' }, i * STEP_S * 1000, i);
  server = await startApiServer(memoryBackend(store, { now: () => STEPS * STEP_S * 1000 }));
});
afterAll(() => server.close());

async function get(path: string): Promise<{ status: number; body: ApiBody; ms: number }> {
  const started = performance.now();
  // Generous: guards against a request that never ends, not for speed.
  const res = await fetch(server.url + path, { signal: AbortSignal.timeout(60_000) });
  return { status: res.status, body: (await res.json()) as ApiBody, ms: performance.now() - started };
}

describe('hostile queries', () => {
  it('a regex that backtracks exponentially in V8 answers at once: RE2 matching is linear', async () => {
    // (a|a)*b against 40 a's is 2^40 steps for a backtracking engine (the hub froze for
    // 15.7 s at 32 characters); timeout=1s could not stop it, since nothing looked at the clock.
    for (const path of [
      `/api/v1/query?query=${q('{v=~"(a|a)*b"}')}&time=60&timeout=1s`,
      `/api/v1/query?query=${q('count({__name__=~"victim|other", v!~"(a+)+b"})')}&time=60&timeout=1s`,
      `/api/v1/series?match[]=${q('{v=~"(a|a){1,100}b"}')}`,
      `/api/v1/label/v/values?match[]=${q('{v=~"(.*a){30}b"}')}`,
    ]) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.ms, path).toBeLessThan(20_000);
    }
    expect((await get(`/api/v1/query?query=${q('count({__name__="victim", v!~"(a+)+b"})')}&time=60`)).body.data.result[0].value[1]).toBe(
      '1',
    );
  });

  it('a regex RE2 refuses is bad_data naming the place', async () => {
    const r = await get(`/api/v1/query?query=${q('up{job=~"a(?=b)"}')}`);
    expect(r.status).toBe(400);
    expect(r.body.errorType).toBe('bad_data');
    expect(r.body.error).toMatch(/^invalid parameter "query": 1:11: parse error: regex "a\(\?=b\)" is invalid: .*lookaheads/);
  });

  it('a query that would run for minutes answers timeout (503) soon after its timeout', async () => {
    const r = await get(
      `/api/v1/query_range?query=${q('quantile_over_time(0.5, vector(1)[7d:1s])')}&start=0&end=${STEPS * STEP_S}&step=${STEP_S}&timeout=1s`,
    );
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ status: 'error', errorType: 'timeout' });
    expect(r.ms).toBeLessThan(30_000);
  });

  it('count_values over 10,800 steps of distinct values is refused by the sample limit (422)', async () => {
    const r = await get(
      `/api/v1/query_range?query=${q('count_values("value", requests_total)')}&start=0&end=${STEPS * STEP_S}&step=${STEP_S}`,
    );
    expect(r.status).toBe(422);
    expect(r.body.errorType).toBe('execution');
    expect(r.body.error).toMatch(/^query processing would load too many samples into memory in query execution/);
  });

  it('50,000 up+up+... terms are too deep (400), not "unexpected up"', async () => {
    const res = await fetch(`${server.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `query=${q(Array(50_000).fill('up').join('+'))}`,
    });
    const body = (await res.json()) as ApiBody;
    expect(res.status).toBe(400);
    expect(body.error).toMatch(/^invalid parameter "query": 1:450: parse error: expression too deep/);
  });
});
