import { describe, expect, it } from 'vitest';
import { TimestampTexts } from './timestamp-texts.ts';

describe('TimestampTexts', () => {
  const counting = () => {
    const calls = { n: 0 };
    const format = (ms: number) => {
      calls.n++;
      return `t${ms}`;
    };
    return { calls, format };
  };

  it('spells the timestamps of a block once for every block with the very same ones', () => {
    const { calls, format } = counting();
    const texts = new TimestampTexts(format);
    const a = Float64Array.from([1000, 11_007, 20_998, 31_002]);
    expect(texts.texts(a, 4)).toEqual(['t1000', 't11007', 't20998', 't31002']);
    expect(texts.joined(Float64Array.from(a), 4)).toBe('t1000,t11007,t20998,t31002');
    expect(calls.n).toBe(4);
    // Same count, first and last, another time in between: spelled anew, and both kept.
    const b = Float64Array.from([1000, 11_000, 20_998, 31_002]);
    expect(texts.texts(b, 4)[1]).toBe('t11000');
    expect(texts.texts(a, 4)[1]).toBe('t11007');
    expect(calls.n).toBe(8);
    // Only the first `length` count: a longer array with the same start is another block.
    expect(texts.texts(Float64Array.from([1000, 11_007, 20_998, 31_002, 40_000]), 3)).toEqual(['t1000', 't11007', 't20998']);
    expect(calls.n).toBe(11);
  });

  it('forgets the oldest blocks past its budget of characters', () => {
    const { calls, format } = counting();
    // 8 characters a block: two fit.
    const texts = new TimestampTexts(format, 20);
    const blocks = [0, 1, 2].map((k) => Float64Array.from([k, k + 10, k + 20]));
    for (const b of blocks) texts.texts(b, 3);
    expect(calls.n).toBe(9);
    texts.texts(blocks[2], 3);
    expect(calls.n).toBe(9);
    texts.texts(blocks[0], 3);
    expect(calls.n).toBe(12);
  });
});
