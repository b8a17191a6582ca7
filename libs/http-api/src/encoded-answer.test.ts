// An answer encoded in pieces (gzip working while the text is still written) must be the
// answer encodeSuccess gives: the same text once unzipped, gzip only when that would be,
// stats still last; and a piece that fails to be written fails the encoding.
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Engine, MemoryQueryable } from '@metrics-hub/promql';
import { seededRandom } from '@metrics-hub/testing';
import { encodeSuccess, encodeSuccessPieces } from './encoded-answer.ts';
import { queryJobPieces, runQueryJob, type QueryJob } from './query-job.ts';

const T0 = 1_700_000_000_000;

/** 40 series of 2,000 steps of random floats: megabytes of JSON. */
function store(): MemoryQueryable {
  const q = new MemoryQueryable();
  const random = seededRandom(5);
  for (let s = 0; s < 40; s++) for (let i = 0; i < 2000; i++) q.add({ __name__: 'm', s: String(s) }, T0 + i * 15_000, random() * 1e3);
  return q;
}

const range = (query: string, extra: Partial<QueryJob> = {}): QueryJob =>
  ({ kind: 'range', query, start: T0, end: T0 + 1999 * 15_000, step: 15_000, limit: 0, ...extra }) as QueryJob;

const text = (body: Uint8Array, gzip: boolean) => new TextDecoder().decode(gzip ? gunzipSync(body) : body);

describe('encodeSuccessPieces', () => {
  const q = store();
  const engine = new Engine();

  it.each([
    ['a large matrix, gzip', range('m'), true, true],
    ['a large matrix, gzip, no core to overlap on', range('m'), true, false],
    ['a large matrix, no gzip', range('m'), false, true],
    ['a large matrix in columns, gzip', range('m', { format: 'columns' } as Partial<QueryJob>), true, true],
    ['a small answer, gzip', range('m{s="3"} * 0', { start: T0, end: T0 + 15_000 } as Partial<QueryJob>), true, true],
    ['an instant vector, gzip', { kind: 'instant', query: 'm', time: T0 + 60_000, limit: 0 } as QueryJob, true, true],
  ])('%s: the text encodeSuccess gives', async (_, job, gzip, overlap) => {
    const encoding = { gzip, gzipMinBytes: 1024 };
    const whole = encodeSuccess(runQueryJob(job, engine, q), encoding);
    const pieces = await encodeSuccessPieces(queryJobPieces(job, engine, q), encoding, { overlap });
    expect(pieces.status).toBe(200);
    expect(pieces.gzip).toBe(whole.gzip);
    expect(text(pieces.body, pieces.gzip)).toBe(text(whole.body, whole.gzip));
  });

  it('keeps stats as the last member of data, timed', async () => {
    const answer = await encodeSuccessPieces(queryJobPieces(range('m', { stats: true }), engine, q), { gzip: true, gzipMinBytes: 1024 });
    const json = JSON.parse(text(answer.body, true));
    expect(json.data.result).toHaveLength(40);
    expect(Object.keys(json.data)).toEqual(['resultType', 'result', 'stats']);
    expect(json.data.stats.hub.encodeTime).toBeGreaterThan(0);
  });

  it('fails when a piece cannot be written', async () => {
    function* failing() {
      yield `{"resultType":"matrix","result":[${'"x",'.repeat(100_000)}`;
      throw new Error('formatting failed');
    }
    await expect(encodeSuccessPieces({ data: failing(), warnings: [], infos: [] }, { gzip: true, gzipMinBytes: 1024 })).rejects.toThrow(
      'formatting failed',
    );
  });
});
