import { describe, expect, it } from 'vitest';
import { runScript } from './run-script.ts';
import { expandValues, parseScript } from './script.ts';

describe('promqltest scripts', () => {
  it('expands the series notation', () => {
    expect(expandValues('1+2x3 _ stale 5x1 -1-1x2 _x2')).toEqual([1, 3, 5, 7, null, 'stale', 5, 5, -1, -2, -3, null, null]);
    expect(expandValues('{{schema:0 sum:1 count:1}}x2 3')).toEqual(['histogram', 'histogram', 'histogram', 3]);
  });

  it('reads evals with their expectations', () => {
    const [load, ev] = parseScript(
      'load 5m\n  up{job="a b"} 0+1x10\n\neval range from 0 to 10m step 5m up\n  expect no_warn\n  up{job="a b"} 0 1 2\n',
    );
    expect(load).toMatchObject({ kind: 'load', intervalMs: 300_000 });
    expect(ev).toMatchObject({
      kind: 'eval',
      eval: { instant: false, stepMs: 300_000, warn: false, expected: [{ labels: { __name__: 'up', job: 'a b' } }] },
    });
  });

  it('fails a case whose expected value is wrong, and passes the right one', () => {
    const script = (v: number) => `load 1m\n  x 1 2 3\n\neval instant at 2m x * 2\n  {} ${v}\n`;
    expect(runScript(script(6))[0].status).toBe('pass');
    const wrong = runScript(script(7))[0];
    expect(wrong.status).toBe('fail');
    expect(wrong.status === 'fail' && wrong.reason).toMatch(/expected 7, got 6/);
  });

  it('checks expected failures, warnings and order', () => {
    const out = runScript(
      [
        'load 1m',
        '  x{a="1"} 1',
        '  x{a="2"} 3',
        'eval instant at 0 x +',
        '  expect fail',
        'eval instant at 0 x',
        '  expect fail',
        '  x{a="1"} 1',
        'eval instant at 0 sort_desc(x)',
        '  expect ordered',
        '  x{a="1"} 1',
        '  x{a="2"} 3',
        'eval instant at 0 quantile(2, x)',
        '  expect no_warn',
        '  {} +Inf',
      ].join('\n'),
    );
    expect(out.map((o) => o.status)).toEqual(['pass', 'fail', 'fail', 'fail']);
  });

  it('skips what reads native histograms', () => {
    const out = runScript(
      'load 1m\n  h {{schema:0 sum:1 count:1}}\n  f 1\n\neval instant at 0 h\n  h {{schema:0 sum:1 count:1}}\n\neval instant at 0 f\n  f 1\n',
    );
    expect(out.map((o) => o.status)).toEqual(['skip', 'pass']);
  });
});
