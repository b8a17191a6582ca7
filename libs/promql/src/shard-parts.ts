// A shard's parts of a query split across workers, as plain data to post between threads:
// each part's series packed into one values array and one presence array (series after
// series, a slot per step), so that posting transfers two buffers instead of copying
// thousands of small ones.

import type { Labels } from '@metrics-hub/wire';
import type { EvalContext } from './eval-context.ts';
import type { QueryStats } from './query-stats.ts';
import type { Value } from './values.ts';

export interface ShardPart {
  labels: Labels[];
  /** labels.length x steps values, series after series. */
  values: Float64Array;
  has: Uint8Array;
}

/** What one shard answers: its parts in the plan's order, its annotations, and (asked for) where its time went. */
export interface ShardAnswer {
  parts: ShardPart[];
  warnings: string[];
  infos: string[];
  stats?: ShardStats;
}

/** A shard's QueryStats without its clock (plain data, to post). */
export type ShardStats = Omit<QueryStats, 'clock'>;

/** The buffers a shard's answer can hand over (postMessage's transfer list). */
export function shardAnswerBuffers(answer: ShardAnswer): ArrayBuffer[] {
  return answer.parts.flatMap((p) => [p.values.buffer as ArrayBuffer, p.has.buffer as ArrayBuffer]);
}

export function packPart(value: Value, ctx: EvalContext): ShardPart {
  if (value.kind !== 'vector') throw new Error(`a shard's part evaluated to a ${value.kind}, not an instant vector`);
  const steps = ctx.steps;
  const kept = value.series.filter((s) => s.has.includes(1));
  const values = new Float64Array(kept.length * steps);
  const has = new Uint8Array(kept.length * steps);
  kept.forEach((s, k) => {
    values.set(s.values, k * steps);
    has.set(s.has, k * steps);
  });
  return { labels: kept.map((s) => s.labels), values, has };
}

/** The shards' answers to one part, as one vector (shard after shard), counted toward the sample limit. */
export function unpackParts(parts: readonly ShardPart[], ctx: EvalContext): Value {
  const steps = ctx.steps;
  const series = parts.flatMap((p) => {
    ctx.hold(p.labels.length * steps);
    return p.labels.map((labels, k) => ({
      labels,
      values: p.values.subarray(k * steps, (k + 1) * steps),
      has: p.has.subarray(k * steps, (k + 1) * steps),
    }));
  });
  return { kind: 'vector', series };
}
