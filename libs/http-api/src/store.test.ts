// The API over the real store: a TimeSeriesStore in a temporary SQLite file is the
// backend, as the hub will wire it, and every request goes through a socket.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '@metrics-hub/promql';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import type { Labels } from '@metrics-hub/wire';
import { tempDir, type TempDir } from '@metrics-hub/testing';
import type { ApiBackend } from './backend.ts';
import { startApiServer, type ApiBody, type ApiServer } from './testing/api-server.ts';

const T0 = Date.UTC(2026, 0, 1); // 1767225600 s
const S0 = T0 / 1000;
const LOAD_A = { __name__: 'node_load1', instance: 'a:9100', job: 'node' };
const LOAD_B = { __name__: 'node_load1', instance: 'b:9100', job: 'node' };
const REQS = { __name__: 'http_requests_total', http_method: 'GET', instance: 'c:8080', job: 'api' };
// Only has samples two days before the others.
const OLD = { __name__: 'legacy_up', job: 'legacy' };

function samples(labels: Labels, from: number, count: number, value: (k: number) => number) {
  const timestamps = new Float64Array(count);
  const values = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    timestamps[k] = from + k * 15_000;
    values[k] = value(k);
  }
  return { labels, timestamps, values };
}

function bound(s: TimeSeriesStore): Pick<ApiBackend, 'series' | 'labelNames' | 'labelValues' | 'metadata'> {
  const methods: Pick<ApiBackend, 'series' | 'labelNames' | 'labelValues' | 'metadata'> = s;
  return {
    series: methods.series.bind(s),
    labelNames: methods.labelNames.bind(s),
    labelValues: methods.labelValues.bind(s),
    metadata: methods.metadata.bind(s),
  };
}

let dir: TempDir;
let store: TimeSeriesStore;
let server: ApiServer;
const json = async (path: string, init?: RequestInit) => {
  const res = await fetch(server.url + path, init);
  return { status: res.status, body: (await res.json()) as ApiBody };
};
const q = encodeURIComponent;

beforeAll(async () => {
  dir = tempDir('http-api-');
  store = TimeSeriesStore.open({ path: dir.file('hub.db') });
  const result = store.append([
    samples(OLD, T0 - 2 * 86_400_000, 5, () => 1),
    samples(LOAD_A, T0, 21, (k) => 0.25 + k),
    samples(LOAD_B, T0, 21, () => 0.5),
    samples(REQS, T0, 21, (k) => 10 * k),
  ]);
  expect(result.rejected).toEqual([]);
  store.setMetadata('node_load1', { type: 'gauge', help: '1m load average.', unit: '' });
  store.setMetadata('http_requests_total', { type: 'counter', help: 'Requests <served>.', unit: 'requests' });
  // The store is the backend's store half as it is, with no adapter (checked by tsc).
  const storeHalf: Pick<ApiBackend, 'queryable' | 'series' | 'labelNames' | 'labelValues' | 'metadata'> = {
    queryable: store,
    ...bound(store),
  };
  const backend: ApiBackend = {
    engine: new Engine(),
    ...storeHalf,
    buildInfo: { version: '3.0.0' },
    now: () => T0 + 300_000,
  };
  server = await startApiServer(backend);
});
afterAll(async () => {
  await server?.close();
  store?.close();
  dir?.remove();
});

describe('queries read the store', () => {
  it('an instant query', async () => {
    // At T0+60s: node_load1{a} = 0.25 + 4, node_load1{b} = 0.5.
    const { body } = await json(`/api/v1/query?query=${q('sum(node_load1)')}&time=${S0 + 60}`);
    expect(body).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [S0 + 60, '4.75'] }] } });
  });

  it('a range query, by POST as Grafana sends it', async () => {
    const { status, body } = await json('/api/v1/query_range', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `query=${q('node_load1{instance="a:9100"} * 2')}&start=${S0}&end=${S0 + 30}&step=15s`,
    });
    expect(status).toBe(200);
    expect(body.data).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { instance: 'a:9100', job: 'node' },
          values: [
            [S0, '0.5'],
            [S0 + 15, '2.5'],
            [S0 + 30, '4.5'],
          ],
        },
      ],
    });
  });
});

describe('stats', () => {
  const TIMINGS = ['evalTotalTime', 'resultSortTime', 'queryPreparationTime', 'innerEvalTime', 'execQueueTime', 'execTotalTime'];
  const SPLIT = ['parseTime', 'selectTime', 'decodeTime', 'evalTime', 'sortTime', 'encodeTime'];

  it("are Prometheus's timings and sample counts after the result, with our split of the time, when stats= is given", async () => {
    const path = `/api/v1/query_range?query=${q('sum(irate(http_requests_total[1m]))')}&start=${S0 + 60}&end=${S0 + 300}&step=60`;
    const plain = await json(path);
    expect(Object.keys(plain.body.data)).toEqual(['resultType', 'result']);
    const { status, body } = await json(`${path}&stats=all`);
    expect(status).toBe(200);
    expect(Object.keys(body.data)).toEqual(['resultType', 'result', 'stats']);
    expect(body.data.result).toEqual(plain.body.data.result);
    const { timings, samples, hub } = body.data.stats;
    expect(Object.keys(timings)).toEqual(TIMINGS);
    expect(Object.keys(hub)).toEqual(SPLIT);
    for (const v of [...Object.values(timings), ...Object.values(hub)]) expect(v).toBeGreaterThanOrEqual(0);
    expect(timings.evalTotalTime).toBeGreaterThan(0);
    expect(timings.execTotalTime).toBe(timings.evalTotalTime);
    // Preparation is parsing and selecting; the rest of the evaluation is inner evaluation.
    expect(timings.queryPreparationTime).toBeCloseTo(hub.parseTime + hub.selectTime, 9);
    expect(timings.evalTotalTime).toBeCloseTo(timings.queryPreparationTime + timings.innerEvalTime + timings.resultSortTime, 9);
    // The first step's window is (T0, T0+60s]: of the 21 samples from T0, 15 s apart, 20 are read, each once.
    expect(samples).toEqual({ totalQueryableSamples: 20, peakSamples: expect.any(Number) });
    expect(samples.peakSamples).toBeGreaterThanOrEqual(20);
  });

  it('come with instant queries too', async () => {
    const { body } = await json(`/api/v1/query?query=node_load1&time=${S0 + 60}&stats=1`);
    expect(body.data.result).toHaveLength(2);
    expect(Object.keys(body.data.stats)).toEqual(['timings', 'samples', 'hub']);
    expect(body.data.stats.samples.totalQueryableSamples).toBeGreaterThan(0);
  });
});

describe('/api/v1/series', () => {
  it('lists the series matching a selector, sorted', async () => {
    expect(await json(`/api/v1/series?match[]=node_load1`)).toEqual({ status: 200, body: { status: 'success', data: [LOAD_A, LOAD_B] } });
  });

  it('unites repeated match[] and lists a series once', async () => {
    const both = await json(
      `/api/v1/series?match[]=${q('node_load1{instance="b:9100"}')}&match[]=${q('{job="node"}')}&match[]=http_requests_total`,
    );
    // labels.Compare: "http_requests_total" < "node_load1"; then instance a < b.
    expect(both.body.data).toEqual([REQS, LOAD_A, LOAD_B]);
  });

  it('narrows to series with samples in [start, end] when a range is given', async () => {
    const all = await json(`/api/v1/series?match[]=${q('{job=~".+"}')}`);
    expect(all.body.data).toEqual([REQS, OLD, LOAD_A, LOAD_B]);
    const recent = await json(`/api/v1/series?match[]=${q('{job=~".+"}')}&start=${S0}&end=${S0 + 600}`);
    expect(recent.body.data).toEqual([REQS, LOAD_A, LOAD_B]);
    const asRfc = await json(`/api/v1/series?match[]=${q('{job=~".+"}')}&start=2026-01-01T00:00:00Z&end=${q('2026-01-01T00:10:00Z')}`);
    expect(asRfc.body).toEqual(recent.body);
    const past = await json(`/api/v1/series?match[]=${q('{job=~".+"}')}&end=${S0 - 86_400}`);
    expect(past.body.data).toEqual([OLD]);
  });

  it('answers the same by GET and by POST, with match[] repeated in the body', async () => {
    const viaGet = await fetch(`${server.url}/api/v1/series?match[]=node_load1&match[]=http_requests_total`);
    const viaPost = await fetch(`${server.url}/api/v1/series`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams([
        ['match[]', 'node_load1'],
        ['match[]', 'http_requests_total'],
      ]).toString(),
    });
    const text = await viaGet.text();
    expect(JSON.parse(text).data).toHaveLength(3);
    expect(await viaPost.text()).toBe(text);
  });

  it('cuts at limit with a warning', async () => {
    const { body } = await json(`/api/v1/series?match[]=${q('{job=~".+"}')}&limit=2`);
    expect(body).toEqual({ status: 'success', data: [REQS, OLD], warnings: ['results truncated due to limit'] });
  });

  it('needs match[], and a selector rather than an expression', async () => {
    expect(await json('/api/v1/series')).toEqual({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: 'no match[] parameter provided' },
    });
    const expr = await json(`/api/v1/series?match[]=${q('sum(node_load1)')}`);
    expect(expr.status).toBe(400);
    expect(expr.body.error).toMatch(/^invalid parameter "match\[\]": 1:1: parse error: /);
    const broken = await json(`/api/v1/series?match[]=${q('node_load1{job=}')}`);
    expect(broken.body.error).toMatch(/^invalid parameter "match\[\]": 1:16: parse error: /);
    const time = await json(`/api/v1/series?match[]=up&start=later`);
    expect(time.body.error).toBe(`invalid parameter "start": invalid time value for 'start': cannot parse "later" to a valid timestamp`);
  });
});

describe('/api/v1/labels and /api/v1/label/<name>/values', () => {
  it('lists every label name, sorted', async () => {
    expect((await json('/api/v1/labels')).body).toEqual({ status: 'success', data: ['__name__', 'http_method', 'instance', 'job'] });
  });

  it('lists the names of matching series only, by GET or POST', async () => {
    expect((await json(`/api/v1/labels?match[]=legacy_up`)).body.data).toEqual(['__name__', 'job']);
    const post = await json('/api/v1/labels', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `match[]=legacy_up&match[]=${q('{instance="c:8080"}')}&start=${S0}`,
    });
    expect(post.body.data).toEqual(['__name__', 'http_method', 'instance', 'job']);
  });

  it("lists metric names for Grafana's metric browser", async () => {
    expect((await json(`/api/v1/label/__name__/values?start=${S0}&end=${S0 + 3600}`)).body).toEqual({
      status: 'success',
      data: ['http_requests_total', 'legacy_up', 'node_load1'],
    });
  });

  it('lists the values of a label over matching series, with match[] repeated', async () => {
    expect((await json(`/api/v1/label/job/values`)).body.data).toEqual(['api', 'legacy', 'node']);
    expect((await json(`/api/v1/label/job/values?match[]=node_load1&match[]=legacy_up`)).body.data).toEqual(['legacy', 'node']);
    expect((await json(`/api/v1/label/instance/values?match[]=${q('{job="legacy"}')}`)).body.data).toEqual([]);
  });

  it('reads U__-escaped label names', async () => {
    expect((await json('/api/v1/label/U__http__method/values')).body.data).toEqual(['GET']);
  });

  it('cuts at limit with a warning', async () => {
    expect((await json('/api/v1/labels?limit=2')).body).toEqual({
      status: 'success',
      data: ['__name__', 'http_method'],
      warnings: ['results truncated due to limit'],
    });
    expect((await json('/api/v1/label/job/values?limit=1')).body).toEqual({
      status: 'success',
      data: ['api'],
      warnings: ['results truncated due to limit'],
    });
  });

  it('rejects a bad selector or time', async () => {
    const r = await json(`/api/v1/label/job/values?match[]=${q('rate(x[1m])')}`);
    expect(r.status).toBe(400);
    expect(r.body.errorType).toBe('bad_data');
    expect((await json('/api/v1/labels?end=tomorrow')).body.error).toBe(
      `invalid parameter "end": invalid time value for 'end': cannot parse "tomorrow" to a valid timestamp`,
    );
  });
});

describe('/api/v1/metadata', () => {
  it('maps each metric family to a list of its metadata', async () => {
    expect((await json('/api/v1/metadata')).body).toEqual({
      status: 'success',
      data: {
        http_requests_total: [{ type: 'counter', help: 'Requests <served>.', unit: 'requests' }],
        node_load1: [{ type: 'gauge', help: '1m load average.', unit: '' }],
      },
    });
  });

  it('answers for one metric, and an empty object for an unknown one', async () => {
    expect((await json('/api/v1/metadata?metric=node_load1')).body.data).toEqual({
      node_load1: [{ type: 'gauge', help: '1m load average.', unit: '' }],
    });
    expect((await json('/api/v1/metadata?metric=nope')).body.data).toEqual({});
  });

  it('honours limit as Prometheus does (0 returns nothing) and rejects non-numbers', async () => {
    expect(Object.keys((await json('/api/v1/metadata?limit=1')).body.data)).toEqual(['http_requests_total']);
    expect((await json('/api/v1/metadata?limit=0')).body.data).toEqual({});
    expect((await json('/api/v1/metadata?limit_per_metric=1')).body.data.node_load1).toHaveLength(1);
    expect(await json('/api/v1/metadata?limit=many')).toEqual({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: 'limit must be a number' },
    });
    expect((await json('/api/v1/metadata?limit_per_metric=x')).body.error).toBe('limit_per_metric must be a number');
  });
});
