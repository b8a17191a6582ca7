// /query and /query_range through a real socket, over an in-memory store whose samples
// are chosen so that every expected answer can be worked out by hand.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, MemoryQueryable, type Queryable } from '@metrics-hub/promql';
import { memoryBackend, startApiServer, type ApiBody, type ApiServer } from './testing/api-server.ts';

const T0 = Date.UTC(2026, 0, 1); // 1767225600 s
const S0 = T0 / 1000;
const STEP = 15_000;

// up{a} = 1 and up{b} = 0 every 15 s from T0 to T0+5m (21 samples).
const UP_A = { __name__: 'up', instance: 'a:9100', job: 'node' };
const UP_B = { __name__: 'up', instance: 'b:9100', job: 'node' };

function fixture(): MemoryQueryable {
  const q = new MemoryQueryable();
  for (let k = 0; k <= 20; k++) {
    q.add(UP_A, T0 + k * STEP, 1);
    q.add(UP_B, T0 + k * STEP, 0);
  }
  return q;
}

let server: ApiServer;
const get = async (path: string) => {
  const res = await fetch(server.url + path);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};
const json = async (path: string) => {
  const r = await get(path);
  return { status: r.status, body: JSON.parse(r.text) as ApiBody };
};
const q = encodeURIComponent;

beforeAll(async () => {
  server = await startApiServer(memoryBackend(fixture(), { now: () => T0 + 60_000 }));
});
afterAll(() => server.close());

describe('instant queries', () => {
  it('answer a vector with Prometheus bytes: sorted labels, ms timestamps with three digits, quoted values', async () => {
    const r = await get(`/api/v1/query?query=up&time=${S0 + 60.25}`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/json');
    expect(r.text).toBe(
      '{"status":"success","data":{"resultType":"vector","result":[' +
        '{"metric":{"__name__":"up","instance":"a:9100","job":"node"},"value":[1767225660.250,"1"]},' +
        '{"metric":{"__name__":"up","instance":"b:9100","job":"node"},"value":[1767225660.250,"0"]}]}}',
    );
  });

  it('evaluate at the server time when no time is given', async () => {
    const { body } = await json('/api/v1/query?query=up');
    expect(body.data.result.map((s: { value: unknown }) => s.value)).toEqual([
      [S0 + 60, '1'],
      [S0 + 60, '0'],
    ]);
  });

  it('read RFC 3339 times like Unix seconds', async () => {
    const a = await get(`/api/v1/query?query=up&time=${S0 + 90}`);
    const b = await get(`/api/v1/query?query=up&time=2026-01-01T00:01:30Z`);
    const c = await get(`/api/v1/query?query=up&time=${q('2026-01-01T01:01:30+01:00')}`);
    expect(JSON.parse(a.text).data.result[0].value).toEqual([S0 + 90, '1']);
    expect(b.text).toBe(a.text);
    expect(c.text).toBe(a.text);
  });

  it('answer a scalar as [time, value] with a plain float time', async () => {
    const r = await get(`/api/v1/query?query=${q('1 + 1')}&time=${S0 + 0.5}`);
    expect(r.text).toBe('{"status":"success","data":{"resultType":"scalar","result":[1767225600.5,"2"]}}');
    const small = await get(`/api/v1/query?query=${q('1e-7')}&time=${S0}`);
    expect(small.text).toBe('{"status":"success","data":{"resultType":"scalar","result":[1767225600,"0.0000001"]}}');
  });

  it('answer a string literal with Go escaping', async () => {
    const r = await get(`/api/v1/query?query=${q('"a<b"')}&time=${S0}`);
    expect(r.text).toBe('{"status":"success","data":{"resultType":"string","result":[1767225600,"a\\u003cb"]}}');
  });

  it('answer a range selector with a matrix of raw samples', async () => {
    const { body } = await json(`/api/v1/query?query=${q('up{instance="a:9100"}[30s]')}&time=${S0 + 60}`);
    // (T0+30s, T0+60s] holds the samples at 45 s and 60 s.
    expect(body).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: UP_A,
            values: [
              [S0 + 45, '1'],
              [S0 + 60, '1'],
            ],
          },
        ],
      },
    });
  });

  it('print NaN, infinities and tiny or huge values as Prometheus does', async () => {
    const r = await get(`/api/v1/query?query=${q('up / 0')}&time=${S0}`);
    expect(JSON.parse(r.text).data.result).toEqual([
      { metric: { instance: 'a:9100', job: 'node' }, value: [S0, '+Inf'] },
      { metric: { instance: 'b:9100', job: 'node' }, value: [S0, 'NaN'] },
    ]);
    const neg = await json(`/api/v1/query?query=${q('-up{instance="a:9100"} / 0')}&time=${S0}`);
    expect(neg.body.data.result[0].value).toEqual([S0, '-Inf']);
    const tiny = await get(`/api/v1/query?query=${q('up{instance="a:9100"} * 1e-7')}&time=${S0}`);
    expect(tiny.text).toContain('"value":[1767225600,"1e-07"]');
    const huge = await get(`/api/v1/query?query=${q('up{instance="a:9100"} * 1e21')}&time=${S0}`);
    expect(huge.text).toContain('"value":[1767225600,"1e+21"]');
  });

  it('return annotations as infos, and no warnings key when there are none', async () => {
    const { body } = await json(`/api/v1/query?query=${q('rate(up[5m])')}&time=${S0 + 300}`);
    expect(body.status).toBe('success');
    expect(body.infos).toHaveLength(1);
    expect(body.infos?.[0]).toContain('"up"');
    expect(body).not.toHaveProperty('warnings');
  });

  it('cut the result at limit and say so', async () => {
    const { body } = await json(`/api/v1/query?query=up&time=${S0}&limit=1`);
    expect(body.data.result).toHaveLength(1);
    expect(body.warnings).toEqual(['results truncated due to limit']);
    const enough = await json(`/api/v1/query?query=up&time=${S0}&limit=2`);
    expect(enough.body.data.result).toHaveLength(2);
    expect(enough.body).not.toHaveProperty('warnings');
  });

  it('honour lookback_delta', async () => {
    // The last samples are at T0+5m: at T0+6m40s a 5 m lookback still sees them, 1 m does not.
    const t = S0 + 400;
    expect((await json(`/api/v1/query?query=up&time=${t}`)).body.data.result).toHaveLength(2);
    expect((await json(`/api/v1/query?query=up&time=${t}&lookback_delta=1m`)).body.data.result).toEqual([]);
  });
});

describe('range queries', () => {
  const expected = {
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [{ metric: UP_A, values: [0, 15, 30, 45, 60].map((s) => [S0 + s, '1']) }],
    },
  };
  const sel = q('up{instance="a:9100"}');

  it('answer a matrix with one point per step', async () => {
    const { status, body } = await json(`/api/v1/query_range?query=${sel}&start=${S0}&end=${S0 + 60}&step=15s`);
    expect(status).toBe(200);
    expect(body).toEqual(expected);
  });

  it('read the step as a duration or as float seconds, and times as RFC 3339 or floats', async () => {
    const asFloat = await get(`/api/v1/query_range?query=${sel}&start=${S0}&end=${S0 + 60}&step=15`);
    const asRfc = await get(`/api/v1/query_range?query=${sel}&start=2026-01-01T00:00:00Z&end=2026-01-01T00:01:00Z&step=15.0`);
    expect(JSON.parse(asFloat.text)).toEqual(expected);
    expect(asRfc.text).toBe(asFloat.text);
    const mixed = await json(`/api/v1/query_range?query=${sel}&start=${S0}&end=${S0 + 90}&step=1m30s`);
    expect(mixed.body.data.result[0].values).toEqual([
      [S0, '1'],
      [S0 + 90, '1'],
    ]);
  });

  it('give a scalar expression one series without labels', async () => {
    const { body } = await json(`/api/v1/query_range?query=${q('time()')}&start=${S0}&end=${S0 + 30}&step=15s`);
    expect(body.data).toEqual({ resultType: 'matrix', result: [{ metric: {}, values: [0, 15, 30].map((s) => [S0 + s, String(S0 + s)]) }] });
  });

  it('compute over the samples', async () => {
    // up{a} + up{b} = 1 at every step; count = 2.
    const { body } = await json(`/api/v1/query_range?query=${q('sum(up) + count(up)')}&start=${S0}&end=${S0 + 30}&step=15`);
    expect(body.data.result).toEqual([{ metric: {}, values: [0, 15, 30].map((s) => [S0 + s, '3']) }]);
  });
});

describe('query errors', () => {
  const expectError = async (path: string, status: number, errorType: string, error: string | RegExp) => {
    const r = await get(path);
    expect(r.status).toBe(status);
    expect(r.type).toBe('application/json');
    const body = JSON.parse(r.text);
    expect(Object.keys(body)).toEqual(['status', 'errorType', 'error']);
    expect(body.status).toBe('error');
    expect(body.errorType).toBe(errorType);
    if (typeof error === 'string') expect(body.error).toBe(error);
    else expect(body.error).toMatch(error);
  };

  it('a syntax error is bad_data with the line and column where it is', async () => {
    await expectError(`/api/v1/query?query=${q('up +')}&time=${S0}`, 400, 'bad_data', /^invalid parameter "query": 1:5: parse error: /);
    // Second line, third column: the ")" where an operand should be.
    await expectError(
      `/api/v1/query?query=${q('up +\n  )')}&time=${S0}`,
      400,
      'bad_data',
      /^invalid parameter "query": 2:3: parse error: /,
    );
    await expectError(
      `/api/v1/query?query=${q('nosuchfn(up)')}&time=${S0}`,
      400,
      'bad_data',
      'invalid parameter "query": 1:1: parse error: unknown function with name "nosuchfn"',
    );
  });

  it('a missing query is a parse error of the empty input', async () => {
    await expectError(
      `/api/v1/query?time=${S0}`,
      400,
      'bad_data',
      'invalid parameter "query": 1:1: parse error: no expression found in input',
    );
  });

  it('a range query reports parse errors without the parameter name, as Prometheus does', async () => {
    await expectError(
      `/api/v1/query_range?query=${q('sum(up')}&start=${S0}&end=${S0 + 60}&step=15`,
      400,
      'bad_data',
      /^1:7: parse error: /,
    );
    await expectError(
      `/api/v1/query_range?query=${q('up[5m]')}&start=${S0}&end=${S0 + 60}&step=15`,
      400,
      'bad_data',
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    );
  });

  it('bad times are bad_data with Prometheus wording', async () => {
    await expectError(
      '/api/v1/query?query=up&time=yesterday',
      400,
      'bad_data',
      `invalid parameter "time": invalid time value for 'time': cannot parse "yesterday" to a valid timestamp`,
    );
    await expectError(
      `/api/v1/query_range?query=up&start=x&end=${S0}&step=15`,
      400,
      'bad_data',
      'invalid parameter "start": cannot parse "x" to a valid timestamp',
    );
    await expectError(
      `/api/v1/query_range?query=up&start=${S0}&step=15`,
      400,
      'bad_data',
      'invalid parameter "end": cannot parse "" to a valid timestamp',
    );
  });

  it('end before start, bad and zero steps, and too many points are bad_data', async () => {
    await expectError(
      `/api/v1/query_range?query=up&start=${S0}&end=${S0 - 1}&step=15`,
      400,
      'bad_data',
      'invalid parameter "end": end timestamp must not be before start time',
    );
    await expectError(
      `/api/v1/query_range?query=up&start=${S0}&end=${S0 + 60}&step=often`,
      400,
      'bad_data',
      'invalid parameter "step": cannot parse "often" to a valid duration',
    );
    await expectError(
      `/api/v1/query_range?query=up&start=${S0}&end=${S0 + 60}&step=0`,
      400,
      'bad_data',
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
    // 11,000 intervals of 1 s (11,001 points) fit, as in Prometheus; one more does not.
    const widest = await get(`/api/v1/query_range?query=1&start=${S0}&end=${S0 + 11_000}&step=1`);
    expect(widest.status).toBe(200);
    expect((JSON.parse(widest.text) as { data: { result: { values: unknown[] }[] } }).data.result[0].values).toHaveLength(11_001);
    await expectError(
      `/api/v1/query_range?query=1&start=${S0}&end=${S0 + 11_001}&step=1`,
      400,
      'bad_data',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  });

  it('bad timeout, lookback_delta and limit are bad_data', async () => {
    await expectError(
      `/api/v1/query?query=up&timeout=soon`,
      400,
      'bad_data',
      'invalid parameter "timeout": cannot parse "soon" to a valid duration',
    );
    await expectError(
      `/api/v1/query?query=up&lookback_delta=far`,
      400,
      'bad_data',
      'error parsing lookback delta duration: cannot parse "far" to a valid duration',
    );
    await expectError(`/api/v1/query?query=up&limit=-1`, 400, 'bad_data', 'invalid parameter "limit": limit must be non-negative');
  });

  it('a query that cannot be executed is execution (422)', async () => {
    // Both up series match on(job): one-to-one matching needs unique matches.
    await expectError(`/api/v1/query?query=${q('up + on(job) up')}&time=${S0}`, 422, 'execution', /many-to-many|duplicate|unique/);
  });
});

describe('engine limits', () => {
  it('too many samples is execution (422)', async () => {
    const small = await startApiServer(memoryBackend(fixture(), { engine: new Engine({ maxSamples: 10 }) }));
    try {
      const res = await fetch(`${small.url}/api/v1/query?query=${q('up[5m]')}&time=${S0 + 300}`);
      expect(res.status).toBe(422);
      const body = (await res.json()) as ApiBody;
      expect(body.errorType).toBe('execution');
      expect(body.error).toContain('too many samples');
    } finally {
      await small.close();
    }
  });

  it('a query past its timeout is timeout (503); the timeout parameter cannot raise the hub limit', async () => {
    // Each series takes 30 ms to read, so a 5 ms timeout has expired when the engine
    // next looks at the clock (before it evaluates `1`).
    const slow: Queryable = {
      select(matchers, mint, maxt) {
        return [...fixture().select(matchers, mint, maxt)].map((s) => ({
          labels: s.labels,
          blocks: () => {
            const until = Date.now() + 30;
            while (Date.now() < until);
            return s.blocks();
          },
        }));
      },
    };
    const srv = await startApiServer(memoryBackend(fixture(), { queryable: slow, engine: new Engine({ timeoutMs: 5 }) }));
    try {
      const capped = await fetch(`${srv.url}/api/v1/query?query=${q('up * 1')}&time=${S0}&timeout=1h`);
      expect(capped.status).toBe(503);
      expect(((await capped.json()) as ApiBody).errorType).toBe('timeout');
    } finally {
      await srv.close();
    }
    const roomy = await startApiServer(memoryBackend(fixture(), { queryable: slow }));
    try {
      expect((await fetch(`${roomy.url}/api/v1/query?query=${q('up * 1')}&time=${S0}`)).status).toBe(200);
      const r = await fetch(`${roomy.url}/api/v1/query?query=${q('up * 1')}&time=${S0}&timeout=5ms`);
      expect(r.status).toBe(503);
      expect(await r.json()).toMatchObject({ status: 'error', errorType: 'timeout' });
    } finally {
      await roomy.close();
    }
  });
});

describe('exemplars', () => {
  it('are an empty list, with the query and times still checked', async () => {
    expect(await json(`/api/v1/query_exemplars?query=up&start=${S0}&end=${S0 + 60}`)).toEqual({
      status: 200,
      body: { status: 'success', data: [] },
    });
    const bad = await json(`/api/v1/query_exemplars?query=${q('up{')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^1:4: parse error/);
    const backwards = await json(`/api/v1/query_exemplars?query=up&start=${S0}&end=${S0 - 1}`);
    expect(backwards.body).toEqual({ status: 'error', errorType: 'bad_data', error: 'end timestamp must not be before start timestamp' });
  });
});
