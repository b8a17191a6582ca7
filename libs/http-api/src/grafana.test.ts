// The requests Grafana's Prometheus data source sends, replayed against the real API over
// a real store (a TimeSeriesStore in a temporary SQLite file, node_exporter-like data),
// with the method, path, Content-Type and parameter encoding Grafana uses. Where each
// request comes from (grafana/grafana, Grafana 10 to 12):
//
//   backend, pkg/promlib (data path, health check, resource proxy)
//     client/client.go      queries: POST (the data source's default) with a form body
//                           built by Go's url.Values.Encode (keys sorted, QueryEscape:
//                           space '+', `[` %5B); start/end as Unix seconds printed with
//                           strconv 'f' -1 (decimals only when needed); step in seconds
//                           the same way; `timeout` when the data source sets one.
//                           Resource calls: POST with the browser's body as is, GET for
//                           label values and metadata (its GET-only list writes the rules
//                           and status paths with a leading slash, which resource paths
//                           lack, so those go as POST); a POST that gets 405 or 400 is
//                           retried once as GET.
//     healthcheck.go        "Save & test": instant query `1+1` over the range 1 s..4 s,
//                           so `time=4`; then heuristics.go reads status/buildinfo.
//     resource/resource.go  version detection: GET status/buildinfo.
//   frontend, packages/grafana-prometheus (label browser, completion, query builder)
//     datasource.ts         metadataRequest: POST for query, query_range, series and
//                           labels when the data source uses POST, GET otherwise;
//                           areExemplarsAvailable: query_exemplars with `query=test` and
//                           start/end in *milliseconds*; loadRules: /api/v1/rules.
//     language_provider.ts, resource_clients.ts, language_utils.ts
//                           labels / label values / series with start and end as whole
//                           seconds snapped to the minute, `match[]` (one per request, or
//                           one per metric of the panel's queries), `limit=40000` (Grafana
//                           12's default series limit); metadata with no parameters
//                           (10, 11) or `limit` (12); label names outside Prometheus's
//                           classic set escaped as `U__...` in the label values path.
//   alerting, pkg/services/ngalert/api/lotex_prom.go, public/app/features/alerting/
//     unified/api/{buildInfo,prometheusApi}.ts
//                           GET /api/v1/rules and /api/v1/alerts with the browser's query
//                           (exclude_alerts, group_limit, ...); feature discovery reads
//                           status/buildinfo (no `features`: plain Prometheus, no ruler)
//                           and probes status/flags (must fail, or Grafana takes the hub
//                           for Thanos).

import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '@metrics-hub/promql';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import type { Labels } from '@metrics-hub/wire';
import { tempDir, type TempDir } from '@metrics-hub/testing';
import type { ApiBackend } from './backend.ts';
import type { Form } from './form.ts';
import { rawRequest, startApiServer, type ApiBody, type ApiServer } from './testing/api-server.ts';

const T0 = Date.UTC(2026, 0, 1); // 1767225600 s
const S0 = T0 / 1000;
const HOUR = 3600;
const NOW = T0 + HOUR * 1000; // the hub's clock: one hour of data behind it
const STEP_MS = 10_000; // the agents' default interval
const POINTS = HOUR / 10 + 1;

// What Grafana's Go backend sends with every request (Go's transport adds the gzip line
// and decompresses the answer itself).
const GO_HEADERS = { 'User-Agent': 'Grafana/11.3.0', 'Accept-Encoding': 'gzip' } as const;
const FORM = 'application/x-www-form-urlencoded';

const HOSTS = [
  { instance: 'a:9100', cpus: ['0', '1'] },
  { instance: 'b:9100', cpus: ['0'] },
];
/** Seconds each CPU spends per 10 s in each mode: rates of 1, 0.25 and 0.125 exactly. */
const CPU_MODES: Record<string, number> = { idle: 10, system: 1.25, user: 2.5 };

function series(labels: Labels, value: (k: number) => number) {
  const timestamps = new Float64Array(POINTS);
  const values = new Float64Array(POINTS);
  for (let k = 0; k < POINTS; k++) {
    timestamps[k] = T0 + k * STEP_MS;
    values[k] = value(k);
  }
  return { labels, timestamps, values };
}

function nodeExporterData() {
  const out = [];
  for (const { instance, cpus } of HOSTS) {
    for (const cpu of cpus) {
      for (const [mode, perStep] of Object.entries(CPU_MODES)) {
        out.push(series({ __name__: 'node_cpu_seconds_total', cpu, instance, job: 'node', mode }, (k) => 1000 + k * perStep));
      }
    }
    const load = instance === 'a:9100' ? (k: number) => 0.5 + (k % 4) * 0.25 : () => 2;
    out.push(series({ __name__: 'node_load1', instance, job: 'node' }, load));
    out.push(
      series(
        { __name__: 'node_filesystem_avail_bytes', device: '/dev/sda1', fstype: 'ext4', instance, job: 'node', mountpoint: '/' },
        (k) => 50e9 - k * 1e6,
      ),
    );
    out.push(
      series(
        { __name__: 'node_filesystem_avail_bytes', device: 'tmpfs', fstype: 'tmpfs', instance, job: 'node', mountpoint: '/run' },
        () => 4e8,
      ),
    );
  }
  return out;
}

// The rule evaluator's answers, in Prometheus's shape (libs/alerts fills these in the hub);
// each call's form is kept so the tests can see what Grafana's parameters look like here.
const ruleForms: Form[] = [];
const alertForms: Form[] = [];
const HOST_DOWN_ALERT = {
  labels: { alertname: 'HostDown', instance: 'b:9100', severity: 'critical' },
  annotations: { summary: 'b:9100 is down' },
  state: 'firing',
  activeAt: '2026-01-01T00:50:00Z',
  value: '0e+00',
};
const RULES = {
  groups: [
    {
      name: 'node',
      file: '/var/lib/metrics-hub/rules/node.yml',
      interval: 15,
      evaluationTime: 0.002,
      lastEvaluation: '2026-01-01T01:00:00Z',
      rules: [
        {
          state: 'firing',
          name: 'HostDown',
          query: 'up{job="node"} == 0',
          duration: 60,
          keepFiringFor: 0,
          labels: { severity: 'critical' },
          annotations: { summary: '{{ $labels.instance }} is down' },
          alerts: [HOST_DOWN_ALERT],
          health: 'ok',
          evaluationTime: 0.001,
          lastEvaluation: '2026-01-01T01:00:00Z',
          type: 'alerting',
        },
        {
          name: 'instance:node_cpu:rate1m',
          query: 'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[1m]))',
          labels: {},
          health: 'ok',
          evaluationTime: 0.001,
          lastEvaluation: '2026-01-01T01:00:00Z',
          type: 'recording',
        },
      ],
    },
  ],
};

let dir: TempDir;
let store: TimeSeriesStore;
let server: ApiServer;

beforeAll(async () => {
  dir = tempDir('http-api-');
  store = TimeSeriesStore.open({ path: dir.file('hub.db') });
  expect(store.append(nodeExporterData()).rejected).toEqual([]);
  store.setMetadata('node_cpu_seconds_total', { type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' });
  store.setMetadata('node_load1', { type: 'gauge', help: '1m load average.', unit: '' });
  store.setMetadata('node_filesystem_avail_bytes', {
    type: 'gauge',
    help: 'Filesystem space available to non-root users in bytes.',
    unit: '',
  });
  const backend: ApiBackend = {
    engine: new Engine(),
    queryable: store,
    series: (m, mint, maxt) => store.series(m, mint, maxt),
    labelNames: (m) => store.labelNames(m),
    labelValues: (name, m) => store.labelValues(name, m),
    metadata: (metric) => store.metadata(metric),
    rules: (form) => {
      ruleForms.push(form);
      return RULES;
    },
    alerts: (form) => {
      alertForms.push(form);
      return { alerts: [HOST_DOWN_ALERT] };
    },
    buildInfo: { version: '3.0.0', revision: 'metrics-hub-0.1.0', branch: 'main', buildUser: 'metrics-hub', goVersion: 'n/a (TypeScript)' },
    now: () => NOW,
  };
  server = await startApiServer(backend);
});
afterAll(async () => {
  await server?.close();
  store?.close();
  dir?.remove();
});

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as sent, gzip undone (as Go's transport does). */
  text: string;
  body: ApiBody;
}

/** A request as Grafana's backend sends it: Go's headers, and a form body for POST. */
async function grafana(method: 'GET' | 'POST', path: string, body?: string, extra: Record<string, string> = {}): Promise<Sent> {
  const headers: Record<string, string> = { ...GO_HEADERS, ...(method === 'POST' && { 'Content-Type': FORM }), ...extra };
  const res = await rawRequest(server.url + path, { method, headers, body });
  const bytes = res.headers['content-encoding'] === 'gzip' ? gunzipSync(res.body) : res.body;
  const text = bytes.toString('utf8');
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) as ApiBody };
}

/**
 * QueryResource's retry: POST first (the data source's method), and GET with the same
 * parameters in the URL when the answer is 405 or 400. Returns both answers.
 */
async function resourceCall(path: string, query = ''): Promise<{ post: Sent; get?: Sent }> {
  const post = await grafana('POST', query ? `${path}?${query}` : path, '');
  if (post.status !== 405 && post.status !== 400) return { post };
  return { post, get: await grafana('GET', query ? `${path}?${query}` : path) };
}

describe('adding the data source: "Save & test" and version detection', () => {
  it('health check: POST /api/v1/query with query=1+1 at time=4 answers the scalar 2', async () => {
    const r = await grafana('POST', '/api/v1/query', 'query=1%2B1&time=4');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    // Byte for byte: a scalar's time is a JSON number in seconds, its value a string.
    expect(r.text).toBe('{"status":"success","data":{"resultType":"scalar","result":[4,"2"]}}');
    // Small answers are not worth compressing, even though Go asked for gzip.
    expect(r.headers['content-encoding']).toBeUndefined();
  });

  it('the same health check with the data source set to GET', async () => {
    const r = await grafana('GET', '/api/v1/query?query=1%2B1&time=4');
    expect(r.text).toBe('{"status":"success","data":{"resultType":"scalar","result":[4,"2"]}}');
  });

  it('heuristics: status/buildinfo as POST gets 405 and Grafana retries with GET', async () => {
    const { post, get } = await resourceCall('/api/v1/status/buildinfo');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect(post.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
    expect(get?.status).toBe(200);
    // No `features`: Grafana reads that as plain Prometheus (not Mimir), ruler API off; the
    // version picks Prometheus 3 behaviour (labels match[] API, and so on).
    expect(get?.body).toEqual({
      status: 'success',
      data: {
        version: '3.0.0',
        revision: 'metrics-hub-0.1.0',
        branch: 'main',
        buildUser: 'metrics-hub',
        buildDate: '',
        goVersion: 'n/a (TypeScript)',
      },
    });
    expect(get?.body.data).not.toHaveProperty('features');
  });

  it("alerting's feature discovery: buildinfo by GET, and status/flags must fail (else the hub passes for Thanos)", async () => {
    expect((await grafana('GET', '/api/v1/status/buildinfo')).body.data.version).toBe('3.0.0');
    const flags = await grafana('GET', '/api/v1/status/flags');
    expect(flags.status).toBe(404);
    expect(flags.body).toEqual({ status: 'error', errorType: 'not_found', error: 'unknown API endpoint "/api/v1/status/flags"' });
  });
});

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
    const zipped = await rawRequest(`${server.url}/api/v1/query_range`, {
      method: 'POST',
      headers: { ...GO_HEADERS, 'Content-Type': FORM },
      body,
    });
    const plain = await rawRequest(`${server.url}/api/v1/query_range`, { method: 'POST', headers: { 'Content-Type': FORM }, body });
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

describe('the editor: label browser, completion and query builder (resource calls)', () => {
  const start = S0; // whole seconds, snapped to the minute (getRangeSnapInterval)
  const end = S0 + HOUR;

  it('the exemplar probe on opening the editor: query=test, start/end in milliseconds, POSTed with an empty body', async () => {
    // areExemplarsAvailable GETs the resource; the backend forwards it as a POST (query_exemplars
    // is not on its GET-only list) with the query string kept and no body.
    const r = await grafana('POST', `/api/v1/query_exemplars?query=test&start=${T0 + HOUR * 1000 - 1_800_000}&end=${T0 + HOUR * 1000}`, '');
    expect(r.status).toBe(200);
    // status success is all Grafana checks: exemplars count as available, and stay empty.
    expect(r.body).toEqual({ status: 'success', data: [] });
  });

  it('metric names: GET /api/v1/label/__name__/values with start and end (and limit=40000 from Grafana 12)', async () => {
    const names = ['node_cpu_seconds_total', 'node_filesystem_avail_bytes', 'node_load1'];
    expect((await grafana('GET', `/api/v1/label/__name__/values?start=${start}&end=${end}`)).body).toEqual({
      status: 'success',
      data: names,
    });
    expect((await grafana('GET', `/api/v1/label/__name__/values?limit=40000&start=${start}&end=${end}`)).body).toEqual({
      status: 'success',
      data: names,
    });
  });

  it("label names: POST /api/v1/labels with the browser's URLSearchParams body", async () => {
    const all = new URLSearchParams({ limit: '40000', start: String(start), end: String(end) }).toString();
    expect(all).toBe(`limit=40000&start=${start}&end=${end}`);
    const r = await grafana('POST', '/api/v1/labels', all);
    expect(r.body).toEqual({ status: 'success', data: ['__name__', 'cpu', 'device', 'fstype', 'instance', 'job', 'mode', 'mountpoint'] });
    // With the panel's metrics as match[] (fetchLabels: one match[] per metric of the queries).
    const params = new URLSearchParams({ start: String(start), end: String(end) });
    params.append('match[]', 'node_load1');
    params.append('match[]', 'node_filesystem_avail_bytes');
    expect(params.toString()).toContain('match%5B%5D=node_load1&match%5B%5D=node_filesystem_avail_bytes');
    const matched = await grafana('POST', '/api/v1/labels', params.toString());
    expect(matched.body.data).toEqual(['__name__', 'device', 'fstype', 'instance', 'job', 'mountpoint']);
  });

  it('a Content-Type with a charset, as browsers write it, is still a form', async () => {
    const body = new URLSearchParams({ 'match[]': 'node_load1', start: String(start), end: String(end) }).toString();
    const r = await grafana('POST', '/api/v1/labels', body, { 'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8' });
    expect(r.body).toEqual({ status: 'success', data: ['__name__', 'instance', 'job'] });
  });

  it('a quoted metric name in match[] (Prometheus 3 syntax; Grafana 12 writes {"name"} for names outside the classic set)', async () => {
    const body = new URLSearchParams({ start: String(start), end: String(end), 'match[]': '{"node_load1"}' }).toString();
    expect((await grafana('POST', '/api/v1/labels', body)).body.data).toEqual(['__name__', 'instance', 'job']);
    const values = await grafana(
      'GET',
      `/api/v1/label/instance/values?match%5B%5D=${encodeURIComponent('{"node_load1",instance=~"b.*"}')}`,
    );
    expect(values.body.data).toEqual(['b:9100']);
  });

  it('label names by GET, as Grafana sends them when the data source uses GET (encodeURIComponent)', async () => {
    const match = encodeURIComponent('{__name__="node_cpu_seconds_total"}');
    const r = await grafana('GET', `/api/v1/labels?start=${start}&end=${end}&match%5B%5D=${match}`);
    expect(r.body.data).toEqual(['__name__', 'cpu', 'instance', 'job', 'mode']);
  });

  it("ad-hoc filter keys: match[] built from the dashboard's metrics and filters (extractResourceMatcher)", async () => {
    const body = new URLSearchParams({
      'match[]': '{__name__=~"node_load1|node_cpu_seconds_total",instance="b:9100"}',
      start: String(start),
      end: String(end),
      limit: '40000',
    });
    const r = await grafana('POST', '/api/v1/labels', body.toString());
    expect(r.body.data).toEqual(['__name__', 'cpu', 'instance', 'job', 'mode']);
  });

  it('label values for the builder and the browser: GET with match[] and start/end', async () => {
    const instances = await grafana('GET', `/api/v1/label/instance/values?start=${start}&end=${end}&match%5B%5D=node_load1`);
    expect(instances.body).toEqual({ status: 'success', data: ['a:9100', 'b:9100'] });
    const match = encodeURIComponent('{__name__="node_cpu_seconds_total",instance="a:9100"}');
    const cpus = await grafana('GET', `/api/v1/label/cpu/values?limit=40000&start=${start}&end=${end}&match%5B%5D=${match}`);
    expect(cpus.body.data).toEqual(['0', '1']);
    const modes = await grafana(
      'GET',
      `/api/v1/label/mode/values?start=${start}&end=${end}&match%5B%5D=${encodeURIComponent('node_cpu_seconds_total{instance="b:9100"}')}`,
    );
    expect(modes.body.data).toEqual(['idle', 'system', 'user']);
  });

  it('a label name outside the classic set comes U__-escaped; the hub stores none, so the list is empty, not an error', async () => {
    // escapeForUtf8Support("http.method") = U__http_2e_method (names the store cannot hold).
    const r = await grafana('GET', `/api/v1/label/U__http_2e_method/values?start=${start}&end=${end}`);
    expect(r.body).toEqual({ status: 'success', data: [] });
    // A classic name is sent as it is, and a U__ form of it reads the same.
    expect((await grafana('GET', '/api/v1/label/U__mountpoint/values')).body.data).toEqual(['/', '/run']);
  });

  it('series: POST with match[]={__name__!=""} and limit=40000 (SeriesApiClient), and with the panel\'s selector', async () => {
    const body = new URLSearchParams({ start: String(start), end: String(end), 'match[]': '{__name__!=""}', limit: '40000' }).toString();
    expect(body).toBe(`start=${start}&end=${end}&match%5B%5D=%7B__name__%21%3D%22%22%7D&limit=40000`);
    const r = await grafana('POST', '/api/v1/series', body);
    expect(r.status).toBe(200);
    expect(r.body.data).toHaveLength(9 + 2 + 4);
    expect(r.body.warnings).toBeUndefined();
    const load = await grafana(
      'POST',
      '/api/v1/series',
      new URLSearchParams({ start: String(start), end: String(end), 'match[]': 'node_load1{instance=~"a.*"}' }).toString(),
    );
    expect(load.body).toEqual({ status: 'success', data: [{ __name__: 'node_load1', instance: 'a:9100', job: 'node' }] });
  });

  it('series by GET with match[] repeated, and a limit that cuts with a warning Grafana shows', async () => {
    const r = await grafana(
      'GET',
      `/api/v1/series?match%5B%5D=node_load1&match%5B%5D=${encodeURIComponent('node_filesystem_avail_bytes{mountpoint="/"}')}&start=${start}&end=${end}`,
    );
    expect(r.body.data).toEqual([
      { __name__: 'node_filesystem_avail_bytes', device: '/dev/sda1', fstype: 'ext4', instance: 'a:9100', job: 'node', mountpoint: '/' },
      { __name__: 'node_filesystem_avail_bytes', device: '/dev/sda1', fstype: 'ext4', instance: 'b:9100', job: 'node', mountpoint: '/' },
      { __name__: 'node_load1', instance: 'a:9100', job: 'node' },
      { __name__: 'node_load1', instance: 'b:9100', job: 'node' },
    ]);
    const cut = await grafana('GET', `/api/v1/series?match%5B%5D=node_load1&limit=1&start=${start}&end=${end}`);
    expect(cut.body).toEqual({
      status: 'success',
      data: [{ __name__: 'node_load1', instance: 'a:9100', job: 'node' }],
      warnings: ['results truncated due to limit'],
    });
  });

  it('a bad match[] from the editor: 400 bad_data, and the GET retry gets the same answer', async () => {
    const body = new URLSearchParams({ 'match[]': 'node_load1{instance=}', start: String(start), end: String(end) }).toString();
    const post = await grafana('POST', '/api/v1/series', body);
    expect(post.status).toBe(400);
    expect(post.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
    expect(post.body.error).toMatch(/^invalid parameter "match\[\]": 1:\d+: parse error: /);
    const retry = await grafana('GET', `/api/v1/series?${body}`);
    expect(retry.status).toBe(400);
    expect(retry.body).toEqual(post.body);
  });

  it('metadata for completion and the builder: GET /api/v1/metadata (Grafana 10, 11) and ?limit=40000 (12)', async () => {
    const expected = {
      node_cpu_seconds_total: [{ type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' }],
      node_filesystem_avail_bytes: [{ type: 'gauge', help: 'Filesystem space available to non-root users in bytes.', unit: '' }],
      node_load1: [{ type: 'gauge', help: '1m load average.', unit: '' }],
    };
    expect((await grafana('GET', '/api/v1/metadata')).body).toEqual({ status: 'success', data: expected });
    expect((await grafana('GET', '/api/v1/metadata?limit=40000')).body).toEqual({ status: 'success', data: expected });
    // Prometheus's own parameters, for other clients: one metric, and a limit that cuts.
    expect((await grafana('GET', '/api/v1/metadata?metric=node_load1')).body.data).toEqual({ node_load1: expected.node_load1 });
    expect(Object.keys((await grafana('GET', '/api/v1/metadata?limit=1')).body.data)).toEqual(['node_cpu_seconds_total']);
  });

  it('metadata and label values through the resource proxy are GET; a POST would get 405 and be retried as GET', async () => {
    const { post, get } = await resourceCall('/api/v1/metadata', 'limit=40000');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect(get?.status).toBe(200);
    const values = await resourceCall('/api/v1/label/job/values', `start=${start}&end=${end}`);
    expect(values.post.status).toBe(405);
    expect(values.get?.body).toEqual({ status: 'success', data: ['node'] });
  });

  it('format_query is not called by the data source and not served: a JSON not_found', async () => {
    const r = await grafana('POST', '/api/v1/format_query', 'query=sum%28node_load1%29');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ status: 'error', errorType: 'not_found' });
  });
});

describe("alerting: the data source's rules and alerts (manageAlerts)", () => {
  it('recording rules for the editor (loadRules): POST gets 405, the GET retry reads the groups', async () => {
    ruleForms.length = 0;
    const { post, get } = await resourceCall('/api/v1/rules');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect(get?.status).toBe(200);
    expect(get?.body).toEqual({ status: 'success', data: RULES });
    // What extractRuleMappingFromGroups reads: recording rules' name and query.
    const recording = get?.body.data.groups[0].rules.filter((r: { type: string }) => r.type === 'recording');
    expect(recording).toEqual([expect.objectContaining({ name: 'instance:node_cpu:rate1m', query: expect.any(String) })]);
  });

  it("the alert rules list: GET /api/v1/rules with the browser's filters passed to the rule evaluator", async () => {
    ruleForms.length = 0;
    const r = await grafana('GET', '/api/v1/rules?exclude_alerts=true&group_limit=40');
    expect(r.status).toBe(200);
    // The shape Grafana's RuleResponse decodes: groups with file, interval and rules; rules with
    // state, health, type, duration in seconds, alerts with labels, state, activeAt and value.
    const group = r.body.data.groups[0];
    expect(group).toMatchObject({ name: 'node', file: expect.any(String), interval: 15, rules: expect.any(Array) });
    expect(group.rules[0]).toMatchObject({ type: 'alerting', state: 'firing', health: 'ok', duration: 60, alerts: [HOST_DOWN_ALERT] });
    expect(r.body.data).not.toHaveProperty('groupNextToken');
    expect(ruleForms).toHaveLength(1);
    expect(ruleForms[0].get('exclude_alerts')).toBe('true');
    expect(ruleForms[0].get('group_limit')).toBe('40');
    // Prometheus's own filters arrive the same way.
    await grafana(
      'GET',
      `/api/v1/rules?type=alert&${encodeURIComponent('rule_group[]')}=node&${encodeURIComponent('file[]')}=${encodeURIComponent('/var/lib/metrics-hub/rules/node.yml')}`,
    );
    expect(ruleForms[1].get('type')).toBe('alert');
    expect(ruleForms[1].all('rule_group[]')).toEqual(['node']);
    expect(ruleForms[1].all('file[]')).toEqual(['/var/lib/metrics-hub/rules/node.yml']);
  });

  it('firing alerts: GET /api/v1/alerts', async () => {
    const r = await grafana('GET', '/api/v1/alerts');
    expect(r.body).toEqual({ status: 'success', data: { alerts: [HOST_DOWN_ALERT] } });
    expect(alertForms).toHaveLength(1);
  });
});
