// A store seen through one shard: only the series whose labels hash to it (see
// shard-plan.ts). The store is asked to leave the others unread; what it returns anyway
// (a store that ignores the hint) is dropped here, so every shard sees exactly its own.

import { shardOf, type ShardSpec } from '@metrics-hub/wire';
import type { Matcher } from './ast.ts';
import type { BucketSelection, Queryable, QueryableSeries, SelectHints } from './queryable.ts';

/** Lazily: a streamed selection's buckets are valid only until the next one is taken. */
function* filtered(found: Iterable<BucketSelection>, keep: (s: BucketSelection) => boolean): Iterable<BucketSelection> {
  for (const s of found) if (keep(s)) yield s;
}

export function shardQueryable(inner: Queryable, shard: ShardSpec): Queryable {
  const mine = (s: { labels: QueryableSeries['labels'] }) => shardOf(s.labels, shard.count, shard.key) === shard.index;
  const sharded: Queryable = {
    *select(matchers: readonly Matcher[], mint: number, maxt: number, hints?: SelectHints) {
      for (const s of inner.select(matchers, mint, maxt, { ...hints, shard })) if (mine(s)) yield s;
    },
  };
  const selectBuckets = inner.selectBuckets?.bind(inner);
  if (selectBuckets) {
    sharded.selectBuckets = (matchers, mint, maxt, resolution, hints) => {
      const found = selectBuckets(matchers, mint, maxt, resolution, { ...hints, shard });
      return found && filtered(found, mine);
    };
  }
  return sharded;
}
