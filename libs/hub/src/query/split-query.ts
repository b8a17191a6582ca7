// One range query on several workers at once (the worker side; query-pool.ts sets the
// helpers aside and passes messages). The query's worker plans (planShards): when the
// query splits, it tells the pool how many shards, evaluates shard 0 itself while the
// helpers evaluate the others on their own replicas, then merges the parts and encodes
// the answer as usual. A helper that died is made up for here; a shard's PromQL error
// (timeout, duplicate series) is the query's. Split, a query holds more samples than
// whole (each shard's partial aggregates, then their merge): one that passes the sample
// limit split is within it whole; one that does not is evaluated whole again
// (`overLimit`), so that the limit refuses exactly the queries it refuses unsplit.
//
// Each worker reads its own consistent cut of the store, so the shards of one query may
// see the newest samples a moment apart; every series is read whole by one of them.

import { jobEngine, type QueryJob, type RangeEvaluator } from '@metrics-hub/http-api';
import {
  type Engine,
  newQueryStats,
  parseExpr,
  planShards,
  PromqlError,
  shardAnswerBuffers,
  type QueryOptions,
  type QueryStats,
  type SampleCounter,
  type ShardAnswer,
} from '@metrics-hub/promql';
import type { StoreReplica } from '@metrics-hub/tsdb';
import type { QueryRequest, ShardAnswerMessage, ShardRequest, WorkerMessage } from './protocol.ts';

type Post = (m: WorkerMessage, transfer?: ArrayBuffer[]) => void;

export class QuerySplitter {
  /** Shards of the query being merged here that have not answered yet, by index. */
  private waiting = new Map<number, (m: ShardAnswerMessage) => void>();
  private waitingFor = 0;

  constructor(
    private readonly post: Post,
    private readonly replica: StoreReplica,
    private readonly engine: Engine,
  ) {}

  /**
   * For a query with helpers set aside: the merge of its shards, evaluated with them, or
   * undefined when it does not split (then the helpers are handed back at once).
   */
  async split(m: QueryRequest, options: QueryOptions): Promise<RangeEvaluator | undefined> {
    const job = m.job;
    if (job.kind !== 'range' || !splits(job.query)) {
      this.post({ type: 'split', id: m.id, shards: 1 });
      return undefined;
    }
    const count = m.helpers + 1;
    const buffer = new SharedArrayBuffer(8);
    const run = { ...options, samples: sharedSampleCounter(buffer) };
    this.waitingFor = m.id;
    const answers = Array.from({ length: count - 1 }, (_, k) => new Promise<ShardAnswerMessage>((r) => this.waiting.set(k + 1, r)));
    this.post({ type: 'split', id: m.id, shards: count, samples: buffer });
    try {
      const engine = jobEngine(this.engine, job);
      const shard = (index: number) =>
        this.replica.read(() =>
          engine.rangeQueryShard(this.replica, job.query, job.start, job.end, job.step, { index, count }, { ...run, stats: statsFor(job) }),
        );
      const own = shard(0);
      const others: ShardAnswer[] = [];
      for (const message of await Promise.all(answers)) {
        if (message.error) throw new PromqlError(message.error.type, message.error.message);
        others.push(message.answer ?? shard(message.index));
      }
      const all = [own, ...others];
      return (e, queryable, j, o) => e.rangeQueryMerged(queryable, j.query, j.start, j.end, j.step, all, { ...o, samples: run.samples });
    } finally {
      this.waiting.clear();
      this.waitingFor = 0;
    }
  }

  /** A helper's answer, passed on by the pool; late ones (the query already ended) are dropped. */
  onAnswer(m: ShardAnswerMessage): void {
    if (m.id !== this.waitingFor) return;
    const resolve = this.waiting.get(m.index);
    this.waiting.delete(m.index);
    resolve?.(m);
  }
}

/** A shard's own stats when the query asks for them (`stats=`): the merge adds them up. */
function statsFor(job: QueryJob): QueryStats | undefined {
  return job.stats ? newQueryStats(() => performance.now()) : undefined;
}

/** Whether a split query failed only for the sample limit, which the query whole may keep. */
export function overLimit(e: unknown): boolean {
  return e instanceof PromqlError && e.type === 'too_many_samples';
}

/** Whether the query splits by series at all (a query that does not parse does not: its error comes from the usual path). */
function splits(query: string): boolean {
  try {
    return planShards(parseExpr(query)) !== undefined;
  } catch {
    return false;
  }
}

/** A helper's work: one shard of a query, posted back with its buffers transferred. */
export function answerShard(m: ShardRequest, engine: Engine, replica: StoreReplica, cancelled: () => boolean, post: Post): void {
  const job = m.job as Extract<QueryJob, { kind: 'range' }>;
  try {
    const answer = replica.read(() =>
      jobEngine(engine, job).rangeQueryShard(
        replica,
        job.query,
        job.start,
        job.end,
        job.step,
        { index: m.index, count: m.count },
        { deadline: m.deadline, cancelled, samples: sharedSampleCounter(m.samples), stats: statsFor(job) },
      ),
    );
    post({ type: 'shard-answer', id: m.id, index: m.index, answer }, shardAnswerBuffers(answer));
  } catch (e) {
    // Anything but PromQL's own errors is a fault: the query's worker evaluates the shard
    // again itself, and if the fault is the query's, answers with it (logged as a 500 is).
    if (e instanceof PromqlError) post({ type: 'shard-answer', id: m.id, index: m.index, error: { type: e.type, message: e.message } });
    else post({ type: 'shard-answer', id: m.id, index: m.index, lost: true });
  }
}

/** The sample count of one split query, shared by its workers through one BigInt64 in shared memory. */
export function sharedSampleCounter(buffer: SharedArrayBuffer): SampleCounter {
  const cell = new BigInt64Array(buffer);
  return { add: (n) => Number(Atomics.add(cell, 0, BigInt(n))) + n };
}
