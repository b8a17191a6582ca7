// POST /api/v1/write: Prometheus, vmagent, Grafana Alloy and friends remote-write into the
// hub. Answers as Prometheus's own receiver does, so that senders retry only what can
// succeed later:
//
//   body over ingest.max_batch_bytes (or decompressing past it)   413
//   not snappy / not a WriteRequest / invalid labels              400 + reason, nothing stored
//   stored                                                        204
//   stored, but some samples refused (too old, a conflicting      400 + reason (the rest is
//     value, a series over the store's limit, older than          committed; a resend is not)
//     store.retention keeps unless ingest.accept_past_retention)
//   the store failed (disk, shutting down)                        500/503: the sender retries
//
// Every series is checked before anything is stored. A request of up to SERIES_PER_APPEND
// series is one store transaction (metadata included); a bigger one is stored in slices of
// that many, one transaction each, with the event loop free between them, so that a
// request creating 260,000 series does not stop the hub answering for seconds. If the
// store fails part-way, the slices before stay stored and the answer is 500/503: the
// sender's resend stores the rest (the stored samples come again as duplicates, which are
// ignored, not refused). Behind the same http.token check as every other route (the
// server does it before any handler).

import type { ServerResponse } from 'node:http';
import { decodeRemoteWriteBodySteps, RemoteWriteFormatError, type DecodedWriteRequest } from '@metrics-hub/remote-write';
import { StoreError, type AppendSeries, type TimeSeriesStore } from '@metrics-hub/tsdb';
import { formatLabels, labelsProblem } from '@metrics-hub/wire';
import { readLimited } from '../http/json.ts';
import type { RouteHandler } from '../http/server.ts';

export const REMOTE_WRITE_PATH = '/api/v1/write';
/** Series per store transaction (and per decoding step): creating this many new ones takes 20 to 80 ms. */
export const SERIES_PER_APPEND = 2_000;

export interface ReceiveStats {
  /** Requests by what became of them. */
  requests: { stored: number; refused: number; tooLarge: number; failed: number };
  samplesStored: number;
  /** Samples of stored requests the store refused (too old, conflicting, over the series limit). */
  samplesRefused: number;
  metadataStored: number;
  /** Parts of requests the hub cannot store: exemplars and native histograms. */
  skipped: { exemplars: number; histograms: number };
  lastError?: { atMs: number; message: string };
}

const STORED: AppendSeries = { timestamps: [], values: [] };

/** Lets timers, sockets and other requests run before the next slice. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function createRemoteWriteReceiver(o: {
  store: TimeSeriesStore;
  maxBodyBytes: number;
  /** Store samples older than retention keeps (else refused, saying so). */
  acceptPastRetention?: boolean;
  log: (line: string) => void;
  now: () => number;
}): { route: RouteHandler; stats: ReceiveStats } {
  const stats: ReceiveStats = {
    requests: { stored: 0, refused: 0, tooLarge: 0, failed: 0 },
    samplesStored: 0,
    samplesRefused: 0,
    metadataStored: 0,
    skipped: { exemplars: 0, histograms: 0 },
  };
  const answer = (res: ServerResponse, status: number, message?: string): true => {
    if (message) {
      stats.lastError = { atMs: o.now(), message };
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${message}\n`);
    } else {
      res.writeHead(status);
      res.end();
    }
    return true;
  };
  const refuse = (res: ServerResponse, message: string): true => {
    stats.requests.refused++;
    return answer(res, 400, message);
  };

  const route: RouteHandler = async (req, res) => {
    if ((req.url ?? '').split('?')[0] !== REMOTE_WRITE_PATH) return false;
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return answer(res, 405, `use POST for ${REMOTE_WRITE_PATH} (a snappy-compressed protobuf WriteRequest)`);
    }
    const encoding = (req.headers['content-encoding'] ?? 'snappy').toLowerCase();
    if (encoding !== 'snappy')
      return answer(res, 415, `Content-Encoding ${encoding} is not supported: remote write bodies are snappy-compressed`);
    const type = req.headers['content-type'] ?? '';
    if (/proto=io\.prometheus\.write\.v2/.test(type))
      return answer(res, 415, 'remote write 2.0 is not supported: send remote write 1.0 (prometheus.WriteRequest)');

    const body = await readLimited(req, o.maxBodyBytes);
    if (body === 'too_large') {
      stats.requests.tooLarge++;
      return answer(
        res,
        413,
        `request body over ${o.maxBodyBytes} bytes (ingest.max_batch_bytes): send smaller batches (max_samples_per_send)`,
      );
    }
    let decoded: DecodedWriteRequest;
    try {
      const steps = decodeRemoteWriteBodySteps(body, o.maxBodyBytes, SERIES_PER_APPEND);
      for (;;) {
        const step = steps.next();
        if (step.done) {
          decoded = step.value;
          break;
        }
        await nextTurn();
      }
    } catch (e) {
      if (!(e instanceof RemoteWriteFormatError)) throw e;
      if (e.code === 'too_large') {
        stats.requests.tooLarge++;
        return answer(res, 413, `${e.message} (ingest.max_batch_bytes): send smaller batches`);
      }
      return refuse(res, `malformed remote write request: ${e.message}`);
    }
    // Every series checked before anything is stored: a bad one refuses the whole request.
    const series: AppendSeries[] = [];
    const sampleCounts: number[] = [];
    let samples = 0;
    for (let i = 0; i < decoded.timeseries.length; i++) {
      if (i > 0 && i % SERIES_PER_APPEND === 0) await nextTurn();
      const s = decoded.timeseries[i];
      const problem = labelsProblem(s.labels);
      if (problem) return refuse(res, `timeseries[${i}] ${formatLabels(s.labels)}: ${problem}`);
      if (s.timestamps.length === 0) continue;
      series.push({ labels: s.labels, timestamps: s.timestamps, values: s.values });
      sampleCounts.push(s.timestamps.length);
      samples += s.timestamps.length;
    }
    const pastRetention = o.acceptPastRetention ? 0 : dropPastRetention(series, sampleCounts, o.store);
    // From here `series` holds the samples; slices are let go of as they are stored.
    decoded.timeseries = [];
    stats.skipped.exemplars += decoded.skipped.exemplars;
    stats.skipped.histograms += decoded.skipped.histograms;

    const result = { appended: 0, conflicts: 0, tooOld: 0, tooFarAhead: 0, rejected: [] as { index: number; reason: string }[] };
    try {
      for (let from = 0; from < series.length || from === 0; from += SERIES_PER_APPEND) {
        if (from > 0) await nextTurn();
        const slice = series.slice(from, from + SERIES_PER_APPEND);
        const r = o.store.append(slice, {
          inTransaction:
            from === 0
              ? () => {
                  for (const m of decoded.metadata) o.store.setMetadata(m.metricFamilyName, { type: m.type, help: m.help, unit: m.unit });
                }
              : undefined,
        });
        result.appended += r.appended;
        result.conflicts += r.conflicts;
        result.tooOld += r.tooOld;
        result.tooFarAhead += r.tooFarAhead;
        for (const rejected of r.rejected) result.rejected.push({ index: from + rejected.index, reason: rejected.reason });
        // What is stored need not stay in memory while the rest is.
        for (let i = from; i < from + slice.length; i++) series[i] = STORED;
      }
    } catch (e) {
      stats.requests.failed++;
      const closed = e instanceof StoreError && e.code === 'store_closed';
      const message = `cannot store the samples: ${(e as Error).message}`;
      o.log(`remote write in: ${message}`);
      return answer(res, closed ? 503 : 500, message);
    }
    stats.metadataStored += decoded.metadata.length;
    const refused =
      pastRetention +
      result.conflicts +
      result.tooOld +
      result.tooFarAhead +
      result.rejected.reduce((n, r) => n + sampleCounts[r.index], 0);
    stats.samplesStored += result.appended;
    stats.samplesRefused += refused;
    if (refused === 0) {
      stats.requests.stored++;
      return answer(res, 204);
    }
    // Like Mimir: the valid samples are committed; the sender learns what was refused and
    // does not resend (it would be refused again).
    const reasons = [
      pastRetention &&
        `${pastRetention} samples older than the hub keeps raw data (store.retention): not stored; keep them longer with store.retention, or store them anyway (deleted or archived right after) with ingest.accept_past_retention: true`,
      result.tooOld && `${result.tooOld} samples too old (before the out-of-order window or archived)`,
      result.tooFarAhead && `${result.tooFarAhead} samples too far ahead of the hub's clock (store.max_future): check the sender's clock`,
      result.conflicts && `${result.conflicts} samples with a different value at a stored timestamp`,
      ...result.rejected.slice(0, 3).map((r) => r.reason),
    ].filter(Boolean);
    return refuse(res, `${refused} of ${samples} samples refused: ${reasons.join('; ')}`);
  };
  return { route, stats };
}

/**
 * Takes the samples at or before the store's retention cutoff out of `series` (their counts
 * with them); returns how many. Retention would drop them at once: the sender is told.
 */
function dropPastRetention(series: AppendSeries[], sampleCounts: number[], store: TimeSeriesStore): number {
  let newest = Number.NEGATIVE_INFINITY;
  for (const s of series) for (let i = 0; i < s.timestamps.length; i++) if (s.timestamps[i] > newest) newest = s.timestamps[i];
  const cutoff = store.rawRetentionCutoff(newest);
  let dropped = 0;
  let kept = 0;
  for (let k = 0; k < series.length; k++) {
    let s = series[k];
    const ts = s.timestamps as number[] | Float64Array;
    let old = 0;
    for (let i = 0; i < ts.length; i++) if (ts[i] <= cutoff) old++;
    dropped += old;
    // A series left with nothing is not created.
    if (old === ts.length) continue;
    if (old > 0) {
      const keep = (_: number, i: number) => ts[i] > cutoff;
      s = { ...s, timestamps: ts.filter(keep), values: (s.values as number[] | Float64Array).filter(keep) };
    }
    series[kept] = s;
    sampleCounts[kept++] = ts.length - old;
  }
  series.length = kept;
  sampleCounts.length = kept;
  return dropped;
}
