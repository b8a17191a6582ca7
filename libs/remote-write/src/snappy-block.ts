// Snappy's block format (not the framed one), as remote write uses it: snappyjs does the
// work; a structural check runs first, because snappyjs does not notice every damaged
// block (a copy past the output's end is silently cut, a short output is not reported)
// and a hostile header must not make us allocate gigabytes.
//
//   block    = varint(uncompressed length) element*
//   element  = tag byte, low 2 bits:
//              00 literal   length-1 in the upper 6 bits; 60..63: 1..4 more bytes hold it
//              01 copy      length 4..11 (3 bits), offset 11 bits (3 + 1 byte)
//              10 copy      length 1..64 (6 bits), offset 2 bytes little-endian
//              11 copy      length 1..64 (6 bits), offset 4 bytes little-endian
//   A copy's offset is 1..(bytes produced so far); the produced total must equal the header.

import snappy from 'snappyjs';
import { RemoteWriteFormatError } from './errors.ts';

export function snappyCompress(data: Uint8Array): Uint8Array {
  return snappy.compress(plain(data));
}

/** The uncompressed length a block announces (refused when over `maxBytes`). */
export function snappyDeclaredLength(block: Uint8Array): number {
  let result = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= block.length)
      throw new RemoteWriteFormatError(
        'bad_snappy',
        block.length === 0 ? 'the body is empty: expected a snappy-compressed WriteRequest' : 'snappy: the length header is cut off',
      );
    const c = block[i];
    result += (c & 0x7f) * 2 ** (7 * i);
    if (c < 0x80) {
      if (result > 0xffffffff) break;
      return result;
    }
  }
  throw new RemoteWriteFormatError('bad_snappy', 'snappy: the length header is longer than 32 bits');
}

/** Checks a block's structure without producing output; returns the uncompressed length. */
export function checkSnappyBlock(block: Uint8Array, maxBytes: number): number {
  const declared = snappyDeclaredLength(block);
  if (declared > maxBytes)
    throw new RemoteWriteFormatError('too_large', `the body decompresses to ${declared} bytes, over the limit of ${maxBytes}`);
  let pos = 0;
  while (block[pos] & 0x80) pos++;
  pos++;
  let produced = 0;
  const n = block.length;
  while (pos < n) {
    const at = pos;
    const tag = block[pos++];
    let len: number;
    let offset = 0;
    switch (tag & 3) {
      case 0: {
        len = (tag >>> 2) + 1;
        if (len > 60) {
          const extra = len - 60;
          if (pos + extra > n) throw new RemoteWriteFormatError('bad_snappy', `snappy: the literal at byte ${at} has its length cut off`);
          len = 0;
          for (let k = 0; k < extra; k++) len += block[pos + k] * 2 ** (8 * k);
          len += 1;
          pos += extra;
        }
        if (pos + len > n)
          throw new RemoteWriteFormatError('bad_snappy', `snappy: the literal of ${len} bytes at byte ${at} runs past the end of the body`);
        pos += len;
        break;
      }
      case 1:
        if (pos + 1 > n) throw new RemoteWriteFormatError('bad_snappy', `snappy: the copy at byte ${at} has its offset cut off`);
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | block[pos];
        pos += 1;
        break;
      case 2:
        if (pos + 2 > n) throw new RemoteWriteFormatError('bad_snappy', `snappy: the copy at byte ${at} has its offset cut off`);
        len = (tag >>> 2) + 1;
        offset = block[pos] | (block[pos + 1] << 8);
        pos += 2;
        break;
      default:
        if (pos + 4 > n) throw new RemoteWriteFormatError('bad_snappy', `snappy: the copy at byte ${at} has its offset cut off`);
        len = (tag >>> 2) + 1;
        offset = (block[pos] | (block[pos + 1] << 8) | (block[pos + 2] << 16)) + block[pos + 3] * 2 ** 24;
        pos += 4;
        break;
    }
    if ((tag & 3) !== 0 && (offset === 0 || offset > produced)) {
      throw new RemoteWriteFormatError(
        'bad_snappy',
        `snappy: the copy at byte ${at} refers ${offset} bytes back, but only ${produced} bytes precede it`,
      );
    }
    produced += len;
    if (produced > declared)
      throw new RemoteWriteFormatError(
        'bad_snappy',
        `snappy: the block produces more than the ${declared} bytes its header announces (at byte ${at})`,
      );
  }
  if (produced !== declared)
    throw new RemoteWriteFormatError('bad_snappy', `snappy: the block produces ${produced} bytes, its header announces ${declared}`);
  return declared;
}

/** Decompresses a block after checking it; throws RemoteWriteFormatError only. */
export function snappyUncompress(block: Uint8Array, maxBytes: number): Uint8Array {
  checkSnappyBlock(block, maxBytes);
  try {
    return snappy.uncompress(plain(block), maxBytes);
  } catch (e) {
    throw new RemoteWriteFormatError('bad_snappy', `snappy: ${(e as Error).message}`);
  }
}

/** A plain Uint8Array view (snappyjs returns a Buffer for a Buffer; we want one type). */
function plain(data: Uint8Array): Uint8Array {
  return Buffer.isBuffer(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data;
}
