// Fuzzing what remote write in reads from the network: snappy blocks and the WriteRequest
// protobuf inside. The only documented refusal is RemoteWriteFormatError (with its code);
// anything else thrown is a bug. Output stays bounded: a body never decompresses past
// maxBytes (the snappy-bomb checks), and the decoded request never holds more samples or
// label bytes than the decompressed bytes could encode.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzz } from '@metrics-hub/testing';
import { RemoteWriteFormatError } from './errors.ts';
import { decodeRemoteWriteBody, decodeRemoteWriteBodySteps } from './request-body.ts';
import { runSteps } from './write-request.ts';
import { snappyCompress, snappyUncompress } from './snappy-block.ts';
import { decodeWriteRequest, encodeWriteRequest, type MetricMetadata } from './write-request.ts';

const MAX_BYTES = 64 * 1024;

function refusedOrBug(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof RemoteWriteFormatError)) throw e;
  }
}

const labelValue = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }));
const series = fc.record({
  labels: fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/), labelValue, { minKeys: 1, maxKeys: 4 }),
  samples: fc.array(fc.tuple(fc.integer({ min: -1e15, max: 1e15 }), fc.double()), { maxLength: 5 }),
});
const metadata = fc.record({
  type: fc.constantFrom('counter', 'gauge', 'histogram', 'summary', 'unknown'),
  metricFamilyName: fc.stringMatching(/^[a-z_]{1,8}$/),
  help: fc.string({ maxLength: 10 }),
  unit: fc.constantFrom('', 'seconds'),
}) as fc.Arbitrary<MetricMetadata>;

/** A valid WriteRequest's bytes. */
const validRequest = fc
  .record({ timeseries: fc.array(series, { maxLength: 6 }), metadata: fc.array(metadata, { maxLength: 2 }) })
  .map((r) =>
    encodeWriteRequest({
      timeseries: r.timeseries.map((s) => ({
        labels: { __name__: 'm', ...s.labels },
        timestamps: Float64Array.from(s.samples, ([t]) => t),
        values: Float64Array.from(s.samples, ([, v]) => v),
      })),
      metadata: r.metadata,
    }),
  );

/** Bytes with a few changes: flipped bits, set bytes, cut ranges, repeats, a cut end. */
function mutate(bytes: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      bytes,
      edits: fc.array(fc.record({ at: fc.nat(), kind: fc.constantFrom('flip', 'set', 'cut', 'repeat'), arg: fc.nat({ max: 255 }) }), {
        maxLength: 5,
      }),
      truncate: fc.option(fc.nat(), { nil: undefined }),
    })
    .map(({ bytes: b, edits, truncate }) => {
      let out = Uint8Array.from(b);
      for (const e of edits) {
        if (out.length === 0) break;
        const at = e.at % out.length;
        if (e.kind === 'flip') out[at] ^= 1 << (e.arg % 8);
        else if (e.kind === 'set') out[at] = e.arg;
        else if (e.kind === 'cut') out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + 1 + (e.arg % 16))]);
        else out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at, at + (e.arg % 32)), ...out.subarray(at)]);
      }
      return truncate === undefined ? out : out.subarray(0, truncate % (out.length + 1));
    });
}

/** Snappy headers that announce far more than the block holds: small inputs, huge claims. */
const bombs = fc
  .record({ claim: fc.integer({ min: MAX_BYTES + 1, max: 2 ** 32 - 1 }), tail: fc.uint8Array({ maxLength: 32 }) })
  .map(({ claim, tail }) => {
    const header: number[] = [];
    let n = claim;
    while (n >= 0x80) {
      header.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    header.push(n);
    return Uint8Array.from([...header, ...tail]);
  });

const bodies = fc.oneof(
  { weight: 3, arbitrary: mutate(validRequest.map(snappyCompress)) },
  { weight: 2, arbitrary: mutate(validRequest).map(snappyCompress) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: bombs },
);

describe('remote write decoding fuzzing', () => {
  it('snappy: refuses or decompresses within maxBytes, never throws another kind', async () => {
    await fuzz(
      'remote-write-snappy',
      fc.oneof(mutate(fc.uint8Array({ maxLength: 400 }).map(snappyCompress)), bombs, fc.uint8Array({ maxLength: 200 })),
      (block) =>
        refusedOrBug(() => {
          const out = snappyUncompress(block, MAX_BYTES);
          if (out.length > MAX_BYTES) throw new Error(`decompressed to ${out.length} bytes, over ${MAX_BYTES}`);
        }),
    );
  }, 120_000);

  it('protobuf: refuses or decodes what the bytes hold, never throws another kind', async () => {
    await fuzz('remote-write-protobuf', fc.oneof(mutate(validRequest), fc.uint8Array({ maxLength: 300 })), (bytes) =>
      refusedOrBug(() => {
        const r = decodeWriteRequest(bytes);
        // A sample takes at least 2 bytes on the wire, a series and a label at least 2.
        const samples = r.timeseries.reduce((n, s) => n + s.timestamps.length, 0);
        if (samples > bytes.length / 2 || r.timeseries.length > bytes.length / 2)
          throw new Error(`${r.timeseries.length} series, ${samples} samples from ${bytes.length} bytes`);
        for (const s of r.timeseries)
          if (s.timestamps.length !== s.values.length) throw new Error('timestamps and values of different lengths');
      }),
    );
  }, 120_000);

  it('whole bodies: the route decoder refuses or decodes within bounds', async () => {
    await fuzz('remote-write-body', bodies, (body) =>
      refusedOrBug(() => {
        const r = decodeRemoteWriteBody(body, MAX_BYTES);
        const samples = r.timeseries.reduce((n, s) => n + s.timestamps.length, 0);
        if (samples > MAX_BYTES / 2) throw new Error(`${samples} samples from at most ${MAX_BYTES} bytes`);
        // The route decodes a series at a time between turns of the event loop: the same result.
        const stepped = runSteps(decodeRemoteWriteBodySteps(body, MAX_BYTES, 1));
        if (stepped.timeseries.length !== r.timeseries.length || stepped.metadata.length !== r.metadata.length)
          throw new Error('the stepwise decoder disagrees with the whole one');
      }),
    );
  }, 120_000);
});
