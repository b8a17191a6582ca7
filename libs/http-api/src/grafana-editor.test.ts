// Grafana's query editor against the real API: the label browser, completion and query
// builder (resource calls: labels, label values, series, metadata). Where each request
// comes from, and the hub they go to: testing/grafana-hub.ts.

import { describe, expect, it } from 'vitest';
import { grafanaHub, HOUR, S0, T0 } from './testing/grafana-hub.ts';

const { grafana, resourceCall } = grafanaHub();

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
