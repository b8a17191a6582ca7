// One immutable cold-storage file: the sealed chunks of one UTC day, series by series,
// as the store had them (already delta/XOR-compressed), each series' block deflated again
// (it also carries the labels' repetition). Layout (docs/formats/archive.md):
//
//   magic "MHARC01\n" | series blocks ... | index (deflated JSON) | footer (56 bytes)
//   footer: index offset f64 | index length u32 | index crc32c u32 | sha-256 of all bytes before the footer | "MHARCEND"
//
// Every block's crc32c is in the index, and the whole file's sha-256 in the footer, so a
// damaged file is found at open (the sha-256) and a block damaged later at read (its crc).
// Files are written to a temporary name, fsynced, then renamed: a crash never leaves half
// a file under an archive name (a leftover `.<name>.<writer>.tmp` is removed at the next open).

import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ChunkFormatError, crc32c, decodeChunk, type Labels } from '@metrics-hub/wire';
import type { SampleBlock } from '../sample-merge.ts';

const MAGIC = Buffer.from('MHARC01\n', 'latin1');
const END_MAGIC = Buffer.from('MHARCEND', 'latin1');
const FOOTER_BYTES = 8 + 4 + 4 + 32 + 8;
const FORMAT_VERSION = 1;

export interface ArchiveChunk {
  startMs: number;
  endMs: number;
  count: number;
  /** The chunk as the store encoded it (libs/wire's chunk format). */
  data: Uint8Array;
}

export interface ArchiveSeriesInput {
  labels: Labels;
  chunks: ArchiveChunk[];
}

export interface DayFileIndexEntry {
  labels: Labels;
  minT: number;
  maxT: number;
  samples: number;
  offset: number;
  length: number;
  crc: number;
}

export interface DayFileIndex {
  version: number;
  /** The day as YYYY-MM-DD (UTC); the file holds samples in (startMs, endMs]. */
  day: string;
  startMs: number;
  endMs: number;
  createdMs: number;
  samples: number;
  series: DayFileIndexEntry[];
}

/** A file that cannot be trusted: what is wrong, in words a user can act on. */
export class ArchiveDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`archive file ${file} is damaged (${reason})`);
    this.name = 'ArchiveDamagedError';
  }
}

/**
 * Writes one day's file, a series at a time, without holding the day in memory and
 * without blocking: the store feeds it between appends. Nothing appears under `path`
 * until `finish` has synced it; `abort` leaves nothing behind.
 */
export class DayFileWriter {
  private offset = 0;
  private samples = 0;
  private readonly entries: DayFileIndexEntry[] = [];
  private readonly hash = createHash('sha256');

  private constructor(
    readonly path: string,
    private readonly tmp: string,
    private readonly file: FileHandle,
  ) {}

  /**
   * Where a file is written before it is renamed into place: a name of its own per writer,
   * so a writer stopped by close() that cleans up late cannot remove the file of the
   * writer that took the day over after a reopen.
   */
  static tempPathFor(path: string): string {
    return `${dirname(path)}/.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  }

  static async create(path: string, tmp = DayFileWriter.tempPathFor(path)): Promise<DayFileWriter> {
    const writer = new DayFileWriter(path, tmp, await open(tmp, 'w'));
    await writer.write(MAGIC);
    return writer;
  }

  private async write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.byteLength) done += (await this.file.write(bytes, done, bytes.byteLength - done)).bytesWritten;
    this.hash.update(bytes);
    this.offset += bytes.byteLength;
  }

  async addSeries(s: ArchiveSeriesInput): Promise<void> {
    if (s.chunks.length === 0) return;
    const block = deflateRawSync(encodeSeriesBlock(s.chunks));
    let n = 0;
    let maxT = -Infinity;
    for (const c of s.chunks) {
      n += c.count;
      if (c.endMs > maxT) maxT = c.endMs;
    }
    this.entries.push({
      labels: s.labels,
      minT: s.chunks[0].startMs,
      maxT,
      samples: n,
      offset: this.offset,
      length: block.byteLength,
      crc: crc32c(block),
    });
    this.samples += n;
    await this.write(block);
  }

  /** Writes the index and footer, syncs, and renames the file into place. */
  async finish(day: {
    day: string;
    startMs: number;
    endMs: number;
    createdMs: number;
  }): Promise<{ bytes: number; samples: number; series: number }> {
    const index: DayFileIndex = { version: FORMAT_VERSION, ...day, samples: this.samples, series: this.entries };
    const indexBytes = deflateRawSync(Buffer.from(JSON.stringify(index)));
    const indexOffset = this.offset;
    await this.write(indexBytes);
    const footer = Buffer.alloc(FOOTER_BYTES);
    footer.writeDoubleLE(indexOffset, 0);
    footer.writeUInt32LE(indexBytes.byteLength, 8);
    footer.writeUInt32LE(crc32c(indexBytes), 12);
    this.hash.digest().copy(footer, 16);
    END_MAGIC.copy(footer, 48);
    let done = 0;
    while (done < FOOTER_BYTES) done += (await this.file.write(footer, done, FOOTER_BYTES - done)).bytesWritten;
    await this.file.sync();
    await this.file.close();
    await rename(this.tmp, this.path);
    await syncFolder(dirname(this.path));
    return { bytes: this.offset + FOOTER_BYTES, samples: this.samples, series: this.entries.length };
  }

  async abort(): Promise<void> {
    await this.file.close().catch(() => undefined);
    await rm(this.tmp, { force: true });
  }
}

function encodeSeriesBlock(chunks: readonly ArchiveChunk[]): Buffer {
  let size = 4;
  for (const c of chunks) size += 24 + c.data.byteLength;
  const out = Buffer.alloc(size);
  out.writeUInt32LE(chunks.length, 0);
  let p = 4;
  for (const c of chunks) {
    out.writeDoubleLE(c.startMs, p);
    out.writeDoubleLE(c.endMs, p + 8);
    out.writeUInt32LE(c.count, p + 16);
    out.writeUInt32LE(c.data.byteLength, p + 20);
    out.set(c.data, p + 24);
    p += 24 + c.data.byteLength;
  }
  return out;
}

/** An archive file opened for reading: its index in memory, blocks read on demand. */
export class DayFile {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    readonly index: DayFileIndex,
    readonly bytes: number,
    fd: number,
  ) {
    this.fd = fd;
  }

  /**
   * Opens and verifies a file: the footer, the sha-256 of everything before it and the
   * index's checksum. Throws ArchiveDamagedError when any of them is wrong.
   */
  static open(path: string): DayFile {
    const size = statSync(path).size;
    const fd = openSync(path, 'r');
    try {
      if (size < MAGIC.byteLength + FOOTER_BYTES) throw new ArchiveDamagedError(path, `${size} bytes is too short for an archive file`);
      const head = readAt(fd, 0, MAGIC.byteLength);
      if (!head.equals(MAGIC)) throw new ArchiveDamagedError(path, 'it does not start with the archive signature');
      const footer = readAt(fd, size - FOOTER_BYTES, FOOTER_BYTES);
      if (!footer.subarray(48).equals(END_MAGIC)) throw new ArchiveDamagedError(path, 'its footer is missing: the file was cut short');
      const indexOffset = footer.readDoubleLE(0);
      const indexLength = footer.readUInt32LE(8);
      if (!(Number.isSafeInteger(indexOffset) && indexOffset >= MAGIC.byteLength && indexOffset + indexLength === size - FOOTER_BYTES)) {
        throw new ArchiveDamagedError(path, 'its footer points outside the file');
      }
      const expected = footer.subarray(16, 48);
      const actual = hashPrefix(fd, size - FOOTER_BYTES);
      if (!actual.equals(expected)) throw new ArchiveDamagedError(path, 'sha-256 mismatch: its bytes changed after it was written');
      const indexBytes = readAt(fd, indexOffset, indexLength);
      if (crc32c(indexBytes) !== footer.readUInt32LE(12)) throw new ArchiveDamagedError(path, 'its index checksum does not match');
      let index: DayFileIndex;
      try {
        index = JSON.parse(inflateRawSync(indexBytes).toString('utf8')) as DayFileIndex;
      } catch (e) {
        throw new ArchiveDamagedError(path, `its index cannot be read (${(e as Error).message})`);
      }
      if (index.version !== FORMAT_VERSION) {
        throw new ArchiveDamagedError(
          path,
          `format version ${index.version}, this build reads ${FORMAT_VERSION}: open it with the hub version that wrote it`,
        );
      }
      return new DayFile(path, index, size, fd);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** The samples of series `i` of the index, one block per stored chunk, ascending. */
  readSeries(i: number): SampleBlock[] {
    const entry = this.index.series[i];
    let block: Buffer;
    if (this.fd !== undefined) block = readAt(this.fd, entry.offset, entry.length);
    else {
      // Closed (dropped from the open-file cache) while a query still needed it: a one-off read.
      const fd = openSync(this.path, 'r');
      try {
        block = readAt(fd, entry.offset, entry.length);
      } finally {
        closeSync(fd);
      }
    }
    if (crc32c(block) !== entry.crc)
      throw new ArchiveDamagedError(this.path, `the block of series ${i} changed after the file was verified (crc32c mismatch)`);
    const raw = inflateRawSync(block);
    const n = raw.readUInt32LE(0);
    const out: SampleBlock[] = [];
    let p = 4;
    for (let k = 0; k < n; k++) {
      const len = raw.readUInt32LE(p + 20);
      try {
        const d = decodeChunk(raw.subarray(p + 24, p + 24 + len));
        out.push({ timestamps: d.timestamps, values: d.values, length: d.count });
      } catch (e) {
        if (e instanceof ChunkFormatError) throw new ArchiveDamagedError(this.path, `chunk ${k} of series ${i}: ${e.message}`);
        throw e;
      }
      p += 24 + len;
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

function hashPrefix(fd: number, length: number): Buffer {
  const hash = createHash('sha256');
  const piece = Buffer.alloc(1 << 20);
  let position = 0;
  while (position < length) {
    const n = readSync(fd, piece, 0, Math.min(piece.byteLength, length - position), position);
    if (n === 0) break;
    hash.update(piece.subarray(0, n));
    position += n;
  }
  return hash.digest();
}

/** Makes a rename in `folder` durable (directories cannot be fsynced on every platform). */
async function syncFolder(folder: string): Promise<void> {
  try {
    const dir = await open(folder, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Windows cannot open a folder for fsync; its rename is durable enough there.
  }
}
