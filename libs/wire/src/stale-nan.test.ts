import { describe, expect, it } from 'vitest';
import { STALE_NAN, isStaleNaN } from './index.ts';

function bits(v: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
}

describe('STALE_NAN', () => {
  it('has the Prometheus staleness bit pattern', () => {
    expect(bits(STALE_NAN)).toBe('7ff0000000000002');
    expect(Number.isNaN(STALE_NAN)).toBe(true);
  });

  it('survives a store into and a load from a Float64Array', () => {
    const a = new Float64Array(1);
    a[0] = STALE_NAN;
    expect(bits(a[0])).toBe('7ff0000000000002');
    expect(isStaleNaN(a[0])).toBe(true);
  });

  it('is told apart from ordinary NaNs and numbers', () => {
    expect(isStaleNaN(STALE_NAN)).toBe(true);
    expect(isStaleNaN(NaN)).toBe(false);
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, 0x7ff0000000000001n);
    expect(isStaleNaN(view.getFloat64(0))).toBe(false);
    view.setBigUint64(0, 0xfff0000000000002n);
    expect(isStaleNaN(view.getFloat64(0))).toBe(false);
    for (const v of [0, -0, 1, Infinity, -Infinity, 5e-324]) expect(isStaleNaN(v)).toBe(false);
  });

  it('is still recognised after V8 quiets it in a plain array', () => {
    const held = [1.5, STALE_NAN];
    expect(isStaleNaN(held[1])).toBe(true);
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, 0x7ff8000000000002n);
    expect(isStaleNaN(view.getFloat64(0))).toBe(true);
    view.setBigUint64(0, 0x7ff8000000000000n);
    expect(isStaleNaN(view.getFloat64(0))).toBe(false);
  });
});
