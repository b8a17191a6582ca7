// Fuzzing the MQTT batch decoder, the first thing the hub runs on what an agent (or anyone
// holding a token) sends: valid batches mutated (none to four of: bytes flipped, cut short, varints pushed
// out of range, bytes inserted) with the checksum fixed afterwards most of the time, so
// that the mutations reach the header, string table, labels and chunks behind it; and raw
// random bytes. decodeBatch must refuse with BatchFormatError or return a batch whose sizes
// are within BATCH_LIMITS, never crash, hang or allocate without bound.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzz } from '@metrics-hub/testing';
import { BATCH_LIMITS, BatchFormatError, decodeBatch, encodeBatch, type Batch } from './batch.ts';
import { crc32c } from './crc32c.ts';
import { MAX_SAMPLES } from './format.ts';

const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/);
const series = fc.record({
  labels: fc.dictionary(labelName, fc.string({ maxLength: 20 }), { minKeys: 1, maxKeys: 6 }),
  samples: fc.array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.oneof(fc.double(), fc.integer({ min: -1e6, max: 1e6 }))), {
    minLength: 0,
    maxLength: 40,
  }),
});
const validBatch: fc.Arbitrary<Uint8Array> = fc
  .record({
    agentId: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
    firstSeq: fc.nat({ max: 2 ** 40 }),
    span: fc.nat({ max: 100 }),
    createdMs: fc.integer({ min: -1e13, max: 1e13 }),
    series: fc.array(series, { maxLength: 8 }),
  })
  .map((b): Batch => {
    let t = 1_700_000_000_000;
    return {
      agentId: b.agentId,
      firstSeq: b.firstSeq,
      lastSeq: b.firstSeq + b.span,
      createdMs: b.createdMs,
      series: b.series.map((s) => ({
        labels: { ...s.labels, __name__: 'm' },
        timestamps: Float64Array.from(s.samples, ([dt]) => (t += dt + 1)),
        values: Float64Array.from(s.samples, ([, v]) => v),
      })),
    };
  })
  .map(encodeBatch);

type Mutation =
  | { kind: 'flip'; at: number; bits: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  /** A varint of up to 10 bytes over a byte: lengths and counts out of range. */
  | { kind: 'big-varint'; at: number; width: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.constantFrom(0, 0x7f, 0x80, 0xff) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 12 }) }),
  fc.record({ kind: fc.constant('big-varint' as const), at: fc.nat(), width: fc.integer({ min: 1, max: 10 }) }),
);

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  // Keep the magic and version most of the time: past them is where the decoder works.
  const at = bytes.length > 5 ? 5 + (m.at % (bytes.length - 5)) : 0;
  switch (m.kind) {
    case 'flip': {
      const out = bytes.slice();
      out[at] ^= m.bits;
      return out;
    }
    case 'set': {
      const out = bytes.slice();
      out[at] = m.byte;
      return out;
    }
    case 'cut':
      return bytes.slice(0, at);
    case 'insert': {
      const out = new Uint8Array(bytes.length + m.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(m.bytes, at);
      out.set(bytes.subarray(at), at + m.bytes.length);
      return out;
    }
    case 'big-varint': {
      const out = bytes.slice();
      for (let i = 0; i < m.width && at + i < out.length; i++) out[at + i] = i === m.width - 1 ? 0x7f : 0xff;
      return out;
    }
  }
}

/** Writes the right checksum over everything before it, so the mutation is not stopped at the door. */
function fixChecksum(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4) return bytes;
  const out = bytes.slice();
  const crc = crc32c(out, 0, out.length - 4);
  new DataView(out.buffer, out.byteOffset).setUint32(out.length - 4, crc, true);
  return out;
}

/** True nine times in ten. */
const mostly = fc.integer({ min: 0, max: 9 }).map((n) => n > 0);

const mutatedBatch = fc
  .tuple(validBatch, fc.array(mutation, { minLength: 0, maxLength: 4 }), mostly, mostly)
  .map(([bytes, ms, fix, keepHeader]) => {
    let out = bytes;
    for (const m of ms) out = mutate(out, m);
    if (!keepHeader && out.length > 0) out[0] ^= 1;
    return fix ? fixChecksum(out) : out;
  });

const rawBytes = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  // The right magic and version, then noise with a good checksum.
  fc.uint8Array({ minLength: 4, maxLength: 2048 }).map((noise) => fixChecksum(Uint8Array.from([0x4d, 0x48, 0x42, 1, 0, ...noise]))),
);

function checkDecode(bytes: Uint8Array): void {
  let batch: Batch;
  try {
    batch = decodeBatch(bytes);
  } catch (e) {
    if (e instanceof BatchFormatError) return;
    throw e;
  }
  const enc = new TextEncoder();
  expect(batch.series.length).toBeLessThanOrEqual(BATCH_LIMITS.maxSeries);
  expect(enc.encode(batch.agentId).length).toBeLessThanOrEqual(BATCH_LIMITS.maxStringBytes);
  expect(Number.isSafeInteger(batch.firstSeq) && Number.isSafeInteger(batch.lastSeq) && batch.lastSeq >= batch.firstSeq).toBe(true);
  for (const s of batch.series) {
    const labels = Object.entries(s.labels);
    expect(labels.length).toBeLessThanOrEqual(BATCH_LIMITS.maxLabels);
    for (const [name, value] of labels) {
      expect(enc.encode(name).length).toBeLessThanOrEqual(BATCH_LIMITS.maxStringBytes);
      expect(enc.encode(value).length).toBeLessThanOrEqual(BATCH_LIMITS.maxStringBytes);
    }
    expect(s.timestamps.length).toBe(s.values.length);
    expect(s.timestamps.length).toBeLessThanOrEqual(MAX_SAMPLES);
  }
}

describe('decodeBatch under fuzzing', () => {
  it('refuses mutated batches with BatchFormatError or returns one within BATCH_LIMITS', async () => {
    const report = await fuzz('wire.decodeBatch.mutated', mutatedBatch, checkDecode, { maxMsPerInput: 1000 });
    expect(report.inputs).toBeGreaterThan(0);
  });

  it('refuses random bytes with BatchFormatError', async () => {
    const report = await fuzz('wire.decodeBatch.random', rawBytes, checkDecode, { maxMsPerInput: 1000 });
    expect(report.inputs).toBeGreaterThan(0);
  });

  it('the arbitraries reach past the checksum: some mutated batches still decode, others fail deeper than the header', () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(mutatedBatch, (bytes) => {
        let kind: string;
        try {
          decodeBatch(bytes);
          kind = 'decoded';
        } catch (e) {
          const m = (e as Error).message;
          kind = /checksum|magic|version/.test(m) ? 'header' : 'deeper';
        }
        outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
      }),
      { numRuns: 300, seed: 42 },
    );
    expect(outcomes.get('deeper') ?? 0).toBeGreaterThan(90);
    expect(outcomes.get('decoded') ?? 0).toBeGreaterThan(0);
  });
});
