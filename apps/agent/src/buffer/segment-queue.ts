// The agent's durable outbox: batches (ready-to-publish payloads) in segment files
// `<first id>.seg`, acknowledged by id in any order. The first unacknowledged id is kept
// in `cursor`; fully acknowledged segments are deleted. Bounded by size and age: the
// oldest segments go first, and what is dropped is counted.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FramedFile, type FramedRecord } from './framed-file.ts';

export interface QueueOptions {
  segmentBytes: number;
  maxBytes: number;
  maxAgeMs: number;
  sync: boolean;
  now: () => number;
}

export interface QueueStats {
  records: number;
  bytes: number;
  oldestAppendedMs: number | undefined;
  segments: number;
  dropped: { records: number; bytes: number };
  recovered: { truncatedBytes: number; notes: string[] };
}

interface Segment {
  firstId: number;
  file: FramedFile;
  records: FramedRecord[];
  /** Append time of each record (ms): age bounds drop by it. */
  appendedMs: number[];
}

export class SegmentQueue {
  private readonly segments: Segment[] = [];
  /** First id not yet acknowledged; everything before it is delivered or dropped. */
  private cursor = 0;
  private readonly acked = new Set<number>();
  private nextId = 0;
  private readonly dropped = { records: 0, bytes: 0 };
  private readonly recovered = { truncatedBytes: 0, notes: [] as string[] };

  private constructor(
    readonly dir: string,
    private readonly options: QueueOptions,
  ) {}

  static open(dir: string, options: Partial<QueueOptions> = {}): SegmentQueue {
    const q = new SegmentQueue(dir, {
      segmentBytes: options.segmentBytes ?? 1024 * 1024,
      maxBytes: options.maxBytes ?? 256 * 1024 * 1024,
      maxAgeMs: options.maxAgeMs ?? 7 * 86_400_000,
      sync: options.sync ?? true,
      now: options.now ?? Date.now,
    });
    mkdirSync(dir, { recursive: true });
    q.load();
    return q;
  }

  private load(): void {
    const cursorFile = join(this.dir, 'cursor');
    if (existsSync(cursorFile)) this.cursor = Number(JSON.parse(readFileSync(cursorFile, 'utf8')).next) || 0;
    const names = readdirSync(this.dir)
      .filter((n) => /^\d{16}\.seg$/.test(n))
      .sort();
    for (const name of names) {
      const firstId = Number(name.slice(0, 16));
      const { file, recovery } = FramedFile.open(join(this.dir, name), { sync: this.options.sync });
      if (recovery.truncatedBytes) {
        this.recovered.truncatedBytes += recovery.truncatedBytes;
        this.recovered.notes.push(`${name}: ${recovery.reason}; ${recovery.truncatedBytes} bytes cut off`);
      }
      // The append time is not stored: on restart a segment's records count as appended now,
      // so age bounds only ever drop later, never earlier, than they would have.
      const seg: Segment = { firstId, file, records: recovery.records, appendedMs: recovery.records.map(() => this.options.now()) };
      if (firstId + seg.records.length <= this.cursor) {
        file.close();
        rmSync(file.path, { force: true });
        continue;
      }
      this.segments.push(seg);
    }
    const last = this.segments[this.segments.length - 1];
    this.nextId = last ? last.firstId + last.records.length : this.cursor;
    if (this.cursor < (this.segments[0]?.firstId ?? this.nextId)) this.cursor = this.segments[0]?.firstId ?? this.nextId;
  }

  /**
   * Appends a payload; it survives a crash of the process once this returns, a power cut
   * once it is flushed (at once with `sync`). Returns its id. When the disk
   * is full, the oldest segments are dropped (counted) to make room, as for the size bound.
   */
  append(payload: Uint8Array): number {
    for (;;) {
      try {
        return this.tryAppend(payload);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const full = code === 'ENOSPC' || code === 'EDQUOT';
        // Drop old data only when that can make room for this payload.
        if (!full || !this.couldFit(payload.length) || !this.dropOldestSegment()) {
          throw new Error(
            `cannot write to the outbox in ${this.dir} (${code ?? (e as Error).message}): free disk space or lower buffer.max_bytes`,
            { cause: e },
          );
        }
      }
    }
  }

  private tryAppend(payload: Uint8Array): number {
    let seg = this.segments[this.segments.length - 1];
    const now = this.options.now();
    // Old data goes in a closed segment of its own, so the age bound can drop it.
    const stale = seg && seg.appendedMs.length > 0 && seg.appendedMs[seg.appendedMs.length - 1] < now - this.options.maxAgeMs;
    if (!seg || seg.file.size >= this.options.segmentBytes || stale) {
      const name = `${String(this.nextId).padStart(16, '0')}.seg`;
      seg = {
        firstId: this.nextId,
        file: FramedFile.open(join(this.dir, name), { sync: this.options.sync }).file,
        records: [],
        appendedMs: [],
      };
      this.segments.push(seg);
    }
    seg.records.push(seg.file.append(payload));
    seg.appendedMs.push(now);
    const id = this.nextId++;
    this.enforceBounds();
    return id;
  }

  /** Ids not yet acknowledged, oldest first. */
  pendingIds(): number[] {
    const out: number[] = [];
    for (const seg of this.segments) {
      for (let i = 0; i < seg.records.length; i++) {
        const id = seg.firstId + i;
        if (id >= this.cursor && !this.acked.has(id)) out.push(id);
      }
    }
    return out;
  }

  read(id: number): Uint8Array | undefined {
    const seg = this.segmentOf(id);
    return seg?.file.read(seg.records[id - seg.firstId]);
  }

  appendedAt(id: number): number | undefined {
    const seg = this.segmentOf(id);
    return seg?.appendedMs[id - seg.firstId];
  }

  /** Marks a record delivered. The cursor moves over every contiguous delivered record. */
  ack(id: number): void {
    if (id < this.cursor) return;
    this.acked.add(id);
    const before = this.cursor;
    while (this.acked.has(this.cursor)) this.acked.delete(this.cursor++);
    if (this.cursor !== before) this.persistCursor();
    this.deleteDelivered();
  }

  stats(): QueueStats {
    const pending = this.pendingIds();
    let bytes = 0;
    for (const seg of this.segments) bytes += seg.file.size;
    return {
      records: pending.length,
      bytes,
      oldestAppendedMs: pending.length ? this.appendedAt(pending[0]) : undefined,
      segments: this.segments.length,
      dropped: { ...this.dropped },
      recovered: { truncatedBytes: this.recovered.truncatedBytes, notes: [...this.recovered.notes] },
    };
  }

  /** Makes every append so far durable (with `sync: false`, appends wait for this). */
  flush(): void {
    for (const seg of this.segments) seg.file.flush();
  }

  close(): void {
    this.flush();
    for (const seg of this.segments) seg.file.close();
  }

  private segmentOf(id: number): Segment | undefined {
    for (const seg of this.segments) if (id >= seg.firstId && id < seg.firstId + seg.records.length) return seg;
    return undefined;
  }

  private persistCursor(): void {
    const tmp = join(this.dir, 'cursor.tmp');
    writeFileSync(tmp, JSON.stringify({ next: this.cursor }));
    renameSync(tmp, join(this.dir, 'cursor'));
  }

  /** Removes delivered segments, except the one being written. */
  private deleteDelivered(): void {
    while (this.segments.length > 1 && this.segments[0].firstId + this.segments[0].records.length <= this.cursor) this.removeSegment();
  }

  private removeSegment(): Segment {
    const seg = this.segments.shift()!;
    seg.file.close();
    rmSync(seg.file.path, { force: true });
    return seg;
  }

  private couldFit(bytes: number): boolean {
    const fs = statfsSync(this.dir);
    let reclaimable = 0;
    for (const seg of this.segments.slice(0, -1)) reclaimable += seg.file.size;
    return fs.bavail * fs.bsize + reclaimable >= bytes + 64 * 1024;
  }

  /** Drops the oldest segment (not the one being written), counting what was undelivered. */
  private dropOldestSegment(): boolean {
    if (this.segments.length < 2) return false;
    const oldest = this.segments[0];
    for (let i = 0; i < oldest.records.length; i++) {
      const id = oldest.firstId + i;
      if (id >= this.cursor && !this.acked.has(id)) {
        this.dropped.records++;
        this.dropped.bytes += oldest.records[i].length;
      }
      this.acked.delete(id);
    }
    this.removeSegment();
    if (this.cursor < this.segments[0].firstId) {
      this.cursor = this.segments[0].firstId;
      this.persistCursor();
    }
    return true;
  }

  /** Drops the oldest whole segments while over the size or age bound (never the one being written). */
  private enforceBounds(): void {
    const now = this.options.now();
    let total = 0;
    for (const seg of this.segments) total += seg.file.size;
    while (this.segments.length > 1) {
      const oldest = this.segments[0];
      const tooBig = total > this.options.maxBytes;
      const tooOld = oldest.appendedMs[oldest.appendedMs.length - 1] < now - this.options.maxAgeMs;
      if (!tooBig && !tooOld) break;
      total -= oldest.file.size;
      this.dropOldestSegment();
    }
  }
}
