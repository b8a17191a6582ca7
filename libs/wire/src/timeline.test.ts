import { describe, expect, it } from 'vitest';
import {
  ChunkFormatError,
  STALE_NAN,
  chunkHeader,
  columnsHeader,
  decodeChunk,
  decodeColumns,
  decodeTimeline,
  encodeChunk,
  encodeChunkOnTimeline,
  encodeTimeline,
  timelineChecksum,
  type Timeline,
  type TimelineRef,
} from './index.ts';
import { T0, expectSameBits } from './test-helpers.ts';
import { seededRandom as random } from '@metrics-hub/testing';

/** A 10 s scrape with ±250 ms independent jitter, as real collection has. */
function jittered(n: number, seed = 1): Float64Array {
  const rnd = random(seed);
  return Float64Array.from({ length: n }, (_, i) => T0 + i * 10_000 + Math.round((rnd() - 0.5) * 500));
}

function counter(n: number, seed = 2): Float64Array {
  const rnd = random(seed);
  let x = 1000;
  return Float64Array.from({ length: n }, () => (x = Math.round((x + 5 + rnd() * 3) * 100) / 100));
}

function lookupOf(...encoded: Uint8Array[]): (ref: TimelineRef) => Timeline {
  return (ref) => decodeTimeline(encoded[ref.ref]);
}

describe('timelines', () => {
  it('round-trip their timestamps and report the checksum chunks name them by', () => {
    const ts = jittered(720);
    const encoded = encodeTimeline(ts);
    const timeline = decodeTimeline(encoded);
    expect(timeline.count).toBe(720);
    expect(Array.from(timeline.timestamps)).toEqual(Array.from(ts));
    expect(timeline.checksum).toBe(timelineChecksum(encoded));
  });

  it('let a chunk on one decode to the same samples as a chunk with its own timestamps', () => {
    const ts = jittered(720);
    const vs = counter(720);
    vs[100] = STALE_NAN;
    const encoded = encodeTimeline(ts);
    const onTimeline = encodeChunkOnTimeline(vs, 720, { ref: 0, checksum: timelineChecksum(encoded) });
    const inline = encodeChunk(ts, vs);
    const decoded = decodeChunk(onTimeline, undefined, { timeline: lookupOf(encoded) });
    expect(Array.from(decoded.timestamps)).toEqual(Array.from(ts));
    expectSameBits(decoded.values, vs);
    const header = chunkHeader(onTimeline, { timeline: lookupOf(encoded) });
    expect(header).toMatchObject({ count: 720, minT: ts[0], maxT: ts[719], encoding: chunkHeader(inline).encoding });
    // Jittered timestamps cost about as much as the values: sharing them saves that much per series.
    expect(onTimeline.length).toBeLessThan(inline.length - encoded.length + 32);
    // timesOnly still gives the timestamps, and the staleness marker.
    const times = decodeChunk(onTimeline, undefined, { timeline: lookupOf(encoded), timesOnly: true });
    expect(Array.from(times.timestamps)).toEqual(Array.from(ts));
    expectSameBits(times.values.subarray(100, 101), vs.subarray(100, 101));
  });

  it('refuse a chunk read against another timeline, or without one', () => {
    const a = encodeTimeline(jittered(720, 1));
    const b = encodeTimeline(jittered(720, 7));
    const chunk = encodeChunkOnTimeline(counter(720), 720, { ref: 0, checksum: timelineChecksum(a) });
    const wrong = () => decodeChunk(chunk, undefined, { timeline: lookupOf(b) });
    expect(wrong).toThrow(ChunkFormatError);
    expect(wrong).toThrow(/names timeline 0 with checksum .* but that timeline has checksum/);
    const shorter = encodeTimeline(jittered(719, 1));
    const short = encodeChunkOnTimeline(counter(720), 720, { ref: 0, checksum: timelineChecksum(shorter) });
    expect(() => decodeChunk(short, undefined, { timeline: lookupOf(shorter) })).toThrow(/720 samples, but that timeline has .* 719/);
    expect(() => decodeChunk(chunk)).toThrow(/takes its timestamps from timeline 0; pass options.timeline/);
    expect(() => decodeColumns(chunk)).toThrow(/read them with decodeTimeline or decodeChunk/);
    expect(() => columnsHeader(a)).toThrow(TypeError);
  });

  it('are not taken for chunks, nor chunks for timelines', () => {
    const ts = jittered(10);
    expect(() => decodeChunk(encodeTimeline(ts))).toThrow(/a timeline, not a chunk; read them with decodeTimeline/);
    expect(() => decodeTimeline(encodeChunk(ts, counter(10)))).toThrow(/a chunk, not a timeline/);
  });

  it('report damage: a flipped bit as corrupt, a cut as truncated', () => {
    const encoded = encodeTimeline(jittered(720));
    const flipped = encoded.slice();
    flipped[20] ^= 4;
    expect(() => decodeTimeline(flipped)).toThrow(expect.objectContaining({ code: 'chunk_corrupt' }));
    const chunk = encodeChunkOnTimeline(counter(720), 720, { ref: 3, checksum: timelineChecksum(encoded) });
    for (const bytes of [encoded, chunk]) {
      const cut = new Uint8Array(bytes.length - 40);
      cut.set(bytes.subarray(0, cut.length - 4));
      cut.set(bytes.subarray(bytes.length - 4), cut.length - 4);
      const read = () => (bytes === encoded ? decodeTimeline(cut) : decodeChunk(cut, undefined, { timeline: lookupOf(encoded) }));
      expect(read).toThrow(expect.objectContaining({ code: 'chunk_truncated' }));
    }
  });
});
