import { BitWriter } from './bit-writer.ts';
import { ByteReader, ByteWriter } from './byte-buffer.ts';
import { readColumnsBody, readHead, readSingleBody, readTimelineBody, streamOverran } from './chunk-body.ts';
import { crc32c } from './crc32c.ts';
import { ChunkFormatError, corrupt, truncatedAt } from './errors.ts';
import { CHECKSUM_BYTES, FORMAT_VERSION, KIND_COLUMNS, KIND_TIMELINE, MIN_CHUNK_BYTES } from './format.ts';

// Framing shared by both chunk kinds: version, kind and count up front, CRC-32C of
// everything else at the end. The checksum is verified before anything is parsed, so a
// damaged length field can never drive an allocation or a loop.

const writer = new ByteWriter();
export const bitWriter = new BitWriter(writer);

export function beginChunk(kind: number, count: number): ByteWriter {
  writer.reset();
  writer.u8(FORMAT_VERSION);
  writer.u8(kind);
  writer.uvarint(count);
  return writer;
}

export function finishChunk(w: ByteWriter): Uint8Array {
  w.u32le(crc32c(w.bytes, 0, w.pos));
  return w.finish();
}

const hex = (v: number) => v.toString(16).padStart(8, '0');

/** The checksum a chunk ends with (its bytes must be at least MIN_CHUNK_BYTES long). */
export function storedChecksum(bytes: Uint8Array): number {
  const end = bytes.length - CHECKSUM_BYTES;
  return (bytes[end] | (bytes[end + 1] << 8) | (bytes[end + 2] << 16) | (bytes[end + 3] << 24)) >>> 0;
}

/** Verifies length, checksum and version; returns a reader over the checked bytes. */
export function openChunk(bytes: Uint8Array): ByteReader {
  const len = bytes.length;
  if (len < MIN_CHUNK_BYTES) {
    throw new ChunkFormatError(
      'chunk_truncated',
      `chunk is truncated: ${len} bytes is shorter than the smallest chunk (${MIN_CHUNK_BYTES} bytes); it was cut short when written or read, restore it from a copy or drop it`,
    );
  }
  const end = len - CHECKSUM_BYTES;
  const stored = storedChecksum(bytes);
  const actual = crc32c(bytes, 0, end);
  if (stored !== actual) throw diagnose(bytes, stored, actual);
  if (bytes[0] !== FORMAT_VERSION) {
    throw new ChunkFormatError(
      'chunk_version',
      `chunk format version ${bytes[0]} is not supported: this codec reads version ${FORMAT_VERSION}; upgrade @metrics-hub/wire to read it`,
    );
  }
  return new ByteReader(bytes, 0, end);
}

/**
 * A diagnosis trusts an unverified count, so it unpacks at most this many numbers, or 64 per
 * chunk byte when that is more; any real chunk cut short stays within it.
 */
const DIAGNOSIS_MIN_NUMBERS = 1 << 16;
const DIAGNOSIS_NUMBERS_PER_BYTE = 64;

/**
 * A checksum mismatch means damage; it is reported as truncation when the structure,
 * parsed anyway, needs more bytes than there are (the usual sign of a short write).
 */
function diagnose(bytes: Uint8Array, stored: number, actual: number): ChunkFormatError {
  const mismatch = corrupt(
    `checksum mismatch (stored 0x${hex(stored)}, computed 0x${hex(actual)} over ${bytes.length - CHECKSUM_BYTES} bytes)`,
  );
  if (bytes[0] !== FORMAT_VERSION) return mismatch;
  try {
    const r = new ByteReader(bytes, 0, bytes.length - CHECKSUM_BYTES);
    const head = readHead(r);
    const numbers = head.count * (head.columns + 1);
    if (numbers > Math.max(DIAGNOSIS_MIN_NUMBERS, DIAGNOSIS_NUMBERS_PER_BYTE * bytes.length)) return mismatch;
    const space = new Float64Array(numbers);
    const column = (c: number) => space.subarray((c + 1) * head.count, (c + 2) * head.count);
    if (head.kind === KIND_COLUMNS) {
      const columns: Float64Array[] = [];
      for (let c = 0; c < head.columns; c++) columns.push(column(c));
      readColumnsBody(r, head, column(-1), columns);
    } else if (head.kind === KIND_TIMELINE) {
      readTimelineBody(r, head, column(-1));
    } else {
      readSingleBody(r, head, column(-1), column(0));
    }
  } catch (e) {
    if (e instanceof ChunkFormatError && e.code === 'chunk_truncated') return e;
    if (streamOverran()) return truncatedAt(bytes.length);
  }
  return mismatch;
}
