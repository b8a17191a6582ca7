// Grafana's panels against the real API: the data path of the data source's Go client
// (queries as POST form bodies, errors, gzip, exemplars). Where each request comes from,
// and the hub they go to: testing/grafana-hub.ts.

import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { rawRequest, type ApiBody } from './testing/api-server.ts';
import { grafanaHub, FORM, GO_HEADERS, HOUR, S0 } from './testing/grafana-hub.ts';

const { grafana, url } = grafanaHub();

describe('panels: the data path (Go client, POST form bodies)', () => {
  it('a range query: rate() with $__rate_interval expanded to 1m0s, start/end aligned to the step', async () => {
    // sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[$__rate_interval])) with a
    // 15 s step: Grafana writes the interval with Go's Duration.String ("1m0s") and sorts the keys.
    const start = S0 + 600;
    const end = S0 + 660;
    const body = `end=${end}&query=sum+by+%28instance%29+%28rate%28node_cpu_seconds_total%7Bmode%21%3D%22idle%22%7D%5B1m0s%5D%29%29&start=${start}&step=15`;
    const r = await grafana('POST', '/api/v1/query_range', body);
    expect(r.status).toBe(200);
    const times = [0, 15, 30, 45, 60].map((d) => start + d);
    // Two CPUs at 0.25 + 0.125 on a, one on b; times are numbers in seconds, values strings.
    expect(r.body).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          { metric: { instance: 'a:9100' }, values: times.map((t) => [t, '0.75']) },
          { metric: { instance: 'b:9100' }, values: times.map((t) => [t, '0.375']) },
        ],
      },
    });
  });

  it('a range query with a sub-second step and the timeout Grafana adds from the data source settings', async () => {
    // Short ranges give steps below a second: start, end and step then carry decimals.
    const body = `end=${S0 + 1801}&query=node_load1%7Binstance%3D%22b%3A9100%22%7D&start=${S0 + 1800}&step=0.2&timeout=60s`;
    const r = await grafana('POST', '/api/v1/query_range', body);
    expect(r.status).toBe(200);
    // Prometheus prints point times with three decimals (jsonutil.MarshalTimestamp).
    expect(r.text).toContain(`"values":[[${S0 + 1800},"2"],[${S0 + 1800}.200,"2"],[${S0 + 1800}.400,"2"]`);
    expect(r.body.data.result).toEqual([
      {
        metric: { __name__: 'node_load1', instance: 'b:9100', job: 'node' },
        values: [0, 0.2, 0.4, 0.6, 0.8, 1].map((d) => [Number((S0 + 1800 + d).toFixed(1)), '2']),
      },
    ]);
  });

  it('custom query parameters from the data source settings go in the URL next to the form body, and are ignored', async () => {
    // jsonData.customQueryParameters (e.g. Thanos's dedup) are added to the URL of every request.
    const r = await grafana(
      'POST',
      '/api/v1/query?dedup=true&max_source_resolution=5m',
      `query=node_load1%7Binstance%3D%22b%3A9100%22%7D&time=${S0 + 60}`,
    );
    expect(r.body.data.result).toEqual([{ metric: { __name__: 'node_load1', instance: 'b:9100', job: 'node' }, value: [S0 + 60, '2'] }]);
  });

  it('an instant query (table panels, Explore "Instant"): time is the end of the range, with milliseconds', async () => {
    const time = `${S0 + HOUR}.123`;
    const r = await grafana('POST', '/api/v1/query', `query=node_load1&time=${time}`);
    expect(r.body).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { __name__: 'node_load1', instance: 'a:9100', job: 'node' }, value: [S0 + HOUR + 0.123, '0.5'] },
          { metric: { __name__: 'node_load1', instance: 'b:9100', job: 'node' }, value: [S0 + HOUR + 0.123, '2'] },
        ],
      },
    });
  });

  it('an instant query over filesystems, as the node exporter dashboards ask it', async () => {
    const query = 'node_filesystem_avail_bytes{fstype!~"tmpfs|overlay",mountpoint="/"} / 1e9';
    const body = new URLSearchParams({ query, time: String(S0 + HOUR) }).toString();
    const r = await grafana('POST', '/api/v1/query', body);
    expect(r.body.data).toEqual({
      resultType: 'vector',
      result: [
        { metric: { device: '/dev/sda1', fstype: 'ext4', instance: 'a:9100', job: 'node', mountpoint: '/' }, value: [S0 + HOUR, '49.64'] },
        { metric: { device: '/dev/sda1', fstype: 'ext4', instance: 'b:9100', job: 'node', mountpoint: '/' }, value: [S0 + HOUR, '49.64'] },
      ],
    });
  });

  it('a query error is HTTP 400 with status error and errorType bad_data, which Grafana shows as "bad_data: <error>"', async () => {
    const r = await grafana('POST', '/api/v1/query_range', `end=${S0 + 60}&query=sum%28rate%28node_load1%5B5m%5D%29&start=${S0}&step=15`);
    expect(r.status).toBe(400);
    // As in Prometheus, query_range reports the parse error as it is, query names the parameter.
    expect(r.text).toBe('{"status":"error","errorType":"bad_data","error":"1:25: parse error: unexpected end of input, expected \\")\\""}');
    const instant = await grafana('POST', '/api/v1/query', `query=node_load1+%2B&time=${S0}`);
    expect(instant.status).toBe(400);
    expect(instant.body).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: expect.stringMatching(/^invalid parameter "query": 1:\d+: parse error: /),
    });
  });

  it('an empty answer is an empty list; NaN, +Inf and info annotations come as Grafana parses them', async () => {
    const none = await grafana('POST', '/api/v1/query_range', `end=${S0 + 30}&query=node_load5&start=${S0}&step=15`);
    expect(none.text).toBe('{"status":"success","data":{"resultType":"matrix","result":[]}}');
    const time = S0 + HOUR;
    const inf = await grafana('POST', '/api/v1/query', `query=node_load1%7Binstance%3D%22b%3A9100%22%7D+%2F+0&time=${time}`);
    expect(inf.body.data.result).toEqual([{ metric: { instance: 'b:9100', job: 'node' }, value: [time, '+Inf'] }]);
    const nan = await grafana('POST', '/api/v1/query', `query=node_load1%7Binstance%3D%22b%3A9100%22%7D+*+0+%2F+0&time=${time}`);
    expect(nan.body.data.result).toEqual([{ metric: { instance: 'b:9100', job: 'node' }, value: [time, 'NaN'] }]);
    // rate() over a gauge: Prometheus 3's info annotation, which Grafana shows as a notice.
    const info = await grafana('POST', '/api/v1/query', `query=rate%28node_load1%5B1m0s%5D%29&time=${time}`);
    expect(info.status).toBe(200);
    expect(info.body.infos).toEqual([
      expect.stringMatching(
        /^PromQL info: metric might not be a counter, name does not end in _total\/_sum\/_count\/_bucket: "node_load1"/,
      ),
    ]);
    expect(info.body.data.result).toHaveLength(2);
  });

  it('a range query with a bad step or a reversed range is also bad_data', async () => {
    const zero = await grafana('POST', '/api/v1/query_range', `end=${S0 + 60}&query=node_load1&start=${S0}&step=0`);
    expect(zero.status).toBe(400);
    expect(zero.body.error).toBe(
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
    const reversed = await grafana('POST', '/api/v1/query_range', `end=${S0}&query=node_load1&start=${S0 + 60}&step=15`);
    expect(reversed.body).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: 'invalid parameter "end": end timestamp must not be before start time',
    });
  });

  it('large answers are gzipped for Go\'s "Accept-Encoding: gzip", and decompress to the same JSON', async () => {
    const body = `end=${S0 + HOUR}&query=node_cpu_seconds_total&start=${S0}&step=15`;
    const zipped = await rawRequest(`${url()}/api/v1/query_range`, {
      method: 'POST',
      headers: { ...GO_HEADERS, 'Content-Type': FORM },
      body,
    });
    const plain = await rawRequest(`${url()}/api/v1/query_range`, { method: 'POST', headers: { 'Content-Type': FORM }, body });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.body.length * 5).toBeLessThan(plain.body.length);
    const parsed = JSON.parse(plain.body.toString('utf8')) as ApiBody;
    // 9 CPU series (2 + 1 CPUs x 3 modes), 241 points each.
    expect(parsed.data.result).toHaveLength(9);
    for (const s of parsed.data.result) expect(s.values).toHaveLength(241);
  });

  it('exemplar queries (the panel\'s "Exemplars" switch) succeed with an empty list, which Grafana draws as nothing', async () => {
    const body = `end=${S0 + HOUR}&query=node_load1&start=${S0}`;
    const r = await grafana('POST', '/api/v1/query_exemplars', body);
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"status":"success","data":[]}');
  });
});
