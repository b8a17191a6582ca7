// The query queue serves instant queries (a stat, a live value, the probe of a dashboard)
// ahead of the range queries waiting before them, first come first served within each:
// with the one worker busy, a range query asked first still answers after an instant query
// asked later.
import { describe, expect, it } from 'vitest';
import { waitFor } from '@metrics-hub/testing';
import { busyHub, END, HEAVY } from './testing/busy-hub.ts';

const busy = busyHub(4);
const { ask, metric } = busy;
const q = encodeURIComponent;

describe('the query queue', () => {
  it('answers an instant query before the range queries that were waiting', async () => {
    const heavy = ask(HEAVY);
    await waitFor(async () => (await metric('metrics_hub_queries_running')) === 1, 'the heavy query to run in the one worker');

    const order: string[] = [];
    const track = (name: string, path: string) => ask(path).done.then((r) => order.push(`${name} ${(r as Response).status}`));
    const range = `/api/v1/query_range?query=${q('count(heavy_load)')}&start=${(END - 3_600_000) / 1000}&end=${END / 1000}&step=60`;
    const first = track('range-1', range);
    await waitFor(async () => (await metric('metrics_hub_queries_queued')) === 1, 'the range query to wait');
    const second = track('range-2', range);
    await waitFor(async () => (await metric('metrics_hub_queries_queued')) === 2, 'the second range query to wait');
    const instant = track('instant', `/api/v1/query?query=${q('count(heavy_load)')}&time=${END / 1000}`);
    await waitFor(async () => (await metric('metrics_hub_queries_queued')) === 3, 'the instant query to wait');

    heavy.abort();
    await Promise.all([first, second, instant]);
    expect(order).toEqual(['instant 200', 'range-1 200', 'range-2 200']);
  });
});
