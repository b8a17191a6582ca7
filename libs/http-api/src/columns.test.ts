// query_range with format=columns: the hub's compact shape for charts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryQueryable } from '@metrics-hub/promql';
import { memoryBackend, startApiServer, type ApiServer } from './testing/api-server.ts';

const T0 = Date.UTC(2026, 0, 1);
const S0 = T0 / 1000;
let server: ApiServer;

beforeAll(async () => {
  const q = new MemoryQueryable();
  // a: a value every 10 s, one of them NaN; b: only at 20 s.
  for (let k = 0; k <= 4; k++) q.add({ __name__: 'm', s: 'a' }, T0 + k * 10_000, k === 3 ? NaN : k * 1.5);
  q.add({ __name__: 'm', s: 'b' }, T0 + 20_000, 7);
  server = await startApiServer(memoryBackend(q, { now: () => T0 }));
});
afterAll(() => server.close());

describe('query_range format=columns', () => {
  it('puts one value per step on the grid, null where a series has none, non-finite values as strings', async () => {
    const res = await fetch(`${server.url}/api/v1/query_range?query=m&start=${S0}&end=${S0 + 40}&step=10&format=columns&lookback_delta=5s`);
    expect(await res.text()).toBe(
      '{"status":"success","data":{"resultType":"matrix","format":"columns","start":1767225600,"step":10,"count":5,"result":[' +
        '{"metric":{"__name__":"m","s":"a"},"values":[0,1.5,3,"NaN",6]},' +
        '{"metric":{"__name__":"m","s":"b"},"values":[null,null,7,null,null]}]}}',
    );
  });

  it('refuses a format it does not know, naming the parameter', async () => {
    const res = await fetch(`${server.url}/api/v1/query_range?query=m&start=${S0}&end=${S0 + 40}&step=10&format=csv`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^invalid parameter "format": unknown format "csv"/);
  });
});
