// Fuzzing the birth-message parser (what any agent with a token publishes, retained, on its
// meta topic): agents' real birth messages with fields of the wrong type, out-of-range
// sizes, reserved and forged labels, then the JSON text cut short or its bytes flipped; any
// JSON value; and raw bytes. parseBirth must refuse with BirthFormatError or return a birth
// within BIRTH_LIMITS that claims nothing the hub sets (instance, job, __*), never crash,
// hang or allocate without bound.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz } from '@metrics-hub/testing';
import { labelsProblem } from '@metrics-hub/wire';
import { BIRTH_LIMITS, BirthFormatError, parseBirth } from './birth.ts';

const AGENT = 'web-1';
const anyValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
);
const labelName = fc.oneof(
  fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,20}$/),
  fc.constantFrom('instance', 'job', '__name__', '__proto__', 'constructor', 'exported_instance', '', '0bad', 'a-b', 'x'.repeat(300)),
  fc.string({ maxLength: 10 }),
);
const labels = fc.dictionary(
  labelName,
  fc.oneof(fc.string({ maxLength: 60 }), anyValue, fc.constant('db-1'), fc.constant('v'.repeat(5000))),
  {
    maxKeys: 60,
  },
);
const metadata = fc.dictionary(
  fc.oneof(fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,30}$/), fc.string({ maxLength: 12 })),
  fc.oneof(
    fc.record({
      type: fc.oneof(fc.constantFrom('counter', 'gauge', 'histogram', 'summary', 'unknown', 'bogus'), anyValue),
      help: fc.oneof(fc.string({ maxLength: 80 }), fc.constant('h'.repeat(10_000)), anyValue),
      unit: fc.oneof(fc.string({ maxLength: 10 }), fc.constant('u'.repeat(200)), anyValue),
    }),
    anyValue,
  ),
  { maxKeys: 30 },
);
const birthObject = fc.record(
  {
    agentId: fc.oneof(fc.constant(AGENT), fc.constant('db-1'), anyValue),
    version: fc.oneof(fc.string({ maxLength: 20 }), fc.constant('9'.repeat(500)), anyValue),
    host: fc.oneof(
      fc.record(
        { hostname: fc.oneof(fc.string(), fc.constant('h'.repeat(1000)), anyValue), os: anyValue, arch: anyValue },
        { requiredKeys: [] },
      ),
      anyValue,
    ),
    labels: fc.oneof(labels, anyValue),
    intervalMs: fc.oneof(fc.integer({ min: -1e9, max: 1e12 }), fc.double(), anyValue),
    metadata: fc.oneof(metadata, anyValue),
  },
  { requiredKeys: [] },
);
const encoder = new TextEncoder();
const mutatedText = fc
  .tuple(birthObject, fc.nat(), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 255 }))
  .map(([birth, at, how, bits]) => {
    const bytes = encoder.encode(JSON.stringify(birth));
    const i = bytes.length ? at % bytes.length : 0;
    if (how === 0) return bytes; // as sent
    if (how === 1) return bytes.slice(0, i); // cut short
    const out = bytes.slice();
    if (out.length) out[i] ^= bits; // a byte flipped (JSON or UTF-8 broken, or a different character)
    return out;
  });
const inputs = fc.oneof(
  { weight: 5, arbitrary: mutatedText },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }).map((t) => encoder.encode(t)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 512 }) },
  // Deep nesting and a size just over the limit.
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 50_000 }).map((d) => encoder.encode(`{"labels":${'['.repeat(d)}${']'.repeat(d)}}`)) },
  { weight: 1, arbitrary: fc.constant(new Uint8Array(BIRTH_LIMITS.maxBytes + 1).fill(0x20)) },
);

function check(payload: Uint8Array): void {
  let result;
  try {
    result = parseBirth(payload, AGENT);
  } catch (e) {
    if (e instanceof BirthFormatError) return;
    throw e;
  }
  const { birth, notes } = result;
  expect(notes.length).toBeLessThanOrEqual(BIRTH_LIMITS.maxNotes);
  for (const n of notes) expect(n.length).toBeLessThan(400);
  if (birth.version !== undefined) expect(birth.version.length).toBeLessThanOrEqual(64);
  for (const v of Object.values(birth.host ?? {})) expect(typeof v === 'string' && v.length <= BIRTH_LIMITS.maxTextLength).toBe(true);
  if (birth.intervalMs !== undefined) expect(birth.intervalMs >= 100 && birth.intervalMs <= 86_400_000).toBe(true);
  const extra = birth.labels ?? {};
  expect(Object.keys(extra).length).toBeLessThanOrEqual(BIRTH_LIMITS.maxLabels);
  expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
  for (const name of Object.keys(extra)) {
    expect(['instance', 'job'].includes(name) || name.startsWith('__')).toBe(false);
    expect(typeof extra[name]).toBe('string');
  }
  expect(labelsProblem({ __name__: 'up', ...extra })).toBeUndefined();
  expect(birth.metadata.length).toBeLessThanOrEqual(BIRTH_LIMITS.maxMetadata);
  for (const [metric, m] of birth.metadata) {
    expect(metric).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
    expect(m.help.length).toBeLessThanOrEqual(BIRTH_LIMITS.maxHelpLength);
    expect(m.unit.length).toBeLessThanOrEqual(BIRTH_LIMITS.maxUnitLength);
    expect(['counter', 'gauge', 'histogram', 'summary', 'info', 'stateset', 'gaugehistogram', 'unknown']).toContain(m.type);
  }
}

describe('parseBirth under fuzzing', () => {
  it('refuses with BirthFormatError or returns a bounded birth that claims nothing the hub sets', async () => {
    const report = await fuzz('hub.parseBirth', inputs, check, { maxMsPerInput: 1000 });
    expect(report.inputs).toBeGreaterThan(0);
  });
});

describe('parseBirth', () => {
  it("keeps an agent's own birth, and notes a claimed identity and reserved labels", () => {
    const own = parseBirth(
      encoder.encode(
        JSON.stringify({ agentId: AGENT, version: '1.2', labels: { job: 'node', instance: AGENT, env: 'prod' }, intervalMs: 10_000 }),
      ),
      AGENT,
    );
    expect(own).toEqual({ birth: { version: '1.2', labels: { env: 'prod' }, intervalMs: 10_000, metadata: [] }, notes: [] });
    const forged = parseBirth(
      encoder.encode(JSON.stringify({ labels: { instance: 'db-2', __name__: 'x', 'bad-name': 'v', rack: 7 } })),
      AGENT,
    );
    expect(forged.birth.labels).toEqual({ rack: '7' });
    expect(forged.notes).toEqual([
      'claims instance="db-2": the hub uses the authenticated agent id "web-1"',
      'label "__name__" is reserved: dropped',
      `label "bad-name" dropped: label name "bad-name" is invalid: use letters, digits and '_', not starting with a digit`,
    ]);
    expect(() => parseBirth(encoder.encode('[1]'), AGENT)).toThrow(BirthFormatError);
    expect(() => parseBirth(Uint8Array.of(0x7b, 0xff, 0x7d), AGENT)).toThrow(/not valid JSON/);
  });
});
