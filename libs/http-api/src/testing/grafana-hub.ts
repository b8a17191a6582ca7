// The Grafana tests' hub (grafana-*.test.ts): the real API over a real store (a
// TimeSeriesStore in a temporary SQLite file, node_exporter-like data), and requests sent
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
import { afterAll, beforeAll, expect } from 'vitest';
import { Engine } from '@metrics-hub/promql';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import type { Labels } from '@metrics-hub/wire';
import { tempDir, type TempDir } from '@metrics-hub/testing';
import type { ApiBackend } from '../backend.ts';
import type { Form } from '../form.ts';
import { rawRequest, startApiServer, type ApiBody, type ApiServer } from './api-server.ts';

export const T0 = Date.UTC(2026, 0, 1); // 1767225600 s
export const S0 = T0 / 1000;
export const HOUR = 3600;
const NOW = T0 + HOUR * 1000; // the hub's clock: one hour of data behind it
const STEP_MS = 10_000; // the agents' default interval
const POINTS = HOUR / 10 + 1;

// What Grafana's Go backend sends with every request (Go's transport adds the gzip line
// and decompresses the answer itself).
export const GO_HEADERS = { 'User-Agent': 'Grafana/11.3.0', 'Accept-Encoding': 'gzip' } as const;
export const FORM = 'application/x-www-form-urlencoded';

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

// The rule evaluator's answers, in Prometheus's shape (libs/alerts fills these in the hub).
export const HOST_DOWN_ALERT = {
  labels: { alertname: 'HostDown', instance: 'b:9100', severity: 'critical' },
  annotations: { summary: 'b:9100 is down' },
  state: 'firing',
  activeAt: '2026-01-01T00:50:00Z',
  value: '0e+00',
};
export const RULES = {
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

export interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as sent, gzip undone (as Go's transport does). */
  text: string;
  body: ApiBody;
}

/**
 * Opens the hub before the file's tests and closes it after them. Each rules and alerts
 * call's form is kept (`ruleForms`, `alertForms`) so the tests can see what Grafana's
 * parameters look like here.
 */
export function grafanaHub() {
  const ruleForms: Form[] = [];
  const alertForms: Form[] = [];
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
      buildInfo: {
        version: '3.0.0',
        revision: 'metrics-hub-0.1.0',
        branch: 'main',
        buildUser: 'metrics-hub',
        goVersion: 'n/a (TypeScript)',
      },
      now: () => NOW,
    };
    server = await startApiServer(backend);
  });
  afterAll(async () => {
    await server?.close();
    store?.close();
    dir?.remove();
  });

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

  return { ruleForms, alertForms, grafana, resourceCall, url: () => server.url };
}
