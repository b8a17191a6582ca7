// Samples collected but not yet made into a batch. Every interval's samples go to a small
// write-ahead file before they count as collected, so a crash loses nothing; when a batch
// is taken (one interval when the hub is reachable, up to an hour during an outage, where
// one labels table and long chunks make ~1.5 bytes per sample), the file starts over.
//
// Write-ahead records (framed-file.ts frames them):
//   1 | u32 index | labels as JSON              a series seen for the first time in this file
//   2 | f64 seq | u32 n | n x (u32 index, f64 timestamp ms, f64 value)
//   3 | f64 seq | f64 timestamp ms | u32 n | n x (u32 index, f64 value)   samples sharing a time

import { renameSync, rmSync } from 'node:fs';
import { labelsKey, type Batch, type BatchSeries, type Labels } from '@metrics-hub/wire';
import { FramedFile } from './framed-file.ts';

export interface CollectedSample {
  labels: Labels;
  timestampMs: number;
  value: number;
}

interface SeriesBuffer {
  labels: Labels;
  ts: number[];
  /** Typed, not a JS array: V8 quiets the staleness NaN in plain arrays. */
  vs: Float64Array;
  n: number;
  /** Whether the current write-ahead file defines this series already. */
  written: boolean;
}

export class SampleAccumulator {
  private wal: FramedFile;
  private readonly series = new Map<string, SeriesBuffer>();
  /** Index of each series in the current write-ahead file's dictionary. */
  private readonly indexOf = new Map<SeriesBuffer, number>();
  private nextIndex = 0;
  private firstSeq = Infinity;
  private lastSeq = -Infinity;
  private samples = 0;
  private firstSampleMs = Infinity;
  readonly recoveryNote: string | undefined;

  private constructor(
    private readonly path: string,
    private readonly sync: boolean,
  ) {
    const { file, recovery } = FramedFile.open(path, { sync });
    this.wal = file;
    this.recoveryNote = recovery.reason && `${path}: ${recovery.reason}; ${recovery.truncatedBytes} bytes cut off`;
    this.replay(recovery.records.map((r) => file.read(r)));
  }

  static open(path: string, options: { sync?: boolean } = {}): SampleAccumulator {
    return new SampleAccumulator(path, options.sync ?? true);
  }

  get sampleCount(): number {
    return this.samples;
  }

  get seriesCount(): number {
    let n = 0;
    for (const s of this.series.values()) if (s.n) n++;
    return n;
  }

  /** Time of the oldest sample held (ms), or Infinity. */
  get oldestSampleMs(): number {
    return this.firstSampleMs;
  }

  /** Whether the held samples are in the write-ahead file (false for samples added without). */
  get writtenAhead(): boolean {
    return this.wal.size > 0;
  }

  get seqRange(): [number, number] | undefined {
    return this.samples ? [this.firstSeq, this.lastSeq] : undefined;
  }

  /**
   * Adds one interval's samples under sequence number `seq`; in the write-ahead file when
   * this returns, unless `writeAhead` is false: for samples about to be batched and stored
   * in the outbox at once, where writing them twice would only cost time.
   */
  add(seq: number, samples: readonly CollectedSample[], options: { writeAhead?: boolean } = {}): void {
    if (samples.length === 0) return;
    if (options.writeAhead === false) {
      const refs = samples.map((s) => this.bufferFor(s.labels));
      this.apply(
        seq,
        refs,
        samples.map((s) => s.timestampMs),
        Float64Array.from(samples, (s) => s.value),
      );
      return;
    }
    const records: Uint8Array[] = [];
    const refs: SeriesBuffer[] = [];
    const defined: SeriesBuffer[] = [];
    for (const s of samples) {
      const buf = this.bufferFor(s.labels);
      if (!buf.written) {
        records.push(dictRecord(this.indexOf.get(buf)!, buf.labels));
        buf.written = true;
        defined.push(buf);
      }
      refs.push(buf);
    }
    // Most samples of an interval share its collection time: write that once.
    const shared = samples[0].timestampMs;
    const same: number[] = [];
    const other: number[] = [];
    samples.forEach((s, i) => (s.timestampMs === shared ? same : other).push(i));
    if (same.length) {
      const body = new Uint8Array(1 + 8 + 8 + 4 + same.length * 12);
      const view = new DataView(body.buffer);
      body[0] = 3;
      view.setFloat64(1, seq, true);
      view.setFloat64(9, shared, true);
      view.setUint32(17, same.length, true);
      same.forEach((i, k) => {
        view.setUint32(21 + k * 12, this.indexOf.get(refs[i])!, true);
        view.setFloat64(25 + k * 12, samples[i].value, true);
      });
      records.push(body);
    }
    if (other.length) {
      const body = new Uint8Array(1 + 8 + 4 + other.length * 20);
      const view = new DataView(body.buffer);
      body[0] = 2;
      view.setFloat64(1, seq, true);
      view.setUint32(9, other.length, true);
      other.forEach((i, k) => {
        const at = 13 + k * 20;
        view.setUint32(at, this.indexOf.get(refs[i])!, true);
        view.setFloat64(at + 4, samples[i].timestampMs, true);
        view.setFloat64(at + 12, samples[i].value, true);
      });
      records.push(body);
    }
    try {
      for (const r of records) this.wal.append(r);
    } catch (e) {
      // Define these series again next time: writing a definition twice is harmless.
      for (const buf of defined) buf.written = false;
      throw new Error(
        `cannot write collected samples to ${this.path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): free disk space`,
        { cause: e },
      );
    }
    this.apply(
      seq,
      refs,
      samples.map((s) => s.timestampMs),
      Float64Array.from(samples, (s) => s.value),
    );
  }

  /**
   * The held samples as one batch. Call `clear()` once the batch is safely stored elsewhere
   * (the outbox): until then a crash replays them again.
   */
  toBatch(agentId: string, createdMs: number): Batch | undefined {
    if (!this.samples) return undefined;
    const series: BatchSeries[] = [];
    for (const s of this.series.values()) {
      if (!s.n) continue;
      series.push({ labels: s.labels, timestamps: Float64Array.from(s.ts), values: s.vs.slice(0, s.n) });
    }
    return { agentId, firstSeq: this.firstSeq, lastSeq: this.lastSeq, createdMs, series };
  }

  /** Forgets the held samples and starts a fresh write-ahead file. */
  clear(): void {
    if (this.wal.size > 0) {
      const fresh = `${this.path}.new`;
      rmSync(fresh, { force: true });
      const next = FramedFile.open(fresh, { sync: this.sync }).file;
      renameSync(fresh, this.path);
      this.wal.close();
      this.wal = next;
    }
    for (const s of this.series.values()) {
      s.ts.length = 0;
      s.n = 0;
      s.written = false;
    }
    this.samples = 0;
    this.firstSeq = Infinity;
    this.lastSeq = -Infinity;
    this.firstSampleMs = Infinity;
  }

  /** Makes every add so far durable (with `sync: false`, adds wait for this). */
  flush(): void {
    this.wal.flush();
  }

  close(): void {
    this.wal.flush();
    this.wal.close();
  }

  private bufferFor(labels: Labels): SeriesBuffer {
    const key = labelsKey(labels);
    let buf = this.series.get(key);
    if (!buf) {
      buf = { labels, ts: [], vs: new Float64Array(16), n: 0, written: false };
      this.series.set(key, buf);
      this.indexOf.set(buf, this.nextIndex++);
    }
    return buf;
  }

  private apply(seq: number, refs: SeriesBuffer[], ts: number[], vs: Float64Array): void {
    for (let i = 0; i < refs.length; i++) {
      const b = refs[i];
      if (b.n === b.vs.length) {
        const grown = new Float64Array(b.vs.length * 2);
        grown.set(b.vs);
        b.vs = grown;
      }
      b.ts.push(ts[i]);
      b.vs[b.n++] = vs[i];
      if (ts[i] < this.firstSampleMs) this.firstSampleMs = ts[i];
    }
    this.samples += refs.length;
    if (seq < this.firstSeq) this.firstSeq = seq;
    if (seq > this.lastSeq) this.lastSeq = seq;
  }

  private replay(records: Uint8Array[]): void {
    const fileIndex = new Map<number, SeriesBuffer>();
    for (const r of records) {
      const view = new DataView(r.buffer, r.byteOffset, r.byteLength);
      if (r[0] === 1) {
        const labels = JSON.parse(new TextDecoder().decode(r.subarray(5))) as Labels;
        const buf = this.bufferFor(labels);
        const index = view.getUint32(1, true);
        buf.written = true;
        fileIndex.set(index, buf);
        this.indexOf.set(buf, index);
        this.nextIndex = Math.max(this.nextIndex, index + 1);
      } else if (r[0] === 2 || r[0] === 3) {
        const shared = r[0] === 3;
        const seq = view.getFloat64(1, true);
        const time = shared ? view.getFloat64(9, true) : 0;
        const n = view.getUint32(shared ? 17 : 9, true);
        const first = shared ? 21 : 13;
        const stride = shared ? 12 : 20;
        const refs: SeriesBuffer[] = [];
        const ts: number[] = [];
        const vs = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const at = first + i * stride;
          const buf = fileIndex.get(view.getUint32(at, true));
          if (!buf) continue;
          refs.push(buf);
          ts.push(shared ? time : view.getFloat64(at + 4, true));
          vs[refs.length - 1] = view.getFloat64(shared ? at + 4 : at + 12, true);
        }
        this.apply(seq, refs, ts, vs.subarray(0, refs.length));
      }
    }
  }
}

function dictRecord(index: number, labels: Labels): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(labels));
  const out = new Uint8Array(5 + json.length);
  out[0] = 1;
  new DataView(out.buffer).setUint32(1, index, true);
  out.set(json, 5);
  return out;
}
