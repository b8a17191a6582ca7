// pushBytes reads the lines that repeat the series before them from bytes (plain-sample.ts)
// and hands the rest to the text path. Whatever the input and wherever it is cut, it must
// give exactly what parsing the decoded text whole gives: families, samples bit for bit,
// problems with their lines.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ExpositionFormat, ExpositionParser, type MetricFamily, parseExposition } from './index.ts';

const RUNS = 400;

/** One series' lines: values and timestamps in plain and not-so-plain forms. */
const series = fc.constantFrom(
  'a',
  'a{b="1"}',
  'a_total{b="1",c="é"}',
  'h_bucket{le="0.5"}',
  'h_bucket{le="x"}',
  's{quantile="0.9"}',
  '{"q.n",b="1"}',
);
const number = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double({ noNaN: true, min: -1e9, max: 1e9 }).map(String),
  fc.constantFrom('-0', '+5', '007', '1.', '.5', '1e3', 'NaN', '+Inf', '1x', '', '123456789012345678', '0.0000000000000000000001234'),
);
const seconds = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 2e9 }), fc.integer({ min: 0, max: 999 })).map(([s, ms]) => `${s}.${String(ms).padStart(3, '0')}`),
  fc.double({ noNaN: true, min: -1e10, max: 1e13 }).map(String),
  fc.constantFrom('1767225719.8470001', '-1.5', '5.', '.', '1e9', '1234567890123.5', ''),
);
const ending = fc.constantFrom('', '', '', ' ', '\t', '\r', ' # {t="x"} 1 1.5', ' 9');
const sampleLine = fc
  .tuple(series, fc.constantFrom(' ', '  ', '\t'), number, fc.constantFrom(' ', ''), seconds, ending)
  .map(([s, sep, v, sep2, t, end]) => `${s}${sep}${v}${sep2 && t ? sep2 + t : ''}${end}`);
const otherLine = fc.constantFrom(
  '# TYPE a gauge',
  '# TYPE h histogram',
  '# TYPE s summary',
  '# HELP a x',
  '# EOF',
  '',
  'a {b="1"} 1',
  '\ufeffa 1',
  'a\u0000 1',
  'x'.repeat(70),
);
/** Runs of one series (as history files have them) between other lines. */
const page = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.array(sampleLine, { minLength: 1, maxLength: 6 }) }, fc.array(otherLine, { maxLength: 2 })), {
    maxLength: 8,
  })
  .chain((runs) => fc.tuple(fc.constant(runs.flat()), fc.boolean()))
  .map(([lines, finalNewline]) => lines.join('\n') + (finalNewline ? '\n' : ''));

describe('pushBytes', () => {
  it('gives what parsing the decoded text whole gives, cut anywhere', () => {
    fc.assert(
      fc.property(
        page,
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom<ExpositionFormat>('prometheus', 'openmetrics'),
        fc.constantFrom(40, 65536),
        (text, cuts, format, maxLineLength) => {
          const bytes = new TextEncoder().encode(text);
          const whole = parseExposition(new TextDecoder().decode(bytes), { format, maxLineLength, maxProblems: 1000 });
          const p = new ExpositionParser({ format, maxLineLength, maxProblems: 1000, shareLabels: true });
          const got: MetricFamily[] = [];
          let from = 0;
          for (const at of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b).concat(bytes.length)) {
            got.push(...p.pushBytes(bytes.subarray(from, at)));
            from = at;
          }
          const end = p.end();
          got.push(...end.families);
          // toEqual tells -0 from 0 and compares NaN as NaN.
          expect(got).toEqual(whole.families);
          expect(end.problems).toEqual(whole.problems);
          expect(end.samples).toBe(whole.samples);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reads every value and timestamp form as the text path does, on the line after its series', () => {
    const values = [
      '0',
      '-0',
      '+5',
      '007',
      '1.',
      '.5',
      '-.5',
      '1.25',
      '123456789012345',
      '1234567890123456',
      '0.1234567890123456789012',
      '1e3',
      'NaN',
      '-Inf',
      '1x',
      '9007199254740993',
    ];
    const times: Record<ExpositionFormat, string[]> = {
      openmetrics: [
        '',
        '0',
        '-0',
        '1767225719.8470001',
        '1767225719.9999999',
        '-1.5',
        '-0.0001',
        '5.',
        '.5',
        '.',
        '1e9',
        '123456789012',
        '1234567890123.5',
        '+7.25',
        '1.2.3',
      ],
      prometheus: ['', '0', '-0', '+5', '-1500', '123456789012345', '1234567890123456', '1.5', '1e3', '--1'],
    };
    for (const format of ['openmetrics', 'prometheus'] as const) {
      for (const v of values) {
        for (const t of times[format]) {
          const text = `a{b="1"} 1 1\na{b="1"} ${v}${t ? ` ${t}` : ''}\n`;
          const p = new ExpositionParser({ format, shareLabels: true });
          const got = [...p.pushBytes(new TextEncoder().encode(text))];
          const end = p.end();
          const whole = parseExposition(text, { format });
          expect([...got, ...end.families], text).toEqual(whole.families);
          expect(end.problems, text).toEqual(whole.problems);
        }
      }
    }
  });

  it('reads a history file mostly from bytes: samples of one series share one labels object', () => {
    const lines = ['# TYPE c counter'];
    for (let i = 0; i < 1000; i++)
      lines.push(`c_total{host="h",cpu="${i >> 8}"} ${i * 1.25} ${1767225600 + i}.${String(i % 1000).padStart(3, '0')}`);
    const p = new ExpositionParser({ format: 'openmetrics', shareLabels: true });
    const families = [...p.pushBytes(new TextEncoder().encode(`${lines.join('\n')}\n# EOF\n`)), ...p.end().families];
    const samples = families[0].samples;
    expect(samples).toHaveLength(1000);
    expect(new Set(samples.map((s) => s.labels)).size).toBe(4);
    expect(samples[999]).toEqual({ name: 'c_total', labels: { host: 'h', cpu: '3' }, value: 1248.75, timestampMs: 1767226599999 });
  });
});
