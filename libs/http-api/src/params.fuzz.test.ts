// Fuzzing the HTTP query parameters: every value a client (or a web page) puts in a query
// string or form body before any query runs. Form decoding (`a=1&b=%20x`), times,
// durations and limits (params.ts), `match[]` selectors and label names in paths
// (selectors.ts), and /api/v1/rules' filters. Each input is either refused with the API's
// own error (ApiError bad_data, HTTP 400, its message naming the parameter) or read into
// a value of the documented shape; anything else thrown, an input over the time bound or
// heap growth over the bound fails. Inputs mix valid values, the same values mutated
// (cut, bytes flipped, escapes broken, fields out of range) and raw random text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz } from '@metrics-hub/testing';
import { ApiError } from './api-error.ts';
import { Form, parseUrlEncoded } from './form.ts';
import { durationParam, limitParam, optionalTimeParam, requiredTimeParam } from './params.ts';
import { parseRulesFilter } from './rules-filter.ts';
import { labelNameFromPath, parseMatchers, unescapeLabelName } from './selectors.ts';

// A parameter is at most what a 1 MiB form body holds; a few KiB already reach every
// branch, and keep each input far inside the bound below.
const MAX_TEXT = 4096;
// Generous for inputs of a few KiB on a loaded machine: what it catches is a parser that
// backtracks or loops (seconds), not a slow one.
const LIMITS = { maxMsPerInput: 1000, maxHeapGrowthBytes: 256 * 2 ** 20 };

/** The API's documented refusal: a bad_data ApiError, answered as HTTP 400. */
function refusal(e: unknown, wording: RegExp): void {
  if (!(e instanceof ApiError)) throw e;
  expect(e.type).toBe('bad_data');
  expect(e.status).toBe(400);
  expect(e.message).toMatch(wording);
}

/** Valid text with damage done to it: cut, a character replaced, junk or escapes inserted. */
function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const damage = fc.oneof(
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), with: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      with: fc.constantFrom('%', '%z', '%C3', '%ED%A0%80', '+', '&', '=', '"', '\\', '{', '}', '[', '\0', 'Z', 'e9999', '.', '-'),
    }),
    fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), times: fc.integer({ min: 2, max: 200 }) }),
  );
  return fc.tuple(valid, fc.array(damage, { minLength: 1, maxLength: 4 })).map(([text, steps]) => {
    let t = text;
    for (const d of steps) {
      const at = t.length ? d.at % (t.length + 1) : 0;
      if (d.kind === 'cut') t = t.slice(0, at);
      else if (d.kind === 'replace') t = t.slice(0, at) + d.with + t.slice(at + 1);
      else if (d.kind === 'insert') t = t.slice(0, at) + d.with + t.slice(at);
      else t = t.slice(0, at) + t.slice(at, at + 8).repeat(d.times) + t.slice(at + 8);
    }
    return t.slice(0, MAX_TEXT);
  });
}

const anyText = fc.string({ unit: 'binary', maxLength: 300 });
const digits = (min: number, max: number) => fc.integer({ min, max }).map(String);

const unixTime = fc.oneof(
  fc.double({ noNaN: false }).map(String),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 4e9 }), fc.integer({ min: 0, max: 999_999_999 })).map(([s, f]) => `${s}.${f}`),
  fc.constantFrom('1e308', '-1e308', '1e-400', '.5', '5.', '+1', '-0', 'Infinity', 'NaN', '0x10', '1_000'),
);
const rfc3339 = fc
  .tuple(
    digits(0, 9999),
    digits(0, 13),
    digits(0, 32),
    digits(0, 25),
    digits(0, 61),
    digits(0, 61),
    fc.option(digits(0, 999_999_999_999)),
    fc.constantFrom('Z', '+00:00', '-23:59', '+24:00', '+05:30'),
  )
  .map(
    ([y, mo, d, h, mi, s, frac, zone]) =>
      `${y.padStart(4, '0')}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}T${h.padStart(2, '0')}:${mi.padStart(2, '0')}:${s.padStart(2, '0')}${frac === null ? '' : `.${frac}`}${zone}`,
  );
const time = fc.oneof(unixTime, rfc3339, mutated(fc.oneof(unixTime, rfc3339)), anyText);

const promDuration = fc
  .array(fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.constantFrom('y', 'w', 'd', 'h', 'm', 's', 'ms')), {
    minLength: 1,
    maxLength: 7,
  })
  .map((parts) => parts.map(([n, unit]) => `${n}${unit}`).join(''));
const duration = fc.oneof(promDuration, unixTime, mutated(fc.oneof(promDuration, unixTime)), anyText);

const limit = fc.oneof(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String), mutated(digits(0, 100_000)), anyText);

const labelName = fc.oneof(fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,20}$/), fc.string({ maxLength: 12 }));
const labelValue = fc.string({ unit: 'grapheme', maxLength: 40 });
const matcher = fc
  .tuple(labelName, fc.constantFrom('=', '!=', '=~', '!~'), labelValue)
  .map(([n, op, v]) => `${/^[a-zA-Z_]\w*$/.test(n) ? n : JSON.stringify(n)}${op}${JSON.stringify(v)}`);
const selector = fc
  .tuple(
    fc.option(fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,30}$/)),
    fc.array(matcher, { maxLength: 5 }),
    fc.constantFrom('', '[5m]', ' offset 1h', ' @ 100', ' + 1', ')'),
  )
  .map(([name, matchers, tail]) => `${name ?? ''}${matchers.length || !name ? `{${matchers.join(',')}}` : ''}${tail}`);
const nested = fc.integer({ min: 1, max: 2000 }).map((n) => `${'('.repeat(n)}up${')'.repeat(n)}`);
const selectorText = fc.oneof(
  selector,
  mutated(selector),
  nested,
  fc.constantFrom('{', '{}', '{__name__=~".*"}', `{a=~"${'('.repeat(500)}"}`),
  anyText,
);

const pairs = fc.array(fc.tuple(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 60 })), {
  maxLength: 10,
});
const encode = (p: [string, string][]) =>
  p.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v).replace(/%20/g, '+')}`).join('&');

describe('HTTP query parameters under fuzzing', () => {
  it('decodes form bodies and query strings, or refuses them with the escape that is wrong', async () => {
    await fuzz(
      'http-api form decoding',
      fc.oneof(
        pairs.map((p) => ({ pairs: p as [string, string][] | undefined, text: encode(p) })),
        mutated(pairs.map(encode)).map((text) => ({ pairs: undefined, text })),
        anyText.map((text) => ({ pairs: undefined, text })),
      ),
      ({ pairs: expected, text }) => {
        try {
          const got = parseUrlEncoded(text);
          for (const [k, v] of got) expect(typeof k === 'string' && typeof v === 'string').toBe(true);
          // What a client encoded comes back as it was (names and values with any characters).
          if (expected) expect(got).toEqual(expected);
        } catch (e) {
          refusal(e, /^error parsing form values: (invalid URL escape ".+"|an escape is not valid UTF-8)$/s);
        }
      },
      LIMITS,
    );
  });

  it('reads times, durations and limits, or names the parameter it refuses', async () => {
    const input = fc.record({ time, duration, limit });
    await fuzz(
      'http-api time, duration and limit parameters',
      input,
      (p) => {
        const form = new Form([
          ['time', p.time],
          ['start', p.time],
          ['step', p.duration],
          ['limit', p.limit],
        ]);
        const checks: [string, () => number, (n: number) => boolean][] = [
          ['time', () => optionalTimeParam(form, 'time', 0), (n) => !Number.isNaN(n)],
          ['start', () => requiredTimeParam(form, 'start'), (n) => !Number.isNaN(n)],
          ['step', () => durationParam(form, 'step'), (n) => Number.isFinite(n)],
          ['limit', () => limitParam(form), (n) => Number.isSafeInteger(n) && n >= 0],
        ];
        for (const [name, read, valid] of checks) {
          let value: number;
          try {
            value = read();
          } catch (e) {
            refusal(e, new RegExp(`^invalid parameter "${name.replace(/[[\]]/g, '\\$&')}": `));
            continue;
          }
          expect(valid(value), `${name}=${JSON.stringify(form.get(name))} read as ${value}`).toBe(true);
        }
      },
      LIMITS,
    );
  });

  it('reads match[] selectors into matchers, or refuses them with the position', async () => {
    await fuzz(
      'http-api match[] selectors',
      fc.array(selectorText, { minLength: 1, maxLength: 3 }),
      (selectors) => {
        try {
          const sets = parseMatchers(selectors);
          expect(sets).toHaveLength(selectors.length);
          for (const set of sets) for (const m of set) expect(['=', '!=', '=~', '!~']).toContain(m.type);
        } catch (e) {
          refusal(e, /^invalid parameter "match\[\]": /);
        }
      },
      LIMITS,
    );
  });

  it('reads label names in paths, escaped or not, or refuses them', async () => {
    const escaped = fc
      .string({ unit: 'grapheme', maxLength: 30 })
      .map(
        (s) => `U__${[...s].map((c) => (/[a-zA-Z0-9:]/.test(c) ? c : c === '_' ? '__' : `_${c.codePointAt(0)!.toString(16)}_`)).join('')}`,
      );
    const segment = fc.oneof(
      escaped,
      mutated(escaped),
      fc.string({ maxLength: 30 }).map(encodeURIComponent),
      mutated(fc.string({ maxLength: 30 }).map(encodeURIComponent)),
      anyText,
    );
    await fuzz(
      'http-api label names in paths',
      segment,
      (text) => {
        try {
          const name = labelNameFromPath(text);
          expect(name.length).toBeGreaterThan(0);
          expect(typeof unescapeLabelName(name)).toBe('string');
        } catch (e) {
          refusal(e, /^invalid label name: /);
        }
      },
      LIMITS,
    );
  });

  it("reads /api/v1/rules' filters, or says which one is wrong", async () => {
    const value = (valid: fc.Arbitrary<string>) => fc.oneof(valid, mutated(valid), anyText);
    const input = fc.record({
      type: value(fc.constantFrom('', 'alert', 'record')),
      exclude_alerts: value(fc.constantFrom('', 'true', 'false', '1', 'F')),
      group_limit: value(fc.integer({ min: -5, max: 1000 }).map(String)),
      group_next_token: value(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 16 })),
      'match[]': fc.array(selectorText, { maxLength: 2 }),
      'rule_name[]': fc.array(anyText, { maxLength: 2 }),
    });
    await fuzz(
      'http-api rules filters',
      input,
      (p) => {
        const form = new Form(
          Object.entries(p).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as const) : [[k, v] as const])),
        );
        try {
          const f = parseRulesFilter(form);
          if (f.groupLimit !== undefined) expect(Number.isInteger(f.groupLimit) && f.groupLimit > 0).toBe(true);
        } catch (e) {
          refusal(e, /^(unsupported type|group_limit needs|group_next_token was given|invalid parameter "(exclude_alerts|match\[\])": )/);
        }
      },
      LIMITS,
    );
  });
});
