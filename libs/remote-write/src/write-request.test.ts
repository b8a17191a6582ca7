// The WriteRequest codec checked three ways (as mqtt-packet does): commented byte vectors
// decoded and generated, round trips (random ones too), and malformed inputs refused with
// their reason, never a raw exception.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RemoteWriteFormatError, type RemoteWriteErrorCode } from './errors.ts';
import { decodeRemoteWriteBody, encodeRemoteWriteBody } from './request-body.ts';
import { snappyCompress, snappyUncompress } from './snappy-block.ts';
import { decodeRawSeries, decodeWriteRequest, encodeLabels, encodeWriteRequest, type TimeSeries } from './write-request.ts';

/** Bytes from hex; on each line, the hex words before the first other word (the comment). */
function hex(text: string): Uint8Array {
  const digits: string[] = [];
  for (const line of text.split('\n')) {
    for (const word of line.trim().split(/\s+/)) {
      if (!/^([0-9a-f]{2})+$/i.test(word)) break;
      digits.push(word);
    }
  }
  return Uint8Array.from((digits.join('').match(/../g) ?? []).map((b) => parseInt(b, 16)));
}
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A Float64Array holding exactly these bit patterns ([hi, lo] words), never via a JS number. */
function fromBits(...words: [number, number][]): Float64Array {
  const f = new Float64Array(words.length);
  const u = new Uint32Array(f.buffer);
  words.forEach(([hi, lo], i) => {
    u[2 * i] = lo;
    u[2 * i + 1] = hi;
  });
  return f;
}
const bitsOf = (f: Float64Array) => Array.from({ length: f.length }, (_, i) => toHex(new Uint8Array(f.buffer, f.byteOffset + i * 8, 8)));

function refusal(f: () => unknown): { code: RemoteWriteErrorCode; message: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RemoteWriteFormatError);
    return { code: (e as RemoteWriteFormatError).code, message: (e as Error).message };
  }
  throw new Error('expected a refusal');
}

// up{job="a"} 1 @ 1000ms
const UP_VECTOR = hex(`
  0a 28                                   timeseries (40 bytes)
     0a 0e                                  label (14)
        0a 08 5f 5f 6e 61 6d 65 5f 5f          name "__name__"
        12 02 75 70                            value "up"
     0a 08                                  label (8)
        0a 03 6a 6f 62                         name "job"
        12 01 61                               value "a"
     12 0c                                  sample (12)
        09 00 00 00 00 00 00 f0 3f             value 1.0 (fixed64, little-endian)
        10 e8 07                               timestamp 1000 (varint)
`);

describe('WriteRequest vectors', () => {
  it('decodes and generates a commented vector', () => {
    const req = decodeWriteRequest(UP_VECTOR);
    expect(req.timeseries).toHaveLength(1);
    expect(req.timeseries[0].labels).toEqual({ __name__: 'up', job: 'a' });
    expect([...req.timeseries[0].timestamps]).toEqual([1000]);
    expect([...req.timeseries[0].values]).toEqual([1]);
    expect(req.metadata).toEqual([]);
    // Labels are written sorted by name, whatever order they are given in.
    const bytes = encodeWriteRequest({
      timeseries: [{ labels: { job: 'a', __name__: 'up' }, timestamps: Float64Array.of(1000), values: Float64Array.of(1) }],
    });
    expect(toHex(bytes)).toBe(toHex(UP_VECTOR));
  });

  it("writes negative timestamps as ten-byte two's complement and reads them back", () => {
    const bytes = encodeWriteRequest({
      timeseries: [{ labels: { __name__: 'x' }, timestamps: Float64Array.of(-1), values: Float64Array.of(0) }],
    });
    expect(toHex(bytes)).toContain('10ffffffffffffffffff01');
    expect([...decodeWriteRequest(bytes).timeseries[0].timestamps]).toEqual([-1]);
  });

  it('generates and reads metadata (type enum, name, help, unit)', () => {
    const bytes = encodeWriteRequest({
      timeseries: [],
      metadata: [{ type: 'counter', metricFamilyName: 'http_requests', help: 'Requests.', unit: '' }],
    });
    // 1a len | 08 01 (COUNTER) | 12 0d "http_requests" | 22 09 "Requests."
    expect(toHex(bytes)).toBe(`1a1c0801120d${toHex(Buffer.from('http_requests'))}2209${toHex(Buffer.from('Requests.'))}`);
    expect(decodeWriteRequest(bytes).metadata).toEqual([
      { type: 'counter', metricFamilyName: 'http_requests', help: 'Requests.', unit: '' },
    ]);
  });

  it('skips fields it does not know (newer senders), counting exemplars and histograms', () => {
    const extra = hex(`
      0a 15
         0a 08 0a 01 61 12 01 62  20 07         label a="b" with an unknown varint field 4
         1a 02 08 01                            exemplar (field 3): skipped, counted
         22 00                                  histogram (field 4): skipped, counted
         2d 01 02 03 04                         unknown fixed32 field 5
      72 00                                     unknown WriteRequest field 14
    `);
    const req = decodeWriteRequest(extra);
    expect(req.timeseries[0].labels).toEqual({ a: 'b' });
    expect(req.timeseries[0].timestamps.length).toBe(0);
    expect(req.skipped).toEqual({ exemplars: 1, histograms: 1 });
  });

  it('reads hand-made snappy blocks: a literal and a back-reference', () => {
    // length 9 | literal "abc" (tag (3-1)<<2) | copy length 6 offset 3 (tag 01|(6-4)<<2, offset byte 03)
    expect(Buffer.from(snappyUncompress(hex('09 08 616263 09 03'), 100)).toString()).toBe('abcabcabc');
    expect(toHex(snappyCompress(Buffer.from('abc')))).toBe('0308616263');
    expect(snappyUncompress(hex('00'), 10)).toHaveLength(0);
  });
});

describe('special values round trip bit for bit', () => {
  it('keeps infinities, -0, the staleness NaN and other NaN payloads exact', () => {
    const values = fromBits(
      [0x7ff00000, 0x00000002], // staleness marker (a signalling NaN)
      [0x7ff80000, 0x00000000], // the ordinary NaN
      [0x7ff40000, 0x00000001], // some other NaN payload
      [0xfff80000, 0x00000000], // negative NaN
      [0x7ff00000, 0x00000000], // +Inf
      [0xfff00000, 0x00000000], // -Inf
      [0x80000000, 0x00000000], // -0
      [0x00000000, 0x00000001], // smallest subnormal
      [0x7fefffff, 0xffffffff], // largest double
    );
    const timestamps = Float64Array.of(
      0,
      1,
      -1,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      1_700_000_000_000,
      2 ** 32,
      -(2 ** 32),
      2 ** 31 - 1,
    );
    const body = encodeRemoteWriteBody({ timeseries: [{ labels: { __name__: 'special', le: '+Inf' }, timestamps, values }] });
    const back = decodeRemoteWriteBody(body, 1 << 20).timeseries[0];
    expect(bitsOf(back.values)).toEqual(bitsOf(values));
    expect([...back.timestamps]).toEqual([...timestamps]);
    // The marker's bytes on the wire, little-endian.
    expect(
      toHex(
        encodeWriteRequest({
          timeseries: [{ labels: { __name__: 's' }, timestamps: Float64Array.of(5), values: fromBits([0x7ff00000, 2]) }],
        }),
      ),
    ).toContain('090200000000' + '00f07f');
  });

  it("decodes with labels left as bytes (the queue's segments), and those bytes encode the same request again", () => {
    const series: TimeSeries[] = [
      { labels: { __name__: 'a', x: '1' }, timestamps: Float64Array.of(1, 2), values: fromBits([0x7ff00000, 2], [0x3ff00000, 0]) },
      { labels: { __name__: 'b' }, timestamps: Float64Array.of(3), values: Float64Array.of(-1) },
    ];
    const bytes = encodeWriteRequest({ timeseries: series });
    const raw = decodeRawSeries(bytes);
    expect(raw.map((r) => toHex(r.labelBytes))).toEqual(series.map((s) => toHex(encodeLabels(s.labels))));
    expect(bitsOf(raw[0].values)).toEqual(bitsOf(series[0].values));
    expect(toHex(encodeWriteRequest({ timeseries: raw }))).toBe(toHex(bytes));
    // Label fields split by a sample (legal protobuf): joined into one run.
    const split = hex('0a 15  0a 06 0a 01 61 12 01 62  12 03 10 e8 07  0a 06 0a 01 63 12 01 64');
    expect(toHex(decodeRawSeries(split)[0].labelBytes)).toBe(toHex(encodeLabels({ a: 'b', c: 'd' })));
  });

  it('encodes a slice [from, to) of a series without copying it', () => {
    const s = {
      labels: { __name__: 'm' },
      timestamps: Float64Array.of(1, 2, 3, 4),
      values: Float64Array.of(10, 20, 30, 40),
      from: 1,
      to: 3,
    };
    const back = decodeWriteRequest(encodeWriteRequest({ timeseries: [s] })).timeseries[0];
    expect([...back.timestamps]).toEqual([2, 3]);
    expect([...back.values]).toEqual([20, 30]);
  });

  it('round-trips random requests (labels in any script, any doubles, any safe timestamps)', () => {
    const series = fc.record({
      labels: fc.dictionary(
        fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
        { minKeys: 1, maxKeys: 6 },
      ),
      samples: fc.array(
        fc.tuple(
          fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
          fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })),
        ),
        { maxLength: 20 },
      ),
    });
    fc.assert(
      fc.property(fc.array(series, { maxLength: 8 }), (list) => {
        const timeseries: TimeSeries[] = list.map((s) => ({
          labels: s.labels,
          timestamps: Float64Array.from(s.samples.map(([t]) => t)),
          values: fromBits(...s.samples.map(([, w]) => w)),
        }));
        const back = decodeRemoteWriteBody(encodeRemoteWriteBody({ timeseries }), 1 << 24).timeseries;
        expect(back.map((s) => s.labels)).toEqual(timeseries.map((s) => s.labels));
        expect(back.map((s) => [...s.timestamps])).toEqual(timeseries.map((s) => [...s.timestamps]));
        expect(back.map((s) => bitsOf(s.values))).toEqual(timeseries.map((s) => bitsOf(s.values)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('malformed input is refused with a reason', () => {
  const cases: [string, Uint8Array, RemoteWriteErrorCode, RegExp][] = [
    ['a varint cut off', hex('0a 80'), 'truncated', /varint at byte 1 runs past the end/],
    ['a length past the end', hex('0a 05 00'), 'truncated', /length 5 at byte 1 runs past the end/],
    ['timeseries as a varint', hex('08 01'), 'wire_type', /timeseries\[0\] has wire type varint at byte 0, expected length-delimited/],
    [
      'a sample value as a varint',
      hex('0a 0c 0a 06 0a 01 61 12 01 62 12 02 08 01'),
      'wire_type',
      /timeseries\[0\]\.samples\[0\]\.value has wire type varint/,
    ],
    [
      'a timestamp as fixed64',
      hex('0a 13 0a 06 0a 01 61 12 01 62 12 09 11 00 00 00 00 00 00 00 00'),
      'wire_type',
      /timestamp has wire type fixed64/,
    ],
    ['a varint of 11 bytes', hex('0a 0d 12 0b 10 ff ff ff ff ff ff ff ff ff ff'), 'bad_varint', /longer than 10 bytes/],
    ['a timestamp beyond 2^53', hex('0a 13 0a 05 0a 01 61 12 00 12 0a 10 ff ff ff ff ff ff ff ff 7f'), 'bad_varint', /above 2\^53/],
    ['a group (unknown field 5)', hex('2b 2c'), 'wire_type', /WriteRequest: wire type group start at byte 1 cannot be read/],
    ['field number 0', hex('02 00'), 'wire_type', /field number 0/],
    ['a label without a name', hex('0a 05 0a 03 12 01 62'), 'bad_labels', /timeseries\[0\]\.labels\[0\] has an empty name/],
    ['a label twice', hex('0a 10 0a 06 0a 01 61 12 01 62 0a 06 0a 01 61 12 01 63'), 'bad_labels', /has the label "a" twice/],
    ['a series without labels', hex('0a 00'), 'bad_labels', /timeseries\[0\] has no labels/],
    [
      'a label value that is not UTF-8',
      hex('0a 08 0a 06 0a 01 61 12 01 ff'),
      'bad_utf8',
      /labels\[0\]\.value: the text at byte 9 is not valid UTF-8/,
    ],
    ['metadata without a name', hex('1a 02 08 01'), 'bad_labels', /metadata\[0\] has no metric_family_name/],
    [
      'a sample cut inside its value',
      hex('0a 0b 0a 04 0a 02 61 61 12 03 09 00 00'),
      'truncated',
      /8-byte value at byte 11 runs past the end/,
    ],
  ];
  for (const [what, bytes, code, message] of cases) {
    it(`protobuf: ${what}`, () => {
      const r = refusal(() => decodeWriteRequest(bytes));
      expect(r.code).toBe(code);
      expect(r.message).toMatch(message);
      // Through the body too (snappy-wrapped): the same reason.
      expect(refusal(() => decodeRemoteWriteBody(snappyCompress(bytes), 1 << 20)).message).toBe(r.message);
    });
  }

  const snappyCases: [string, Uint8Array, RemoteWriteErrorCode, RegExp][] = [
    ['an empty body', hex(''), 'bad_snappy', /the body is empty/],
    ['plain protobuf, not compressed', UP_VECTOR, 'bad_snappy', /snappy:/],
    ['text', Buffer.from('hello, world'), 'bad_snappy', /snappy:/],
    ['a copy before the start', hex('06 05 00'), 'bad_snappy', /refers 0 bytes back|refers \d+ bytes back, but only 0/],
    ['a literal past the end', hex('05 10 61 62'), 'bad_snappy', /literal of 5 bytes at byte 1 runs past the end/],
    ['fewer bytes than announced', hex('05 08 61 62 63'), 'bad_snappy', /produces 3 bytes, its header announces 5/],
    ['a copy offset cut off', hex('05 08 61 62 63 0a'), 'bad_snappy', /offset cut off/],
    ['a length header of 6 bytes', hex('ff ff ff ff ff 01'), 'bad_snappy', /longer than 32 bits/],
    ['an announced size over the limit', hex('80 80 80 80 0f'), 'too_large', /decompresses to 4026531840 bytes, over the limit of 1048576/],
  ];
  for (const [what, bytes, code, message] of snappyCases) {
    it(`snappy: ${what}`, () => {
      const r = refusal(() => decodeRemoteWriteBody(bytes, 1 << 20));
      expect(r.code).toBe(code);
      expect(r.message).toMatch(message);
    });
  }

  it('never throws anything but RemoteWriteFormatError for damaged bodies (random mutations)', () => {
    const good = encodeRemoteWriteBody({
      timeseries: [
        {
          labels: { __name__: 'a', job: 'j', instance: 'i' },
          timestamps: Float64Array.of(1, 2, 3),
          values: Float64Array.of(1.5, 2.5, 3.5),
        },
        { labels: { __name__: 'b', x: 'ü' }, timestamps: Float64Array.of(-5), values: fromBits([0x7ff00000, 2]) },
      ],
      metadata: [{ type: 'gauge', metricFamilyName: 'a', help: 'h', unit: 'u' }],
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (edits, cut) => {
          const bytes = good.slice(0, good.length - (cut % 3));
          for (const [at, b] of edits) bytes[at % bytes.length] = b;
          try {
            decodeRemoteWriteBody(bytes, 1 << 16);
          } catch (e) {
            expect(e).toBeInstanceOf(RemoteWriteFormatError);
          }
        },
      ),
      { numRuns: 2000 },
    );
    // And for damaged protobuf inside an intact snappy block.
    const raw = encodeWriteRequest({
      timeseries: [{ labels: { __name__: 'a', b: 'c' }, timestamps: Float64Array.of(1, 2), values: Float64Array.of(3, 4) }],
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), (edits) => {
        const bytes = raw.slice();
        for (const [at, b] of edits) bytes[at % bytes.length] = b;
        for (const decode of [() => decodeRemoteWriteBody(snappyCompress(bytes), 1 << 16), () => decodeRawSeries(bytes)]) {
          try {
            decode();
          } catch (e) {
            expect(e).toBeInstanceOf(RemoteWriteFormatError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
