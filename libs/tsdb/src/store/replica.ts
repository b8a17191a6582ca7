// A read-only replica of the store's in-memory state, on its own SQLite connection (a
// query worker's): the series index and the unsealed samples (heads, late-sample buffers)
// rebuilt from the file the way `loadStore` rebuilds them at open, then kept up with the
// writer before each read, inside the read's own transaction, so that what it reads
// (chunks, rollups, write-ahead rows, watermarks) is one consistent cut of the store.
//
// What changes between two reads, and how the replica follows:
//   new series           `series` rows with a higher id
//   new appends          `wal` rows with a higher seq, replayed as replay does (in-order
//                        samples to the head, late ones to the late-sample buffer)
//   seals                a series' watermarks (sealed_max_t, ooo_sealed_seq) move: read per
//                        series when a read first touches it after a change (prepareRead),
//                        dropping what the watermarks say is sealed
//   journal truncation   the oldest `wal` seq moves: every series' watermarks are read once,
//                        so that samples no read asks for do not pile up here
//   retention            meta `series_removed` moves: the index is rebuilt (ids can be reused)
//   metadata, archive    family types and `archived_through` re-read
// Nothing changed (SQLite's data_version): nothing is read at all.

import type { Labels } from '@metrics-hub/wire';
import { StoreError } from '../errors.ts';
import { SeriesIndex } from '../series-index.ts';
import { SeriesState } from '../series-state.ts';
import { decodeWalRecord } from '../wal-record.ts';
import type { StoreState } from './state.ts';

/** Late samples of one write-ahead row for one series: kept until the series' ooo watermark passes the row. */
interface LateRow {
  seq: number;
  timestamps: Float64Array;
  values: Float64Array;
}

interface SeriesFollow {
  /** The catch-up generation this series' watermarks were last read in. */
  generation: number;
  late: LateRow[] | undefined;
}

type Marks = [sealedMaxT: number, oooSealedSeq: number];

export class ReplicaFollower {
  private dataVersion = -1;
  private generation = 0;
  private lastSeriesId = 0;
  private lastWalSeq = 0;
  private firstWalSeq = 0;
  private seriesRemoved: string | undefined;
  private archivedThrough: string | undefined;
  private readonly follow = new Map<number, SeriesFollow>();
  private readonly stmt;

  constructor(private readonly st: StoreState) {
    const db = st.db;
    this.stmt = {
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      meta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      newSeries: db.prepare('SELECT id, labels, sealed_max_t, ooo_sealed_seq FROM series WHERE id > ? ORDER BY id'),
      marks: db.prepare('SELECT sealed_max_t, ooo_sealed_seq FROM series WHERE id = ?').raw(),
      allMarks: db.prepare('SELECT id, sealed_max_t, ooo_sealed_seq FROM series').raw(),
      firstWal: db.prepare('SELECT min(seq) FROM wal').pluck(),
      newWal: db.prepare('SELECT seq, data FROM wal WHERE seq > ? ORDER BY seq'),
      familyTypes: db.prepare('SELECT metric, type FROM metadata'),
    };
    st.prepareRead = (state) => this.prepare(state);
  }

  /**
   * Brings the replica up to the snapshot of the read transaction the caller has begun
   * (this read is its first, so it fixes the snapshot).
   */
  catchUp(): void {
    const st = this.st;
    const removed = this.stmt.meta.get('series_removed') as string | undefined;
    const version = this.stmt.dataVersion.get() as number;
    if (version === this.dataVersion) return;
    // Set only once caught up: a catch-up that failed is tried again by the next read.
    this.dataVersion = -1;
    this.generation++;
    if (removed !== this.seriesRemoved) {
      this.seriesRemoved = removed;
      this.reset();
    }
    this.loadNewSeries();
    this.loadFamilyTypes();
    const first = (this.stmt.firstWal.get() as number | null) ?? this.lastWalSeq + 1;
    this.replayNewRows();
    if (first > this.firstWalSeq) {
      // Rows before `first` were deleted: everything from them is sealed by now.
      this.firstWalSeq = first;
      this.refreshAll();
    }
    st.chunks.reload();
    st.rollups.reload();
    const through = this.stmt.meta.get('archived_through') as string | undefined;
    if (st.archive && through !== this.archivedThrough) {
      this.archivedThrough = through;
      st.archivedThrough = through === undefined ? -Infinity : Number(through);
      st.archive.rescan();
    }
    this.dataVersion = version;
  }

  /** Forgets everything: the next catch-up loads the store as `loadStore` does. */
  private reset(): void {
    const st = this.st;
    st.states.clear();
    st.index = new SeriesIndex();
    st.newestT = -Infinity;
    this.follow.clear();
    this.lastSeriesId = 0;
    this.lastWalSeq = 0;
    this.firstWalSeq = 0;
  }

  private loadNewSeries(): void {
    const st = this.st;
    for (const r of this.stmt.newSeries.iterate(this.lastSeriesId) as Iterable<{
      id: number;
      labels: string;
      sealed_max_t: number;
      ooo_sealed_seq: number;
    }>) {
      let labels: Labels;
      try {
        labels = JSON.parse(r.labels) as Labels;
      } catch {
        throw new StoreError('store_corrupt', `series ${r.id} has unreadable labels: restore from a snapshot`, st.options.path);
      }
      st.states.set(r.id, new SeriesState(r.id, labels, r.sealed_max_t, r.ooo_sealed_seq));
      st.index.add(r.id, labels);
      this.follow.set(r.id, { generation: this.generation, late: undefined });
      if (r.sealed_max_t > st.newestT) st.newestT = r.sealed_max_t;
      this.lastSeriesId = r.id;
    }
  }

  private loadFamilyTypes(): void {
    const st = this.st;
    const rows = this.stmt.familyTypes.all() as { metric: string; type: string }[];
    let changed = rows.length !== st.familyTypes.size;
    for (const m of rows) if (st.familyTypes.get(m.metric) !== m.type) changed = true;
    if (!changed) return;
    st.familyTypes.clear();
    for (const m of rows) st.familyTypes.set(m.metric, m.type);
    for (const state of st.states.values()) state.kind = undefined;
  }

  /** The write-ahead rows appended since the last catch-up, replayed as `loadStore` replays. */
  private replayNewRows(): void {
    const st = this.st;
    for (const row of this.stmt.newWal.iterate(this.lastWalSeq) as Iterable<{ seq: number; data: Uint8Array }>) {
      const seq = row.seq;
      const rec = decodeWalRecord(row.data, seq);
      let k = 0;
      for (let e = 0; e < rec.seriesIds.length; e++) {
        const id = rec.seriesIds[e];
        const state = st.states.get(id);
        const n = rec.counts[e];
        // An entry without samples (rows of older versions) may name a series retention forgot.
        if (!state && n === 0) continue;
        if (!state)
          throw new StoreError(
            'store_corrupt',
            `write-ahead row ${seq} names series ${id}, which does not exist: restore from a snapshot`,
            st.options.path,
          );
        let late: LateRow | undefined;
        let lateCount = 0;
        for (let i = 0; i < n; i++, k++) {
          const t = rec.timestamps[k];
          const v = rec.values[k];
          if (t > st.newestT) st.newestT = t;
          if (rec.outOfOrder[k]) {
            if (seq <= state.oooSealedSeq) continue;
            late ??= { seq, timestamps: new Float64Array(n), values: new Float64Array(n) };
            late.timestamps[lateCount] = t;
            late.values[lateCount++] = v;
            state.ooo.insertSorted(t, v);
          } else if (t > state.maxT) {
            state.head.push(t, v);
          }
        }
        if (late)
          this.lateRows(id).push({
            seq,
            timestamps: late.timestamps.slice(0, lateCount),
            values: late.values.slice(0, lateCount),
          });
      }
      this.lastWalSeq = seq;
    }
  }

  private lateRows(id: number): LateRow[] {
    const f = this.followOf(id);
    f.late ??= [];
    return f.late;
  }

  private followOf(id: number): SeriesFollow {
    let f = this.follow.get(id);
    if (!f) this.follow.set(id, (f = { generation: 0, late: undefined }));
    return f;
  }

  /** Before a read looks at a series: its watermarks as of this snapshot applied. */
  private prepare(state: SeriesState): void {
    const f = this.followOf(state.id);
    if (f.generation === this.generation) return;
    f.generation = this.generation;
    // Nothing unsealed known: whatever the series has is in chunks.
    if (state.head.length === 0 && !f.late) return;
    const marks = this.stmt.marks.get(state.id) as Marks | undefined;
    if (marks) this.apply(state, f, marks);
  }

  /** Every series' watermarks applied (after the journal was truncated). */
  private refreshAll(): void {
    for (const [id, sealedMaxT, oooSealedSeq] of this.stmt.allMarks.iterate() as Iterable<[number, number, number]>) {
      const state = this.st.states.get(id);
      if (!state) continue;
      const f = this.followOf(id);
      f.generation = this.generation;
      this.apply(state, f, [sealedMaxT, oooSealedSeq]);
    }
  }

  private apply(state: SeriesState, f: SeriesFollow, [sealedMaxT, oooSealedSeq]: Marks): void {
    if (sealedMaxT > state.sealedMaxT) {
      state.sealedMaxT = sealedMaxT;
      const head = state.head;
      let sealed = 0;
      while (sealed < head.length && head.timestamps[sealed] <= sealedMaxT) sealed++;
      if (sealed === head.length) head.clear();
      else if (sealed) head.shift(sealed);
    }
    if (oooSealedSeq > state.oooSealedSeq) {
      state.oooSealedSeq = oooSealedSeq;
      const kept = f.late?.filter((r) => r.seq > oooSealedSeq) ?? [];
      f.late = kept.length ? kept : undefined;
      state.ooo.clear();
      for (const r of kept) for (let i = 0; i < r.timestamps.length; i++) state.ooo.insertSorted(r.timestamps[i], r.values[i]);
    }
  }
}
