// HTTP around the endpoints: which requests the handler takes, methods, forms from query
// strings and bodies, body limits, gzip, and that a failure stays with its request.

import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryQueryable } from '@metrics-hub/promql';
import { memoryBackend, rawRequest, startApiServer, type ApiBody, type ApiServer } from './testing/api-server.ts';

const T0 = Date.UTC(2026, 0, 1);
const S0 = T0 / 1000;
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

function fixture(): MemoryQueryable {
  const q = new MemoryQueryable();
  // 8 series of one sample a minute over 12 hours: a range query at 15 s gives a large body.
  for (let i = 0; i < 8; i++) {
    for (let k = 0; k <= 720; k++) q.add({ __name__: 'cpu_seconds_total', cpu: String(i), job: 'node' }, T0 + k * 60_000, k * (i + 1));
  }
  q.add({ __name__: 'up', job: 'node', 'service.name': 'checkout' }, T0, 1);
  return q;
}

let server: ApiServer;
const internal: unknown[] = [];
let failNext = false;

beforeAll(async () => {
  const base = memoryBackend(fixture());
  server = await startApiServer(
    {
      ...base,
      labelNames: (m) => {
        if (failNext) {
          failNext = false;
          throw new Error('index unavailable');
        }
        return base.labelNames(m);
      },
    },
    { maxBodyBytes: 4096, onInternalError: (e) => internal.push(e) },
  );
});
afterAll(() => server.close());

const errorBody = async (res: Response) => (await res.json()) as ApiBody;

describe('which requests the handler takes', () => {
  it('declines paths outside /api/v1/ so the hub can answer them', async () => {
    for (const path of ['/', '/metrics', '/api/v2/query', '/api/v1x/query', '/graph?query=up']) {
      const res = await fetch(server.url + path);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('not an API path');
    }
  });

  it('answers unknown /api/v1/ paths with a JSON not_found', async () => {
    const res = await fetch(`${server.url}/api/v1/targets`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ status: 'error', errorType: 'not_found', error: 'unknown API endpoint "/api/v1/targets"' });
    expect((await fetch(`${server.url}/api/v1`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/v1/query/`)).status).toBe(404);
  });

  it('serves under a path prefix when told to', async () => {
    const prefixed = await startApiServer(memoryBackend(fixture()), { pathPrefix: '/prometheus/' });
    try {
      expect((await fetch(`${prefixed.url}/prometheus/api/v1/status/buildinfo`)).status).toBe(200);
      expect(await (await fetch(`${prefixed.url}/api/v1/status/buildinfo`)).text()).toBe('not an API path');
    } finally {
      await prefixed.close();
    }
  });
});

describe('methods', () => {
  it('refuses a method an endpoint does not take with 405, Allow and a JSON error', async () => {
    const res = await fetch(`${server.url}/api/v1/label/job/values`, { method: 'POST', headers: FORM, body: '' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(await res.json()).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: 'method POST is not allowed for /api/v1/label/job/values: use GET',
    });
    const del = await fetch(`${server.url}/api/v1/query?query=up`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, POST');
  });

  it('answers OPTIONS with the allowed methods', async () => {
    const res = await fetch(`${server.url}/api/v1/query`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('GET, POST, OPTIONS');
  });
});

describe('forms', () => {
  it('gives the same answer for a query by GET and by POST', async () => {
    const params = new URLSearchParams({ query: 'sum by (job) (cpu_seconds_total)', start: String(S0), end: String(S0 + 600), step: '60' });
    const viaGet = await (await fetch(`${server.url}/api/v1/query_range?${params}`)).text();
    const viaPost = await (
      await fetch(`${server.url}/api/v1/query_range`, { method: 'POST', headers: FORM, body: params.toString() })
    ).text();
    // 36 = 1+2+...+8 at minute k gives 36k.
    expect(JSON.parse(viaGet).data.result).toEqual([
      { metric: { job: 'node' }, values: [...Array(11).keys()].map((k) => [S0 + 60 * k, String(36 * k)]) },
    ]);
    expect(viaPost).toBe(viaGet);
  });

  it('reads the body first when a parameter is in both body and URL, as Go does', async () => {
    const res = await fetch(`${server.url}/api/v1/query?query=1&time=${S0}`, { method: 'POST', headers: FORM, body: 'query=2' });
    expect(((await res.json()) as ApiBody).data.result).toEqual([S0, '2']);
  });

  it('ignores a body that is not a form, and refuses multipart', async () => {
    const json = await fetch(`${server.url}/api/v1/query?query=3&time=${S0}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"query":"4"}',
    });
    expect(((await json.json()) as ApiBody).data.result).toEqual([S0, '3']);
    const multipart = await fetch(`${server.url}/api/v1/query`, { method: 'POST', body: new FormData() });
    expect(multipart.status).toBe(415);
    expect((await errorBody(multipart)).errorType).toBe('bad_data');
  });

  it('rejects malformed percent escapes', async () => {
    const res = await rawRequest(`${server.url}/api/v1/query?query=%zz`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString())).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: 'error parsing form values: invalid URL escape "%zz"',
    });
  });

  it('reads percent-encoded and U__-escaped label names in paths, and refuses an empty one', async () => {
    const encoded = await fetch(`${server.url}/api/v1/label/${encodeURIComponent('service.name')}/values`);
    expect(((await encoded.json()) as ApiBody).data).toEqual(['checkout']);
    const escaped = await fetch(`${server.url}/api/v1/label/U__service_2e_name/values`);
    expect(((await escaped.json()) as ApiBody).data).toEqual(['checkout']);
    const empty = await fetch(`${server.url}/api/v1/label//values`);
    expect(empty.status).toBe(400);
    expect(await errorBody(empty)).toEqual({ status: 'error', errorType: 'bad_data', error: 'invalid label name: ""' });
  });
});

describe('request body limit', () => {
  const big = `query=${encodeURIComponent('1+'.repeat(3000))}1`;

  it('answers a declared oversize body with 413 without reading it', async () => {
    const res = await rawRequest(`${server.url}/api/v1/query`, {
      method: 'POST',
      headers: { ...FORM, 'Content-Length': String(big.length) },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(JSON.parse(res.body.toString())).toEqual({
      status: 'error',
      errorType: 'bad_data',
      error: 'request body is larger than 4096 bytes: send a shorter query or fewer match[] selectors',
    });
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const res = await rawRequest(`${server.url}/api/v1/query`, {
      method: 'POST',
      headers: { ...FORM, 'Transfer-Encoding': 'chunked' },
      body: big,
    });
    expect(res.status).toBe(413);
  });

  it('reads a body up to the limit', async () => {
    // 1001 ones, summed in ten bracketed groups: one chain of 1000 would be too deep.
    const fits = `query=${encodeURIComponent(`${Array.from({ length: 10 }, () => `(${'1+'.repeat(99)}1)`).join('+')}+1`)}&time=${S0}`;
    expect(fits.length).toBeLessThan(4096);
    const res = await fetch(`${server.url}/api/v1/query`, { method: 'POST', headers: FORM, body: fits });
    expect(((await res.json()) as ApiBody).data.result).toEqual([S0, '1001']);
  });

  it('keeps serving after refusing one', async () => {
    await rawRequest(`${server.url}/api/v1/query`, { method: 'POST', headers: FORM, body: big });
    expect((await fetch(`${server.url}/api/v1/query?query=1`)).status).toBe(200);
  });
});

describe('gzip', () => {
  const range = `/api/v1/query_range?query=cpu_seconds_total&start=${S0}&end=${S0 + 43_200}&step=15`;

  it('compresses a large body for a client that accepts gzip', async () => {
    const plain = await rawRequest(server.url + range);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(100_000);
    const zipped = await rawRequest(server.url + range, { headers: { 'Accept-Encoding': 'gzip, deflate' } });
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('Accept-Encoding');
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 4);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
  });

  it('leaves small bodies and clients without gzip alone', async () => {
    const small = await rawRequest(`${server.url}/api/v1/status/buildinfo`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString()).data.version).toBe('3.0.0');
    const refused = await rawRequest(server.url + range, { headers: { 'Accept-Encoding': 'gzip;q=0, identity' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('compresses errors too, from the configured size', async () => {
    const eager = await startApiServer(memoryBackend(fixture()), { gzipMinBytes: 50 });
    try {
      const res = await rawRequest(`${eager.url}/api/v1/query?query=${encodeURIComponent('sum(')}`, {
        headers: { 'Accept-Encoding': 'gzip' },
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-encoding']).toBe('gzip');
      expect(JSON.parse(gunzipSync(res.body).toString()).errorType).toBe('bad_data');
    } finally {
      await eager.close();
    }
  });
});

describe('failures stay with their request', () => {
  it('turns an exception in the backend into a 500 internal error, reports it, and serves the next request', async () => {
    internal.length = 0;
    failNext = true;
    const res = await fetch(`${server.url}/api/v1/labels`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ status: 'error', errorType: 'internal', error: 'index unavailable' });
    expect(internal).toHaveLength(1);
    expect((internal[0] as Error).message).toBe('index unavailable');
    const next = await fetch(`${server.url}/api/v1/labels`);
    expect(next.status).toBe(200);
    expect(((await next.json()) as ApiBody).data).toEqual(['__name__', 'cpu', 'job', 'service.name']);
  });

  it('serves a good query right after a bad one on the same connection', async () => {
    const bad = await fetch(`${server.url}/api/v1/query?query=${encodeURIComponent('sum(')}`);
    expect(bad.status).toBe(400);
    await bad.text();
    const good = await fetch(`${server.url}/api/v1/query?query=${encodeURIComponent('2 * 3')}&time=${S0}`);
    expect(((await good.json()) as ApiBody).data).toEqual({ resultType: 'scalar', result: [S0, '6'] });
    expect(internal).toHaveLength(1);
  });
});

describe('status endpoints', () => {
  it('report build info with every field Prometheus has', async () => {
    expect(await (await fetch(`${server.url}/api/v1/status/buildinfo`)).json()).toEqual({
      status: 'success',
      data: { version: '3.0.0', revision: 'abc123', branch: '', buildUser: '', buildDate: '', goVersion: '' },
    });
  });

  it('report runtime info, with the fields the backend adds', async () => {
    const srv = await startApiServer(memoryBackend(fixture(), { now: () => T0, runtimeInfo: () => ({ storageRetention: '15d' }) }));
    try {
      const body = (await (await fetch(`${srv.url}/api/v1/status/runtimeinfo`)).json()) as ApiBody;
      expect(body.data).toMatchObject({
        startTime: '2026-01-01T00:00:00.000Z',
        reloadConfigSuccess: true,
        corruptionCount: 0,
        storageRetention: '15d',
      });
      expect(typeof body.data.CWD).toBe('string');
    } finally {
      await srv.close();
    }
  });

  it('answer empty rules and alerts until the rule evaluator fills them in', async () => {
    expect(await (await fetch(`${server.url}/api/v1/rules`)).json()).toEqual({ status: 'success', data: { groups: [] } });
    expect(await (await fetch(`${server.url}/api/v1/alerts`)).json()).toEqual({ status: 'success', data: { alerts: [] } });
  });

  it('pass rules and alerts from the backend through, with the request form', async () => {
    const srv = await startApiServer(
      memoryBackend(fixture(), {
        rules: (form) => ({ groups: [{ name: 'g', type: form.get('type') }] }),
        alerts: () => ({ alerts: [{ labels: { alertname: 'Down' }, state: 'firing' }] }),
      }),
    );
    try {
      expect(((await (await fetch(`${srv.url}/api/v1/rules?type=alert`)).json()) as ApiBody).data).toEqual({
        groups: [{ name: 'g', type: 'alert' }],
      });
      expect(((await (await fetch(`${srv.url}/api/v1/alerts`)).json()) as ApiBody).data.alerts[0].state).toBe('firing');
    } finally {
      await srv.close();
    }
  });
});
