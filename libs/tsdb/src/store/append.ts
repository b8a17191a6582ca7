// Appends: each series of a batch is resolved (or created, within the cardinality limits),
// its samples sorted into the head, the late-sample buffer or the refused counts, and
// everything accepted is written as one write-ahead row, all in one SQLite transaction.
// An append whose caller keeps its own redo log (an import's staging file) may skip the
// row: its series are then sealed by sealUnjournaled before the caller drops that log.

import { canonicalLabels, formatLabels, labelsKey, labelsProblem, type Labels } from '@metrics-hub/wire';
import { sameBits } from '../sample-buffer.ts';
import { SeriesState } from '../series-state.ts';
import { WalRecordBuilder } from '../wal-record.ts';
import { appendInOrder, flushOutOfOrder, sealHead, sealIdleHeads } from './heads.ts';
import { decodeStored } from './read.ts';
import { applyRetention } from './retention.ts';
import { assertOpen, clockedNewest, translate, type StoreState } from './state.ts';
import { countAppend } from './stats.ts';
import type { AppendedSeries, AppendObserver, AppendOptions, AppendResult, AppendSeries } from './types.ts';
import { reloadAfterFailure, truncateWal, writeWalRow } from './wal.ts';

const OOO_FLUSH_SAMPLES = 512;

export function observeAppends(st: StoreState, observer: AppendObserver): () => void {
  st.observers.add(observer);
  return () => st.observers.delete(observer);
}

export function latestAcceptedMs(st: StoreState): number {
  return st.options.now() + st.options.maxFutureMs;
}

export function append(st: StoreState, batch: readonly AppendSeries[], options: AppendOptions = {}): AppendResult {
  assertOpen(st);
  const result: AppendResult = {
    appended: 0,
    outOfOrder: 0,
    duplicates: 0,
    conflicts: 0,
    tooOld: 0,
    tooFarAhead: 0,
    newSeries: 0,
    rejected: [],
    refs: [],
  };
  st.acceptThrough = latestAcceptedMs(st);
  const seq = st.nextSeq;
  const wal = options.journaled === false ? undefined : new WalRecordBuilder();
  const touchedOoo: SeriesState[] = [];
  const observed: AppendedSeries[] | undefined = st.observers.size ? [] : undefined;
  const run = st.db.transaction(() => {
    for (let e = 0; e < batch.length; e++) {
      const entry = batch[e];
      const state = resolveSeries(st, entry, e, result);
      result.refs.push(state?.id);
      if (!state) continue;
      const problem = samplesProblem(entry);
      if (problem) {
        result.rejected.push({ index: e, labels: state.labels, reason: `${problem} for ${formatLabels(state.labels)}` });
        st.counters.invalid++;
        continue;
      }
      wal?.beginSeries(state.id);
      const kept = observed && new SampleCollector(entry.values);
      const before = result.appended;
      appendSeriesSamples(st, state, entry, seq, wal, result, touchedOoo, kept);
      if (result.appended > before) {
        state.lastSeq = seq;
        if (!wal) st.unjournaled.add(state);
      }
      if (kept?.length)
        observed!.push({
          labels: state.labels,
          timestamps: kept.timestamps.subarray(0, kept.length),
          values: kept.values.subarray(0, kept.length),
        });
    }
    if (observed?.length) for (const o of st.observers) o.appended(observed);
    options.inTransaction?.();
    if (result.appended === 0) return;
    if (wal) writeWalRow(st, seq, wal.encode());
    for (const state of touchedOoo) if (state.ooo.length >= OOO_FLUSH_SAMPLES) flushOutOfOrder(st, state, seq);
    sealIdleHeads(st);
  });
  try {
    run();
  } catch (e) {
    if (observed) for (const o of st.observers) o.settled(false);
    reloadAfterFailure(st);
    throw translate(st, e);
  }
  if (observed) for (const o of st.observers) o.settled(true);
  // Unjournaled appends take a number too: a late-sample seal claims every row up to its seq.
  if (result.appended > 0) st.nextSeq++;
  truncateWal(st);
  if (clockedNewest(st) - st.lastRetentionAt >= st.options.chunkWindowMs) applyRetention(st);
  countAppend(st, result);
  return result;
}

function appendSeriesSamples(
  st: StoreState,
  state: SeriesState,
  entry: AppendSeries,
  seq: number,
  wal: WalRecordBuilder | undefined,
  result: AppendResult,
  touchedOoo: SeriesState[],
  kept?: SampleCollector,
): void {
  const { timestamps, values } = entry;
  const head = state.head;
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i];
    const v = values[i];
    if (t > st.acceptThrough) {
      // A clock far ahead (a board without a real-time clock, a bad NTP answer): never stored.
      result.tooFarAhead++;
      continue;
    }
    if (t <= st.closedThrough) {
      // Its day is in an immutable archive file (or being written to one).
      result.tooOld++;
      continue;
    }
    if (t > state.maxT) {
      appendInOrder(st, state, t, v, seq);
      wal?.add(t, v, false);
      kept?.add(i, t);
      result.appended++;
      if (t > st.newestT) st.newestT = t;
      continue;
    }
    // Not newer than what the series has: a repeat, a conflict, or a late sample.
    const inHead = head.length && t >= head.firstT ? head.indexOf(t) : -1;
    const inOoo = inHead < 0 ? state.ooo.indexOf(t) : -1;
    if (inHead >= 0 || inOoo >= 0) {
      const stored = inHead >= 0 ? head.values[inHead] : state.ooo.values[inOoo];
      if (sameBits(stored, v)) result.duplicates++;
      else result.conflicts++;
      continue;
    }
    if (t < state.maxT - st.options.outOfOrderWindowMs) {
      result.tooOld++;
      continue;
    }
    const sealed = t <= state.sealedMaxT ? sealedValueAt(st, state, t) : undefined;
    if (sealed !== undefined) {
      if (sameBits(sealed, v)) result.duplicates++;
      else result.conflicts++;
      continue;
    }
    state.ooo.insertSorted(t, v);
    if (state.ooo.length === 1) {
      state.oooFirstSeq = seq;
      touchedOoo.push(state);
    }
    wal?.add(t, v, true);
    kept?.add(i, t);
    result.appended++;
    result.outOfOrder++;
  }
}

function resolveSeries(st: StoreState, entry: AppendSeries, index: number, result: AppendResult): SeriesState | undefined {
  if (entry.ref !== undefined) {
    const state = st.states.get(entry.ref);
    if (state) return state;
    if (!entry.labels) {
      result.rejected.push({ index, reason: `unknown series ref ${entry.ref}: send the labels again` });
      st.counters.invalid++;
      return undefined;
    }
  }
  const labels = entry.labels;
  if (!labels) {
    result.rejected.push({ index, reason: 'neither labels nor ref given' });
    st.counters.invalid++;
    return undefined;
  }
  const key = labelsKey(labels);
  const id = st.index.idOfKey(key);
  if (id !== undefined) return st.states.get(id);
  const problem = labelsProblem(labels);
  if (problem) {
    result.rejected.push({ index, labels, reason: problem });
    st.counters.invalid++;
    return undefined;
  }
  const canonical = canonicalLabels(labels);
  const limit = cardinalityProblem(st, canonical);
  if (limit) {
    result.rejected.push({ index, labels, reason: limit });
    st.counters.cardinality++;
    return undefined;
  }
  const newId = Number(st.stmt.insertSeries.run(JSON.stringify(canonical)).lastInsertRowid);
  const state = new SeriesState(newId, canonical, -Number.MAX_SAFE_INTEGER, 0);
  st.states.set(newId, state);
  st.index.add(newId, canonical, key);
  result.newSeries++;
  return state;
}

function cardinalityProblem(st: StoreState, labels: Labels): string | undefined {
  const { maxSeries, maxSeriesPerLabelValue: per } = st.options.limits;
  if (st.index.size >= maxSeries) {
    return `series limit reached: the store holds ${st.index.size} series (limits.maxSeries = ${maxSeries}); raise the limit or drop high-cardinality labels at the source`;
  }
  if (per && labels[per.label] !== undefined && st.index.countWith(per.label, labels[per.label]) >= per.limit) {
    return `series limit reached for ${per.label}=${JSON.stringify(labels[per.label])}: ${per.limit} series (limits.maxSeriesPerLabelValue); raise the limit or drop high-cardinality labels at the source`;
  }
  return undefined;
}

/** The stored value at exactly `t` in a sealed chunk, if any (checks a late sample for a repeat). */
function sealedValueAt(st: StoreState, state: SeriesState, t: number): number | undefined {
  for (const row of st.chunks.inRange(state.id, t, t)) {
    const block = decodeStored(st, row, state);
    const i = block.timestamps.subarray(0, block.length).indexOf(t);
    if (i >= 0) return block.values[i];
  }
  return undefined;
}

/**
 * The samples of one series an append stored. Values are copied as bytes from a
 * Float64Array source, so a NaN's payload (the staleness marker) reaches observers intact.
 */
class SampleCollector {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  length = 0;
  private readonly from: Uint8Array | undefined;
  private readonly to: Uint8Array;
  constructor(private readonly source: ArrayLike<number>) {
    this.timestamps = new Float64Array(source.length);
    this.values = new Float64Array(source.length);
    this.from = source instanceof Float64Array ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : undefined;
    this.to = new Uint8Array(this.values.buffer);
  }
  add(i: number, t: number): void {
    const n = this.length++;
    this.timestamps[n] = t;
    const from = this.from;
    if (!from) {
      this.values[n] = this.source[i];
      return;
    }
    const a = i * 8;
    const b = n * 8;
    for (let k = 0; k < 8; k++) this.to[b + k] = from[a + k];
  }
}

function samplesProblem(entry: AppendSeries): string | undefined {
  const { timestamps, values } = entry;
  if (!timestamps || !values || typeof timestamps.length !== 'number' || typeof values.length !== 'number')
    return 'timestamps and values must be arrays';
  if (timestamps.length !== values.length) return `${timestamps.length} timestamps but ${values.length} values`;
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i];
    if (!Number.isSafeInteger(t)) return `timestamp #${i} (${t}) is not a whole number of milliseconds`;
    if (typeof values[i] !== 'number') return `value #${i} is not a number`;
  }
  return undefined;
}

/**
 * Seals the heads and late samples of every series that unjournaled appends reached, so
 * that the file holds them without the caller's redo log.
 */
export function sealUnjournaled(st: StoreState): void {
  assertOpen(st);
  if (st.unjournaled.size === 0) return;
  try {
    st.db.transaction(() => {
      for (const state of st.unjournaled) {
        sealHead(st, state);
        if (state.ooo.length) flushOutOfOrder(st, state, st.nextSeq - 1);
      }
    })();
  } catch (e) {
    reloadAfterFailure(st);
    throw translate(st, e);
  }
  st.unjournaled.clear();
  truncateWal(st);
}
