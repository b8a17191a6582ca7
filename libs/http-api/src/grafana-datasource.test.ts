// Grafana's Prometheus data source against the real API: adding it ("Save & test",
// version and feature detection) and its alerting calls (rules, alerts). Where each
// request comes from, and the hub they go to: testing/grafana-hub.ts.

import { describe, expect, it } from 'vitest';
import { grafanaHub, HOST_DOWN_ALERT, RULES } from './testing/grafana-hub.ts';

const { ruleForms, alertForms, grafana, resourceCall } = grafanaHub();

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
