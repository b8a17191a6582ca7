// TEMPORARY stand-in codec while the real one lands from the wire-codec branch.
export * from './labels.ts';

export const STALE_NAN = new Float64Array(new Uint32Array([2, 0x7ff00000]).buffer)[0];
const f = new Float64Array(1); const u = new Uint32Array(f.buffer);
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  f[0] = v;
  return u[0] === 2 && (u[1] === 0x7ff00000 || u[1] === 0x7ff80000);
}
export type ChunkEncoding = 'xor' | 'decimal';
export interface DecodedChunk { count: number; timestamps: Float64Array; values: Float64Array }
export class ChunkFormatError extends Error {
  constructor(readonly code: 'chunk_corrupt' | 'chunk_version' | 'chunk_truncated', message: string) { super(message); }
}
export function encodeChunk(timestamps: Float64Array, values: Float64Array, count = timestamps.length): Uint8Array {
  return encodeColumns(timestamps, [values], count);
}
export function decodeChunk(bytes: Uint8Array, out?: { timestamps: Float64Array; values: Float64Array }): DecodedChunk {
  const d = decodeColumns(bytes);
  return { count: d.count, timestamps: d.timestamps, values: d.columns[0] };
}
export function chunkHeader(bytes: Uint8Array) {
  const d = decodeColumns(bytes);
  return { count: d.count, minT: d.timestamps[0], maxT: d.timestamps[d.count - 1], encoding: 'xor' as ChunkEncoding };
}
export function encodeColumns(timestamps: Float64Array, columns: Float64Array[], count = timestamps.length): Uint8Array {
  const f = new Float64Array(2 + count * (1 + columns.length));
  f[0] = count; f[1] = columns.length;
  f.set(timestamps.subarray(0, count), 2);
  columns.forEach((c, i) => f.set(c.subarray(0, count), 2 + count * (i + 1)));
  return new Uint8Array(f.buffer);
}
export function decodeColumns(bytes: Uint8Array) {
  const f = new Float64Array(bytes.slice().buffer);
  const count = f[0], k = f[1];
  const cols: Float64Array[] = [];
  for (let i = 0; i < k; i++) cols.push(f.slice(2 + count * (i + 1), 2 + count * (i + 2)));
  return { count, timestamps: f.slice(2, 2 + count), columns: cols };
}
