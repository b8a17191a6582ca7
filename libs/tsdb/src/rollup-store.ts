// Keeps the `rollups` table in step with the raw chunks. A 1 m row per chunk window is
// rebuilt from all sealed samples of the window whenever a chunk lands in it (so partial
// seals and late samples cannot leave a rollup that disagrees with raw data); a 1 h row
// per UTC day is written once the day's last window is sealed (and again if late samples
// reach the day). Until then, and for any day without its row, 1 h buckets are coarsened
// from the 1 m rows on read.

import type Database from 'better-sqlite3';
import { formatLabels, isStaleNaN, type TimelineLookup, type TimelineRef } from '@metrics-hub/wire';
import { StoreError } from './errors.ts';
import {
  clipBuckets,
  coarsen,
  concatBuckets,
  copyBuckets,
  emptyBuckets,
  HOUR_MS,
  joinBuckets,
  joinInPlace,
  MINUTE_MS,
  replaceBuckets,
  rollupSamples,
  type RollupBuckets,
} from './rollup.ts';
import {
  bucketsFor,
  decimalScale,
  decodeRollupRow,
  decodeRollupRowInto,
  encodeFloatRollupRow,
  encodeRollupRow,
  maskToKind,
  RollupFormatError,
  rollupRowLength,
  scaleValues,
  type SeriesKind,
  type TimelineMinutes,
} from './rollup-codec.ts';
import { prepareRangeScan, scanRanges } from './key-ranges.ts';
import { idRuns, rollupKey, rollupKeyParts } from './row-keys.ts';
import type { SampleBlock } from './sample-merge.ts';
import type { SeriesState } from './series-state.ts';

export const DAY_MS = 24 * HOUR_MS;
const EMPTY = new Uint8Array(0);
const MIN_WINDOW_INDEX = -(2 ** 25);
const MAX_WINDOW_INDEX = 2 ** 25 - 1;
/** Timelines' 1 m buckets a reader keeps: a host's series, read one after another, share them. */
const TIMELINE_MINUTES_CACHED = 512;

/** Sealed raw samples of each series in (fromExclusive, to], merged (one read for them all). */
export type RawReader = (states: readonly SeriesState[], fromExclusive: number, to: number) => SampleBlock[];

export class RollupStore {
  private readonly stmt;

  /** Per resolution, the first and last window_start present: reads never seek outside. */
  private readonly bounds = new Map<number, { first: number; last: number }>();
  /** 1 m buckets of timelines, by window start and reference; checked against the checksum on use. */
  private readonly timelineMinutes = new Map<string, { checksum: number; buckets: RollupBuckets }>();

  /** `timelines` finds the timelines of a chunk window (by its index), as the chunks do. */
  constructor(
    db: Database.Database,
    private readonly windowMs: number,
    private readonly readRaw: RawReader,
    private readonly timelines: (window: number) => TimelineLookup,
  ) {
    this.stmt = {
      put: db.prepare('INSERT OR REPLACE INTO rollups (key, data) VALUES (?, ?)'),
      get: db.prepare('SELECT data FROM rollups WHERE key = ?').pluck(),
      inKeyRanges: prepareRangeScan(db, 'rollups', ['key', 'data']),
      first: db.prepare('SELECT min(key) FROM rollups WHERE key >= ? AND key < ?').pluck(),
      last: db.prepare('SELECT max(key) FROM rollups WHERE key >= ? AND key < ?').pluck(),
      keysIn: db.prepare('SELECT key FROM rollups WHERE key >= ? AND key < ?').pluck(),
      dropIn: db.prepare('DELETE FROM rollups WHERE key >= ? AND key < ?'),
    };
    this.reload();
  }

  /** Rows of a resolution are windows of this length (1 m: chunk windows; 1 h: days). */
  private span(resolution: number): number {
    return resolution === MINUTE_MS ? this.windowMs : DAY_MS;
  }

  private key(resolution: number, windowStart: number, seriesId: number): number {
    return rollupKey(resolution === MINUTE_MS ? 0 : 1, windowStart / this.span(resolution), seriesId);
  }

  /** Keys of a resolution with window_start before `before` (all of them without it). */
  private keyRange(resolution: number, before = Infinity): [number, number] {
    const bit = resolution === MINUTE_MS ? 0 : 1;
    const lo = rollupKey(bit, MIN_WINDOW_INDEX, 0);
    const hi = before === Infinity ? rollupKey(bit, MAX_WINDOW_INDEX, 0) : rollupKey(bit, Math.ceil(before / this.span(resolution)), 0);
    return [lo, hi];
  }

  /** Re-reads the bounds (after a rolled-back transaction or a deletion). */
  reload(): void {
    for (const res of [MINUTE_MS, HOUR_MS]) {
      const [lo, hi] = this.keyRange(res);
      const first = this.stmt.first.get(lo, hi) as number | null;
      const last = this.stmt.last.get(lo, hi) as number | null;
      const startOf = (key: number) => rollupKeyParts(key).windowIndex * this.span(res);
      this.bounds.set(res, { first: first === null ? Infinity : startOf(first), last: last === null ? -Infinity : startOf(last) });
    }
  }

  private put(resolution: number, windowStart: number, seriesId: number, data: Uint8Array): void {
    this.stmt.put.run(this.key(resolution, windowStart, seriesId), data);
    const b = this.bounds.get(resolution)!;
    if (windowStart < b.first) b.first = windowStart;
    if (windowStart > b.last) b.last = windowStart;
  }

  private get(resolution: number, windowStart: number, seriesId: number): Uint8Array | undefined {
    return this.stmt.get.get(this.key(resolution, windowStart, seriesId)) as Uint8Array | undefined;
  }

  /** Stored rows of one series with window_start in [from, to) stepping by `step`, one seek each. */
  private rows(resolution: number, seriesId: number, from: number, to: number, step: number): Row[] {
    const b = this.bounds.get(resolution)!;
    const out: Row[] = [];
    for (let w = Math.max(from, b.first); w < to && w <= b.last; w += step) {
      const data = this.get(resolution, w, seriesId);
      if (data !== undefined) out.push({ window_start: w, data });
    }
    return out;
  }

  /**
   * Rewrites the rollups of the window ending at `windowEnd` from its sealed `samples`;
   * `timeline` when their times are exactly that timeline's (the window's one chunk is on it).
   */
  windowSealed(state: SeriesState, kind: SeriesKind, windowEnd: number, samples: SampleBlock, timeline?: TimelineRef): void {
    const windowStart = windowEnd - this.windowMs;
    if (samples.length === 0) return;
    // Staleness markers are left out of buckets: then the timeline's times are not theirs.
    const onTimeline = timeline !== undefined && !hasStaleMarker(samples) ? timeline : undefined;
    // Sums and differences of short decimals are exact on scaled integers, and pack small.
    const scale = decimalScale(samples.values, samples.length);
    const values = scale >= 0 ? scaleValues(samples.values, samples.length, scale) : samples.values;
    const minutes = rollupSamples(samples.timestamps, values, samples.length, MINUTE_MS);
    // Data as sparse as the rollup would only be repeated by it: an empty row sends readers
    // to the raw chunks of this window instead.
    const dense = samples.length >= 2 * minutes.length;
    this.put(MINUTE_MS, windowStart, state.id, dense ? encodeRollupRow(minutes, kind, scale, onTimeline) : EMPTY);
    const dayStart = Math.floor(windowStart / DAY_MS) * DAY_MS;
    if (windowEnd === dayStart + DAY_MS || this.get(HOUR_MS, dayStart, state.id) !== undefined) {
      this.writeDay(state, kind, dayStart);
    }
  }

  /** Buckets of resolution `resolution` with ends in (mint, maxt], the open head included. */
  read(state: SeriesState, kind: SeriesKind, mint: number, maxt: number, resolution: number, head: SampleBlock | undefined): RollupBuckets {
    const parts: RollupBuckets[] = [];
    if (resolution === MINUTE_MS) {
      parts.push(this.minutes(state, kind, Math.floor(mint / this.windowMs) * this.windowMs, maxt + 1).buckets);
    } else {
      // A day without its 1 h row yet (today, or a day cut short) is coarsened from 1 m rows.
      const minutes = this.bounds.get(MINUTE_MS)!;
      const hours = this.bounds.get(HOUR_MS)!;
      const from = Math.max(Math.floor(mint / DAY_MS) * DAY_MS, Math.floor(Math.min(minutes.first, hours.first) / DAY_MS) * DAY_MS);
      const to = Math.min(maxt + 1, Math.max(minutes.last, hours.last) + 1);
      for (let day = from; day < to; day += DAY_MS) {
        const row = this.get(HOUR_MS, day, state.id);
        parts.push(row ? this.decode(row, state) : coarsen(this.minutes(state, kind, day, day + DAY_MS).buckets, HOUR_MS));
      }
    }
    if (head?.length) parts.push(maskToKind(bucketsOfRaw(head, resolution), kind));
    return clipBuckets(joinBuckets(parts), mint, maxt);
  }

  /**
   * `read` for many series at once (ids ascending). At 1 m, rows are fetched a window at
   * a time, one scan per run of nearby ids, and each series' rows are decoded straight
   * into one buffer; the same buckets as `read` series by series. Everything is read from
   * the database at once; the rows are decoded as the result is iterated, in series order,
   * and with `reuse` into one buffer per kind that the next series overwrites (a query
   * that is done with each series before the next: a few MB instead of ~140 MB for a
   * thousand series over a day).
   */
  readMany(
    series: readonly { state: SeriesState; kind: SeriesKind; head: SampleBlock | undefined }[],
    mint: number,
    maxt: number,
    resolution: number,
    reuse = false,
  ): Iterable<RollupBuckets> {
    if (resolution !== MINUTE_MS || series.length < 2) return series.map((s) => this.read(s.state, s.kind, mint, maxt, resolution, s.head));
    const from = Math.floor(mint / this.windowMs) * this.windowMs;
    const rows = this.rowsMany(
      series.map((s) => s.state.id),
      from,
      maxt + 1,
    );
    // A row holds the minutes of one chunk window at most.
    const perRow = Math.ceil(this.windowMs / MINUTE_MS) + 1;
    const raw = this.rawWindows(series, rows);
    const decodeInto = this.decodeInto.bind(this);
    const scratch: Partial<Record<SeriesKind, RollupBuckets>> = {};
    return (function* () {
      for (let s = 0; s < series.length; s++) {
        const { state, kind, head } = series[s];
        const mine = rows.get(state.id) ?? [];
        const fromHead = head?.length ? maskToKind(bucketsOfRaw(head, MINUTE_MS), kind) : undefined;
        let capacity = fromHead?.length ?? 0;
        for (let k = 0; k < mine.length; k++) capacity += raw[s]?.get(k)?.length ?? rollupRowLength(mine[k].data, perRow);
        let all = scratch[kind];
        if (!all || all.ends.length < capacity) {
          all = bucketsFor(kind, reuse ? Math.max(capacity, 2 * (all?.ends.length ?? 0)) : capacity);
          if (reuse) scratch[kind] = all;
        }
        all.length = 0;
        for (let k = 0; k < mine.length; k++) {
          const computed = raw[s]?.get(k);
          if (computed) copyBuckets(computed, all, all.length);
          else all.length += decodeInto(mine[k], state, all, all.length);
        }
        if (fromHead) copyBuckets(fromHead, all, all.length);
        yield clipBuckets(joinInPlace(all), mint, maxt);
      }
    })();
  }

  /**
   * 1 m buckets of the raw samples of the windows whose rows say to read those (empty rows:
   * sparse data), by series and row: one read per window for all the series it has them for.
   */
  private rawWindows(
    series: readonly { state: SeriesState; kind: SeriesKind }[],
    rows: Map<number, Row[]>,
  ): (Map<number, RollupBuckets> | undefined)[] {
    const wanted = new Map<number, { s: number; k: number }[]>();
    series.forEach(({ state }, s) => {
      rows.get(state.id)?.forEach((row, k) => {
        if (row.data.byteLength === 0) pushTo(wanted, row.window_start, { s, k });
      });
    });
    const out: (Map<number, RollupBuckets> | undefined)[] = [];
    for (const [windowStart, list] of wanted) {
      const blocks = this.readRaw(
        list.map(({ s }) => series[s].state),
        windowStart,
        windowStart + this.windowMs,
      );
      list.forEach(({ s, k }, j) => {
        const byRow = (out[s] ??= new Map());
        byRow.set(k, maskToKind(bucketsOfRaw(blocks[j], MINUTE_MS), series[s].kind));
      });
    }
    return out;
  }

  /**
   * Stored 1 m rows with window_start in [from, to) of each series in `ids` (ascending),
   * in window order: one statement over a key range per window and run of nearby ids.
   */
  private rowsMany(ids: readonly number[], from: number, to: number): Map<number, Row[]> {
    const out = new Map<number, Row[]>();
    for (const id of ids) out.set(id, []);
    const runs = idRuns(ids);
    const b = this.bounds.get(MINUTE_MS)!;
    const lo: number[] = [];
    const hi: number[] = [];
    const rows: number[] = [];
    for (let w = Math.max(from, b.first); w < to && w <= b.last; w += this.windowMs) {
      const base = this.key(MINUTE_MS, w, 0);
      for (const [first, last] of runs) {
        lo.push(base + first);
        hi.push(base + last + 1);
        rows.push(last - first + 1);
      }
    }
    let ordered = true;
    scanRanges<[number, Uint8Array]>(this.stmt.inKeyRanges, lo, hi, rows, (row) => {
      const { windowIndex, seriesId } = rollupKeyParts(row[0]);
      const list = out.get(seriesId);
      if (list === undefined) return;
      const windowStart = windowIndex * this.windowMs;
      if (list.length && list[list.length - 1].window_start >= windowStart) ordered = false;
      list.push({ window_start: windowStart, data: row[1] });
    });
    if (!ordered) for (const list of out.values()) list.sort((x, y) => x.window_start - y.window_start);
    return out;
  }

  private decodeInto(row: Row, state: SeriesState, out: RollupBuckets, at: number): number {
    try {
      return decodeRollupRowInto(row.data, out, at, this.minutesOf(row.window_start));
    } catch (e) {
      throw this.damaged(e, state);
    }
  }

  /** The 1 m buckets of the timelines of the chunk window starting at `windowStart`. */
  private minutesOf(windowStart: number): TimelineMinutes {
    return (ref) => {
      const key = `${windowStart}:${ref.ref}`;
      const cached = this.timelineMinutes.get(key);
      if (cached !== undefined && cached.checksum === ref.checksum) return cached;
      const timeline = this.timelines(windowStart / this.windowMs + 1)(ref);
      const n = timeline.count;
      const found = { checksum: timeline.checksum, buckets: rollupSamples(timeline.timestamps, new Float64Array(n), n, MINUTE_MS) };
      this.timelineMinutes.delete(key);
      this.timelineMinutes.set(key, found);
      if (this.timelineMinutes.size > TIMELINE_MINUTES_CACHED) this.timelineMinutes.delete(this.timelineMinutes.keys().next().value!);
      return found;
    };
  }

  /**
   * Drops rows past retention. Days about to lose their 1 m rows get their 1 h row first,
   * so that the coarser history never has holes.
   */
  dropBefore(
    minuteCutoff: number,
    hourCutoff: number,
    seriesOf: (id: number) => { state: SeriesState; kind: SeriesKind } | undefined,
  ): void {
    const done = new Set<string>();
    const minuteKeys = this.keyRange(MINUTE_MS, minuteCutoff);
    for (const key of this.stmt.keysIn.all(...minuteKeys) as number[]) {
      const { windowIndex, seriesId } = rollupKeyParts(key);
      const day = Math.floor((windowIndex * this.windowMs) / DAY_MS) * DAY_MS;
      const id = `${seriesId}:${day}`;
      if (day < hourCutoff || done.has(id)) continue;
      done.add(id);
      const series = seriesOf(seriesId);
      if (series && this.get(HOUR_MS, day, seriesId) === undefined) this.writeDay(series.state, series.kind, day);
    }
    const dropped = this.stmt.dropIn.run(...minuteKeys).changes + this.stmt.dropIn.run(...this.keyRange(HOUR_MS, hourCutoff)).changes;
    if (dropped) this.reload();
  }

  /**
   * (Re)writes a day's 1 h row from its 1 m rows. Hours whose 1 m rows are already gone
   * (retention reached the day before it ended) keep the buckets the row had.
   */
  private writeDay(state: SeriesState, kind: SeriesKind, dayStart: number): void {
    const minutes = this.minutes(state, kind, dayStart, dayStart + DAY_MS);
    let hours = maskToKind(coarsen(minutes.buckets, HOUR_MS), kind);
    const existing = this.get(HOUR_MS, dayStart, state.id);
    if (existing) hours = replaceBuckets(this.decode(existing, state), hours, minutes.from, minutes.to);
    if (hours.length) this.put(HOUR_MS, dayStart, state.id, encodeFloatRollupRow(hours, kind));
  }

  /** 1 m buckets of the windows starting in [from, to): stored rows, raw where a row says so. */
  private minutes(state: SeriesState, kind: SeriesKind, from: number, to: number): { buckets: RollupBuckets; from: number; to: number } {
    const parts: RollupBuckets[] = [];
    const rows = this.rows(MINUTE_MS, state.id, from, to, this.windowMs);
    for (const row of rows) {
      parts.push(
        row.data.byteLength === 0
          ? maskToKind(bucketsOfRaw(this.readRaw([state], row.window_start, row.window_start + this.windowMs)[0], MINUTE_MS), kind)
          : this.decode(row.data, state, row.window_start),
      );
    }
    if (rows.length === 0) return { buckets: emptyBuckets(), from: to, to };
    return { buckets: concatBuckets(parts), from: rows[0].window_start, to: rows[rows.length - 1].window_start + this.windowMs };
  }

  /** Decodes a row; `windowStart` of a 1 m row, whose times may be a timeline's. */
  private decode(data: Uint8Array, state: SeriesState, windowStart?: number): RollupBuckets {
    try {
      return decodeRollupRow(data, windowStart === undefined ? undefined : this.minutesOf(windowStart)).buckets;
    } catch (e) {
      throw this.damaged(e, state);
    }
  }

  private damaged(e: unknown, state: SeriesState): unknown {
    if (e instanceof RollupFormatError || e instanceof RangeError || (e instanceof Error && e.name === 'ChunkFormatError')) {
      return new StoreError(
        'store_corrupt',
        `a rollup row of ${formatLabels(state.labels)} is damaged (${e.message}): restore the database from a snapshot`,
      );
    }
    return e;
  }
}

interface Row {
  window_start: number;
  data: Uint8Array;
}

/** Float buckets straight from raw samples (the head, sparse windows). */
export function bucketsOfRaw(block: SampleBlock, resolution: number): RollupBuckets {
  const minutes = rollupSamples(block.timestamps, block.values, block.length, MINUTE_MS);
  return resolution === MINUTE_MS ? minutes : coarsen(minutes, resolution);
}

function hasStaleMarker(samples: SampleBlock): boolean {
  const v = samples.values;
  for (let i = 0; i < samples.length; i++) if (v[i] !== v[i] && isStaleNaN(v[i])) return true;
  return false;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
