// What the query pool (query-pool.ts) and its workers (query-worker.ts) say to each other.
// Jobs and answers are plain data; an answer's body is transferred, not copied.

import type { AnswerEncoding, EncodedAnswer, QueryJob } from '@metrics-hub/http-api';
import type { EngineLimits, QueryData } from '@metrics-hub/promql';

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
}

/** A rule's instant query: its data back as the engine gives it, or its error's message. */
export interface RuleRequest {
  type: 'rule';
  id: number;
  query: string;
  time: number;
  deadline: number;
}

export type WorkerRequest = QueryRequest | RuleRequest;

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
  | { type: 'rule-answer'; id: number; data?: QueryData; error?: string; outcome: QueryOutcome };

export type QueryOutcome = 'success' | 'error' | 'timeout' | 'canceled';
