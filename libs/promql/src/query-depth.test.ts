import { describe, expect, it } from 'vitest';
import { Engine, MemoryQueryable, PromqlError } from './index.ts';
import { parseExpr } from './parser.ts';
import { MAX_QUERY_DEPTH } from './query-depth.ts';

function refusal(query: string): PromqlError {
  try {
    parseExpr(query);
  } catch (e) {
    if (e instanceof PromqlError) return e;
    throw e;
  }
  throw new Error('parsed');
}

const LONG = 'some_metric_with_a_long_name_total{instance="host-0001.example.org:9100",job="node"}';

describe('deep expressions', () => {
  it.each([
    ['50,000 up+up+... terms', Array(50_000).fill('up').join('+'), 1, 3 * MAX_QUERY_DEPTH],
    ['50,000 nested parentheses', `${'('.repeat(50_000)}up${')'.repeat(50_000)}`, 1, MAX_QUERY_DEPTH],
    ['a chain of 50,000 unary minuses', `${'-'.repeat(50_000)}1`, 1, MAX_QUERY_DEPTH],
    // The label matchers of the first term are a level of their own.
    ['50,000 terms joined by or', Array(50_000).fill(LONG).join(' or '), 1, (MAX_QUERY_DEPTH - 1) * (LONG.length + 4) - 2],
    ['10,000 nested function calls', `${'abs('.repeat(10_000)}up${')'.repeat(10_000)}`, 1, 4 * MAX_QUERY_DEPTH],
    ['a power tower over lines', Array(10_000).fill('2').join(' ^\n'), MAX_QUERY_DEPTH, 3],
  ])('%s are refused as too deep, with the place', (_name, query, line, column) => {
    const e = refusal(query);
    expect(e.type).toBe('bad_data');
    expect(e.message).toMatch(
      new RegExp(
        `^${line}:${column}: parse error: expression too deep: its syntax tree would be more than ${MAX_QUERY_DEPTH} levels deep here`,
      ),
    );
  });

  it('count what is inside strings, label matchers and comments as nothing', () => {
    const plusses = '+'.repeat(1_000);
    expect(() => parseExpr(`up{job="${plusses}", instance!~"a|${'-'.repeat(1_000)}"} # ${plusses}\n + 1`)).not.toThrow();
    expect(() => parseExpr(`label_replace(up, "a", "${plusses}", "b", "(.*)")`)).not.toThrow();
    expect(() => parseExpr(`up offset 1h30m - up offset -5m + 1e-3 * 0x1F`)).not.toThrow();
  });

  it('accept and evaluate the deepest expressions allowed', () => {
    const store = new MemoryQueryable();
    store.add({ __name__: 'up', job: 'a' }, 0, 1);
    const engine = new Engine();
    const atLimit = [
      Array(MAX_QUERY_DEPTH).fill('up').join(' + '),
      Array(MAX_QUERY_DEPTH - 1)
        .fill(LONG)
        .join(' or '),
      `${'-'.repeat(MAX_QUERY_DEPTH - 1)}1`,
      `${'sum('.repeat(MAX_QUERY_DEPTH - 1)}up${')'.repeat(MAX_QUERY_DEPTH - 1)}`,
    ];
    for (const q of atLimit) expect(() => engine.instantQuery(store, q, 60_000), q.slice(0, 40)).not.toThrow();
    expect(engine.instantQuery(store, atLimit[0], 60_000).data.result).toEqual([{ metric: { job: 'a' }, t: 60_000, v: MAX_QUERY_DEPTH }]);
  });
});
