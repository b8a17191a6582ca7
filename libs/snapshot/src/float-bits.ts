// IEEE-754 bit patterns as hex text, for the lossless format: JSON numbers cannot hold
// NaN, ±Inf or -0, and a NaN's payload (Prometheus's staleness marker is one) only
// survives if the bits are copied, never the number passed around in plain JS values.

/** The 16 hex digits of a float64's bits, e.g. STALE_NAN -> `7ff0000000000002`. */
export function floatToHex(values: Float64Array, index: number): string {
  // Read the bits from the array's own memory: copying the value out first could let
  // the engine canonicalise a NaN.
  const view = new DataView(values.buffer, values.byteOffset + index * 8, 8);
  return view.getBigUint64(0, true).toString(16).padStart(16, '0');
}

/** Writes the float whose bits are `hex` (16 hex digits) into `values[index]`; false when `hex` is malformed. */
export function writeHexFloat(hex: string, values: Float64Array, index: number): boolean {
  if (!/^[0-9a-f]{16}$/.test(hex)) return false;
  const view = new DataView(values.buffer, values.byteOffset + index * 8, 8);
  view.setBigUint64(0, BigInt(`0x${hex}`), true);
  return true;
}

/** True when a JSON number cannot carry the value exactly: NaN (any payload), ±Inf, -0. */
export function needsBits(v: number): boolean {
  return !Number.isFinite(v) || Object.is(v, -0);
}
