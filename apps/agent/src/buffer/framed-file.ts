// An append-only file of framed records: u32 length | u32 crc32c(payload) | payload.
// With `sync`, appends are on disk once `append` returns; without, they are in the page
// cache (they survive the process, not a power cut) until `flush()`. A record cut
// short by a crash (torn tail) or damaged is detected on open: everything from the first
// bad record on is cut off and reported, never handed out.

import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { crc32c } from '@metrics-hub/wire';

const HEADER = 8;
/** A record larger than this is treated as damage (a torn length field), not allocated. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export interface FramedRecord {
  offset: number;
  length: number;
}

export interface RecoveryReport {
  records: FramedRecord[];
  /** Bytes cut off the end because they did not form a whole, valid record. */
  truncatedBytes: number;
  reason: string | undefined;
}

export class FramedFile {
  private readonly fd: number;
  size: number;
  /** Appended since the last fsync. */
  private dirty = false;

  private constructor(
    readonly path: string,
    fd: number,
    size: number,
    private readonly sync: boolean,
  ) {
    this.fd = fd;
    this.size = size;
  }

  /** Opens (creating) the file and recovers it: the records it holds and what was cut off. */
  static open(path: string, options: { sync: boolean }): { file: FramedFile; recovery: RecoveryReport } {
    const fd = openSync(path, 'a+');
    const size = fstatSync(fd).size;
    const recovery = scan(fd, size);
    const goodEnd = recovery.records.length
      ? recovery.records[recovery.records.length - 1].offset + recovery.records[recovery.records.length - 1].length
      : 0;
    if (goodEnd < size) {
      ftruncateSync(fd, goodEnd);
      if (options.sync) fsyncSync(fd);
    }
    return { file: new FramedFile(path, fd, goodEnd, options.sync), recovery };
  }

  append(payload: Uint8Array): FramedRecord {
    const frame = new Uint8Array(HEADER + payload.length);
    const view = new DataView(frame.buffer);
    view.setUint32(0, payload.length, true);
    view.setUint32(4, crc32c(payload), true);
    frame.set(payload, HEADER);
    let written = 0;
    try {
      while (written < frame.length) written += writeSync(this.fd, frame, written, frame.length - written, this.size + written);
      if (this.sync) fsyncSync(this.fd);
      else this.dirty = true;
    } catch (e) {
      // A half-written frame (disk full) must not stay in front of the next append.
      if (written > 0) ftruncateSync(this.fd, this.size);
      throw e;
    }
    const record = { offset: this.size, length: frame.length };
    this.size += frame.length;
    return record;
  }

  /** The payload of a record found by open() or returned by append(). */
  read(record: FramedRecord): Uint8Array {
    const frame = new Uint8Array(record.length);
    readSync(this.fd, frame, 0, record.length, record.offset);
    return frame.subarray(HEADER);
  }

  /** Makes every append so far durable; free when there is nothing new. */
  flush(): void {
    if (!this.dirty) return;
    fsyncSync(this.fd);
    this.dirty = false;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function scan(fd: number, size: number): RecoveryReport {
  const records: FramedRecord[] = [];
  const header = new Uint8Array(HEADER);
  const view = new DataView(header.buffer);
  let offset = 0;
  let reason: string | undefined;
  while (offset < size) {
    if (size - offset < HEADER) {
      reason = `torn record header at byte ${offset}`;
      break;
    }
    readSync(fd, header, 0, HEADER, offset);
    const length = view.getUint32(0, true);
    const crc = view.getUint32(4, true);
    if (length > MAX_RECORD_BYTES || offset + HEADER + length > size) {
      reason = `torn or damaged record at byte ${offset} (claims ${length} bytes, ${size - offset - HEADER} remain)`;
      break;
    }
    const payload = new Uint8Array(length);
    readSync(fd, payload, 0, length, offset + HEADER);
    if (crc32c(payload) !== crc) {
      reason = `damaged record at byte ${offset} (checksum mismatch)`;
      break;
    }
    records.push({ offset, length: HEADER + length });
    offset += HEADER + length;
  }
  return { records, truncatedBytes: size - offset, reason };
}
