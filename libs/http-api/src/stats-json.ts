// The `stats` of a query answer (any non-empty `stats=` parameter, as in Prometheus):
// Prometheus's `timings` and `samples`, in seconds and counts, plus `hub`, our finer split
// of the same time (parse, select, decode, evaluate, sort, encode), for finding what a
// slow query spends its time on. Clients that know Prometheus's fields ignore `hub`.
//
// How our parts map onto Prometheus's timers: preparation is parsing plus finding the
// series (Prometheus selects its series before evaluating), inner evaluation is the rest
// of the evaluation (samples read and decoded as the selectors need them), and nothing
// waits in a queue here. `totalQueryableSamples` counts samples read once each, a rollup
// bucket read instead of samples as one (Prometheus counts a sample again for every step
// whose window holds it), `peakSamples`
// the samples the sample limit counted: read points plus a slot per step of every series
// a node made, never given back, so an upper bound of what was held at once. Per-step
// counts (`stats=all` in Prometheus) are not kept. A query split across worker threads
// adds up its shards' figures: its times are then CPU time summed over the threads.

import type { QueryStats } from '@metrics-hub/promql';

export function statsJson(s: QueryStats, encodeMs: number): string {
  const sec = (ms: number) => Math.max(0, ms) / 1000;
  const evalTotal = s.parseMs + s.evalMs + s.sortMs;
  const timings = {
    evalTotalTime: sec(evalTotal),
    resultSortTime: sec(s.sortMs),
    queryPreparationTime: sec(s.parseMs + s.selectMs),
    innerEvalTime: sec(s.evalMs - s.selectMs),
    execQueueTime: 0,
    execTotalTime: sec(evalTotal),
  };
  const samples = { totalQueryableSamples: s.samplesRead, peakSamples: s.peakSamples };
  const hub = {
    parseTime: sec(s.parseMs),
    selectTime: sec(s.selectMs),
    decodeTime: sec(s.decodeMs),
    evalTime: sec(s.evalMs - s.selectMs - s.decodeMs),
    sortTime: sec(s.sortMs),
    encodeTime: sec(encodeMs),
  };
  // Numbers only: JSON.stringify writes them as Go's encoding/json does.
  return JSON.stringify({ timings, samples, hub });
}

/** `data` JSON (an object) with `"stats":...` added as its last member. */
export function withStats(dataJson: string, stats: string): string {
  return `${dataJson.slice(0, -1)},"stats":${stats}}`;
}
