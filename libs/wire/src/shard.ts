// Which shard of a query a series belongs to, so that workers that split one query by
// series (each selecting only its shard's series) agree without talking: a hash of the
// values of the shard key's labels. The same on every thread and in every process.

import type { Labels } from './labels.ts';

/** Labels whose values choose the shard; undefined: every label but the metric name. */
export type ShardKey = readonly string[] | undefined;

export interface ShardSpec {
  /** This shard, 0 to count - 1. */
  index: number;
  count: number;
  key: ShardKey;
}

/**
 * The shard (0 to count - 1) of a series. Series that agree on the key's labels land in
 * the same shard: with an undefined key, series that differ only in their metric name do
 * (so `a / b` matches within a shard), with `on (instance)` as the key, every series of an
 * instance does. An absent label and an empty value hash alike, as PromQL treats them.
 */
export function shardOf(labels: Labels, count: number, key: ShardKey): number {
  if (count <= 1) return 0;
  const names =
    key ??
    Object.keys(labels)
      .filter((n) => n !== '__name__')
      .sort();
  // FNV-1a over the names and values (UTF-16 code units), separated by characters no label name holds.
  let h = 0x811c9dc5;
  for (const name of names) {
    const value = labels[name];
    if (value === undefined || value === '') continue;
    h = mix(h, name);
    h = Math.imul(h ^ 0xfffe, 0x01000193);
    h = mix(h, value);
    h = Math.imul(h ^ 0xffff, 0x01000193);
  }
  return (h >>> 0) % count;
}

function mix(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}
