import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { compareMatrices, mayTie, storedSamples, type MatrixSeries } from './query-answers.ts';

const series = (metric: Record<string, string>, values: [number, string][]): MatrixSeries => ({ metric, values });
const names: [string, string] = ['hub', 'prometheus'];

describe('compareMatrices', () => {
  it('agrees on the same series in another order, labels in another order, and values within the tolerance', () => {
    const ours = [
      series({ b: '2', a: '1' }, [
        [60, '1.0000001'],
        [120, 'NaN'],
      ]),
      series({ a: '3' }, [[60, '+Inf']]),
    ];
    const theirs = [
      series({ a: '3' }, [[60, '+Inf']]),
      series({ a: '1', b: '2' }, [
        [60, '1'],
        [120, 'NaN'],
      ]),
    ];
    expect(compareMatrices(ours, theirs, { names })).toEqual({
      agrees: true,
      compared: 3,
      differing: 0,
      text: 'agree: 2 series, 3 points',
    });
  });

  it('names the largest difference and the points one side lacks', () => {
    const ours = [
      series({ a: '1' }, [
        [60, '1'],
        [120, '2.5'],
        [180, '3'],
      ]),
    ];
    const theirs = [
      series({ a: '1' }, [
        [60, '1.01'],
        [120, '2'],
        [240, '4'],
      ]),
    ];
    const r = compareMatrices(ours, theirs, { names });
    expect(r.agrees).toBe(false);
    expect(r.differing).toBe(4);
    expect(r.text).toBe(
      'DIFFER: 1 series, 2 points compared, 2 differ (largest [["a","1"]] at 120: hub 2.5, prometheus 2), 1 only in hub, 1 only in prometheus',
    );
  });

  it('counts a series one side lacks, and a tiny difference around zero as equal', () => {
    const ours = [series({ a: '1' }, [[60, '1e-17']])];
    const theirs = [series({ a: '1' }, [[60, '0']]), series({ a: '2' }, [[60, '5']])];
    const r = compareMatrices(ours, theirs, { names });
    expect(r.agrees).toBe(false);
    expect(r.text).toBe('DIFFER: 1 series in hub, 2 in prometheus, 1 points compared, 1 only in prometheus');
  });

  it('with ties, compares each step as sorted values, whichever series carry them', () => {
    // topk(1) where two series tie at 60: each side picked another.
    const ours = [series({ i: 'a' }, [[60, '5']]), series({ i: 'b' }, [[120, '7']])];
    const theirs = [series({ i: 'c' }, [[60, '5']]), series({ i: 'b' }, [[120, '7']])];
    expect(compareMatrices(ours, theirs, { names }).agrees).toBe(false);
    expect(compareMatrices(ours, theirs, { names, ties: true })).toMatchObject({
      agrees: true,
      text: 'agree: 2 series, 2 points (compared step by step: ties)',
    });
    const fewer = [series({ i: 'c' }, [[60, '5']])];
    expect(compareMatrices(ours, fewer, { names, ties: true }).text).toBe(
      'DIFFER: 2 series in hub, 1 in prometheus, 1 points compared, 1 only in hub',
    );
  });
});

describe('mayTie', () => {
  it('is true for queries whose answer picks series by value', () => {
    expect(mayTie('topk(5, sum by (instance) (rate(x[5m])))')).toBe(true);
    expect(mayTie('bottomk (3, y)')).toBe(true);
    expect(mayTie('sum(rate(x[5m]))')).toBe(false);
    expect(mayTie('my_topk_metric')).toBe(false);
  });
});

describe('storedSamples', () => {
  it('asks a metric name at a time for its series and samples over the whole span, the end included', async () => {
    const asked: string[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const params = new URL(req.url!, 'http://x').searchParams;
        if (req.url!.startsWith('/api/v1/label/__name__/values')) return res.end(JSON.stringify({ status: 'success', data: ['a', 'b'] }));
        const query = params.get('query')!;
        asked.push(`${query} @${params.get('time')}`);
        const name = /"(\w)"/.exec(query)![1];
        const value = query.startsWith('count(') ? { a: 2, b: 1 }[name] : { a: 17, b: 5 }[name];
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, String(value)] }] } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      expect(await storedSamples(url, 1_000_000, 1_060_500)).toEqual({ series: 3, samples: 22 });
      expect(asked).toEqual([
        'count(count_over_time({__name__="a"}[62s])) @1060.5',
        'sum(count_over_time({__name__="a"}[62s])) @1060.5',
        'count(count_over_time({__name__="b"}[62s])) @1060.5',
        'sum(count_over_time({__name__="b"}[62s])) @1060.5',
      ]);
    } finally {
      server.close();
    }
  });
});
