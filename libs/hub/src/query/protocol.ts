// What the query pool (query-pool.ts) and its workers (query-worker.ts) say to each other.
// Jobs and answers are plain data; an answer's body is transferred, not copied.

import type { AnswerEncoding, EncodedAnswer, QueryJob } from '@metrics-hub/http-api';
import type { EngineLimits, PromqlErrorType, QueryData, ShardAnswer } from '@metrics-hub/promql';
import type { StoreTotals } from '@metrics-hub/tsdb';

/** A worker's `workerData`: where the store is and how queries are limited. */
export interface WorkerSetup {
  /** The store's SQLite file, opened read-only. */
  dbPath: string;
  retention: { rawMs: number; rollup1mMs: number; rollup1hMs: number };
  archiveDir?: string;
  limits: EngineLimits;
  /**
   * One Int32 the pool writes the id of a query to stop into (Atomics): the worker's
   * evaluation looks at it with the clock, so stopping costs nothing while it runs.
   */
  cancel: SharedArrayBuffer;
}

export interface QueryRequest {
  type: 'query';
  id: number;
  job: QueryJob;
  /** Date.now() milliseconds: the query's timeout counts from when it was asked, queue included. */
  deadline: number;
  encoding: AnswerEncoding;
  /**
   * Idle workers the pool set aside for this query: a range query that splits by series
   * (planShards) runs on them and on this worker at once (see query-pool.ts); 0: alone.
   */
  helpers: number;
}

/** One shard of a query split across workers, for a helper: the job, which shard, and the shared sample count. */
export interface ShardRequest {
  type: 'shard';
  /** The query's id (its cancel flag's value). */
  id: number;
  job: QueryJob;
  index: number;
  count: number;
  deadline: number;
  /** One BigInt64 every shard adds the samples it holds to (the limit applies to the sum). */
  samples: SharedArrayBuffer;
}

/** A helper's answer for one shard, passed on by the pool to the query's worker. */
export interface ShardAnswerMessage {
  type: 'shard-answer';
  id: number;
  index: number;
  answer?: ShardAnswer;
  /** The shard failed as the query must: Prometheus's error type and message. */
  error?: { type: PromqlErrorType; message: string };
  /** The helper died before answering: the query's worker evaluates the shard itself. */
  lost?: boolean;
}

/** A rule's instant query: its data back as the engine gives it, or its error's message. */
export interface RuleRequest {
  type: 'rule';
  id: number;
  query: string;
  time: number;
  deadline: number;
}

/** The sums of the store's sealed data (a table scan, kept off the hub's main thread). */
export interface TotalsRequest {
  type: 'totals';
  id: number;
}

/**
 * The pool is closing: the worker closes its replica and its port and so ends by itself.
 * Stopping a thread from outside (terminate) while it is inside native code (SQLite, zlib,
 * its modules loading) can abort the whole process; that stays the way out for a worker
 * that does not end in time.
 */
export interface CloseRequest {
  type: 'close';
}

export type WorkerRequest = QueryRequest | RuleRequest | TotalsRequest | ShardRequest | ShardAnswerMessage | CloseRequest;

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | {
      type: 'answer';
      id: number;
      answer: EncodedAnswer;
      /** How the query ended, for the hub's metrics. */
      outcome: QueryOutcome;
      /** An unexpected error's stack, for the hub's log (the client got a 500). */
      internal?: string;
    }
  | { type: 'rule-answer'; id: number; data?: QueryData; error?: string; outcome: QueryOutcome }
  | { type: 'totals-answer'; id: number; totals?: StoreTotals; error?: string; outcome: QueryOutcome }
  /**
   * From a query's worker once it has planned: into how many shards the query splits (1:
   * not at all; the helpers set aside go back to the pool), with the shared sample count.
   */
  | { type: 'split'; id: number; shards: number; samples?: SharedArrayBuffer }
  | ShardAnswerMessage;

export type QueryOutcome = 'success' | 'error' | 'timeout' | 'canceled';
