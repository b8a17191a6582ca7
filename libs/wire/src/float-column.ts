import type { BitReader } from './bit-reader.ts';
import type { BitWriter } from './bit-writer.ts';
import type { ByteReader, ByteWriter } from './byte-buffer.ts';
import { analyzeDecimal, analyzeNearDecimal } from './decimal-analysis.ts';
import { exceptionBytes, planInts, readDecimal, writeDecimal } from './decimal-column.ts';
import { ChunkFormatError } from './errors.ts';
import { FORMAT_VERSION, TAG_DECIMAL, TAG_DECIMAL_RELATIVE, TAG_NEAR_DECIMAL, TAG_XOR } from './format.ts';
import { planPacked } from './packed-ints.ts';
import { ScratchF64, ScratchI32 } from './scratch.ts';
import { readXor, writeXor, xorBytes } from './xor-column.ts';

const intsScratch = new ScratchF64();
const residualScratch = new ScratchF64();
const excScratch = new ScratchI32();

/**
 * Writes one float column, as scaled decimal integers when the values allow it (nearly
 * always for scraped metrics, and then much smaller), otherwise as the smaller of near
 * decimals and Gorilla XOR. Returns the tag of the encoding used.
 */
export function writeFloatColumn(w: ByteWriter, bw: BitWriter, values: Float64Array, count: number): number {
  if (count === 0) return TAG_DECIMAL;
  const ints = intsScratch.get(count);
  const exc = excScratch.get(count);
  const dec = analyzeDecimal(values, count, ints, exc);
  if (dec === null) return writeInexactColumn(w, bw, values, count);
  writeDecimal(w, bw, dec.e, planInts(ints, count), values, exc, dec.exceptions);
  return TAG_DECIMAL;
}

/** For values that are not (mostly) short decimals: near decimals or XOR, whichever is smaller. */
export function writeInexactColumn(w: ByteWriter, bw: BitWriter, values: Float64Array, count: number): number {
  const ints = intsScratch.get(count);
  const residuals = residualScratch.get(count);
  const exc = excScratch.get(count);
  const near = analyzeNearDecimal(values, count, ints, residuals, exc);
  if (near !== null) {
    const plan = planInts(ints, count);
    const residualPlan = planPacked(residuals, 0, count);
    if (residualPlan !== null && plan.bytes + residualPlan.bytes + exceptionBytes(exc, near.exceptions) < xorBytes(values, count)) {
      writeDecimal(w, bw, near.e, plan, values, exc, near.exceptions, residuals, residualPlan);
      return TAG_NEAR_DECIMAL;
    }
  }
  writeXor(w, bw, values, count);
  return TAG_XOR;
}

export function readFloatColumn(
  r: ByteReader,
  br: BitReader,
  tag: number,
  out: Float64Array,
  count: number,
  ref: Float64Array | null,
): void {
  if (tag === TAG_XOR) readXor(r, br, out, count);
  else if (tag === TAG_DECIMAL || tag === TAG_DECIMAL_RELATIVE) readDecimal(r, br, out, count, ref, false);
  else if (tag === TAG_NEAR_DECIMAL) readDecimal(r, br, out, count, null, true);
  else {
    throw new ChunkFormatError(
      'chunk_version',
      `column encoding ${tag} is not part of chunk format version ${FORMAT_VERSION}; it was written by a newer codec, upgrade @metrics-hub/wire to read it`,
    );
  }
}
