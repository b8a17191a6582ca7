import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ExpositionFormat,
  ExpositionParser,
  type MetricFamily,
  type MetricSample,
  type MetricType,
  parseExposition,
  writeExposition,
} from './index.ts';
import { formatFloat } from './numbers.ts';

const RUNS = 300;

/** Any text: every code point, quotes, backslashes, line feeds, NUL, lone surrogates. */
const anyText = fc.string({
  unit: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('"', '\\', '\n', '\r', 'n', ' ', '{', '}', '=', ',', '#', '\u0000') },
    { weight: 5, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    fc.constantFrom('\ud800', '\udfff'),
  ),
  maxLength: 12,
});

const legacyTail = fc.stringMatching(/^[a-zA-Z0-9_:]{0,8}$/);
const legacyLabel = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);

/** Label names: legacy, any text, and names that are Object.prototype properties. */
const labelName = fc
  .oneof(
    { weight: 4, arbitrary: legacyLabel },
    { weight: 3, arbitrary: anyText },
    fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
  )
  .filter((k) => k !== '' && k !== '__name__' && k !== 'le' && k !== 'quantile');

function labelsOf(entries: [string, string][]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of entries) Object.defineProperty(labels, k, { value: v, enumerable: true, writable: true, configurable: true });
  return labels;
}

const labelSet = fc.uniqueArray(fc.tuple(labelName, anyText), { maxLength: 4, selector: ([k]) => k }).map(labelsOf);

/** Every double: NaN, ±Inf, -0, subnormals, extremes. */
const value = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1, 0.1, 1e21, 5e-324));
const bound = fc.double({ noNaN: true }).map(formatFloat);
const quantile = fc.double({ min: 0, max: 1, noNaN: true }).map(formatFloat);
const timestamp = fc.option(fc.maxSafeInteger(), { nil: undefined });

const PROMETHEUS_TYPES: MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'unknown'];
const OPENMETRICS_TYPES: MetricType[] = ['counter', 'gauge', 'histogram', 'gaugehistogram', 'stateset', 'info', 'summary', 'unknown'];

interface FamilyDraft {
  legacy: boolean;
  tail: string;
  unit: string;
  type: MetricType;
  help: string;
  points: { labels: Record<string, string>; v: number[]; bound: string; ts: number | undefined; created: boolean }[];
}

function familyDraft(format: ExpositionFormat): fc.Arbitrary<FamilyDraft> {
  return fc.record({
    legacy: fc.boolean(),
    tail: fc.oneof(legacyTail, anyText),
    unit: format === 'openmetrics' ? fc.constantFrom('', '', 'seconds', 'bytes') : fc.constant(''),
    type: fc.constantFrom(...(format === 'openmetrics' ? OPENMETRICS_TYPES : PROMETHEUS_TYPES)),
    // A CR right before the line feed is taken as a CRLF ending: HELP cannot end with one.
    help: fc.oneof(fc.constant(''), anyText).filter((h) => !h.endsWith('\r')),
    points: fc.array(
      fc.record({
        labels: labelSet,
        v: fc.array(value, { minLength: 3, maxLength: 3 }),
        bound: fc.oneof(bound, quantile),
        ts: timestamp,
        created: fc.boolean(),
      }),
      { maxLength: 4 },
    ),
  });
}

/** A family whose samples are named as its type wants them; `i` keeps names apart. */
function build(d: FamilyDraft, i: number, format: ExpositionFormat): MetricFamily {
  const om = format === 'openmetrics';
  let base = d.legacy ? `f${i}_${d.tail.replace(/[^a-zA-Z0-9_:]/g, '_')}` : `f${i}.${d.tail}`;
  if (d.unit !== '') base += `_${d.unit}`;
  const name = d.type === 'counter' && om ? `${base}_total` : d.type === 'info' && om ? `${base}_info` : base;
  const samples: MetricSample[] = [];
  const add = (n: string, labels: Record<string, string>, v: number, ts: number | undefined) => {
    const s: MetricSample = { name: n, labels, value: v };
    if (ts !== undefined) s.timestampMs = ts;
    samples.push(s);
  };
  for (const p of d.points) {
    const withBound = (label: string) => labelsOf([...Object.entries(p.labels), [label, p.bound]]);
    switch (d.type) {
      case 'histogram':
      case 'gaugehistogram': {
        const g = d.type === 'gaugehistogram' ? 'g' : '';
        add(`${base}_bucket`, withBound('le'), p.v[0], p.ts);
        add(`${base}_${g}sum`, p.labels, p.v[1], p.ts);
        add(`${base}_${g}count`, p.labels, p.v[2], p.ts);
        if (om && p.created && d.type === 'histogram') add(`${base}_created`, p.labels, p.v[0], p.ts);
        break;
      }
      case 'summary':
        add(base, withBound('quantile'), p.v[0], p.ts);
        add(`${base}_sum`, p.labels, p.v[1], p.ts);
        add(`${base}_count`, p.labels, p.v[2], p.ts);
        if (om && p.created) add(`${base}_created`, p.labels, p.v[0], p.ts);
        break;
      case 'counter':
        add(name, p.labels, p.v[0], p.ts);
        if (om && p.created) add(`${base}_created`, p.labels, p.v[1], p.ts);
        break;
      default:
        add(name, p.labels, p.v[0], p.ts);
    }
  }
  return { name, type: d.type, help: d.help, unit: d.unit, samples };
}

const families = (format: ExpositionFormat) =>
  fc.array(familyDraft(format), { maxLength: 6 }).map((ds) => ds.map((d, i) => build(d, i, format)));

describe('properties', () => {
  for (const format of ['prometheus', 'openmetrics'] as const) {
    it(`${format}: writing then parsing gives the same families, sample for sample`, () => {
      fc.assert(
        fc.property(families(format), (fams) => {
          const text = writeExposition(fams, format);
          const r = parseExposition(text, { format });
          expect(r.problems).toEqual([]);
          // toEqual compares NaN as NaN and tells -0 from 0.
          expect(r.families).toEqual(fams);
          expect(r.samples).toBe(fams.reduce((n, f) => n + f.samples.length, 0));
          // And the text reads the same without being told its format.
          if (format === 'openmetrics') expect(parseExposition(text).format).toBe('openmetrics');
        }),
        { numRuns: RUNS },
      );
    });
  }

  /** Lines to build hostile pages from: valid, broken, and random. */
  const line = fc.oneof(
    { weight: 3, arbitrary: families('prometheus').map((f) => writeExposition(f).replace(/\n$/, '')) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'a{b="1",b="2"} 1',
        'a{b="1" 1',
        'a 1x',
        'a 1 2 3',
        '# TYPE a gauge',
        '# TYPE a counter',
        '# HELP a x',
        '# UNIT a_seconds seconds',
        'a_total 1 # {t="x"} 1 1.5',
        '# EOF',
        '',
        '   ',
        '#',
        '{"q.n", "l.n"="v"} 1',
        '{"unterminated 1',
        'a\u0000 1',
        'a 1 1.5',
        'x'.repeat(120),
      ),
    },
    { weight: 2, arbitrary: anyText },
  );
  const page = fc.tuple(fc.array(line, { maxLength: 20 }), fc.boolean(), fc.boolean()).map(([lines, crlf, finalNewline]) => {
    const text = lines.join(crlf ? '\r\n' : '\n');
    return finalNewline ? `${text}\n` : text;
  });

  it('splitting the input at arbitrary points gives the same result as parsing it whole', () => {
    fc.assert(
      fc.property(
        page,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.constantFrom<ExpositionFormat>('prometheus', 'openmetrics'),
        fc.constantFrom(40, 65536),
        (text, cuts, format, maxLineLength) => {
          const whole = parseExposition(text, { format, maxLineLength, maxProblems: 1000 });
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const p = new ExpositionParser({ format, maxLineLength, maxProblems: 1000 });
          const got: MetricFamily[] = [];
          let from = 0;
          for (const at of [...points, text.length]) {
            got.push(...p.push(text.slice(from, at)));
            from = at;
          }
          const end = p.end();
          got.push(...end.families);
          expect(got).toEqual(whole.families);
          expect(end.problems).toEqual(whole.problems);
          expect(end.samples).toBe(whole.samples);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws, and counts what it keeps, on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(page, fc.string({ unit: 'binary', maxLength: 300 })),
        fc.constantFrom<ExpositionFormat>('prometheus', 'openmetrics'),
        (text, format) => {
          const r = parseExposition(text, { format, maxLineLength: 64 });
          expect(r.samples).toBe(r.families.reduce((n, f) => n + f.samples.length, 0));
          for (const pr of r.problems) expect(pr.line).toBeGreaterThanOrEqual(1);
          // What was kept is writable and reads back the same (OpenMetrics writes a counter
          // or info sample named like its family with the _total or _info it lacks).
          const again = parseExposition(writeExposition(r.families, format), { format });
          const view = (fams: MetricFamily[]) =>
            fams.flatMap((f) => f.samples.map((s) => (format === 'openmetrics' ? { ...s, name: '' } : s)));
          expect(view(again.families)).toEqual(view(r.families));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
