// The hub's queries, off its main thread: a bounded pool of worker threads (query-worker.ts),
// each with its own read-only replica of the store, and a queue in front of them (instant
// queries and rules ahead of range queries, first come first served within each).
//
//   run(job) ─> queue (at most maxQueued waiting; beyond: 503 unavailable)
//                 └─> an idle worker (at most maxConcurrency, started on demand)
//                       └─> parse, evaluate, encode, gzip ─> the answer's bytes, transferred
//   instant(expr, t) (rules) ─> the same queue, never refused ─> the engine's data
//
// A range query that finds the queue empty and other workers idle takes them along as
// helpers: its worker plans (split-query.ts) and, if the query splits by series, the pool
// gives each helper a shard and passes the helpers' answers back to it (buffers
// transferred, never read here); otherwise the helpers go back at once. So one user's
// big query has every core, and a busy hub runs one query per worker, unsplit.
//
// A query's timeout counts from when it was asked, as Prometheus counts its queue wait: one
// still waiting at its deadline is answered with a timeout. A client that goes away
// (`signal`) takes its query out of the queue, or stops it in its worker (a shared flag the
// evaluation looks at with the clock). A worker that dies fails its query alone and is
// replaced when the next query needs it.

import { Worker } from 'node:worker_threads';
import { ApiError, encodeError, jobLimits, type AnswerEncoding, type EncodedAnswer, type QueryJob } from '@metrics-hub/http-api';
import type { MetricFamily } from '@metrics-hub/expfmt';
import { shardAnswerBuffers, type EngineLimits, type QueryData } from '@metrics-hub/promql';
import type { StoreTotals } from '@metrics-hub/tsdb';
import type { QueryOutcome, ShardAnswerMessage, WorkerMessage, WorkerRequest, WorkerSetup } from './protocol.ts';
import { QueryPoolStats } from './query-stats.ts';
import { queryWorkerEntry, type WorkerEntry } from './worker-entry.ts';

export interface QueryPoolOptions {
  /** The store's SQLite file (the workers open it read-only). */
  dbPath: string;
  retention: WorkerSetup['retention'];
  archiveDir?: string;
  limits: EngineLimits;
  /** Queries evaluated at once, one per worker thread (hub.yaml query.max_concurrency). */
  maxConcurrency: number;
  /** Queries waiting beyond those (query.max_queued); more are refused with 503. */
  maxQueued: number;
  log: (line: string) => void;
  /**
   * How long past its deadline a query may hold its worker before the worker is stopped
   * and replaced (evaluation looks at the clock, so only a fault or a huge answer being
   * encoded gets there; default 30 s).
   */
  watchdogGraceMs?: number;
  /** How long a closing pool waits for a worker to end by itself before stopping it (default 5 s). */
  closeGraceMs?: number;
  /** Another worker program (tests). */
  workerEntry?: WorkerEntry;
}

/** What a queued query is, and where its answer goes. */
type Task =
  | { kind: 'query'; job: QueryJob; encoding: AnswerEncoding; resolve: (answer: EncodedAnswer) => void }
  | { kind: 'rule'; query: string; time: number; resolve: (result: { data?: QueryData; error?: string }) => void }
  | { kind: 'totals'; resolve: (result: { totals?: StoreTotals; error?: string }) => void };

interface Pending {
  id: number;
  task: Task;
  deadline: number;
  enqueuedMs: number;
  /** Undoes the abort listener and the timers. */
  settle: () => void;
  /** The worker evaluating it (and merging its shards). */
  worker?: PoolWorker;
  /** Workers set aside for its shards, until they answer. */
  helpers: PoolWorker[];
  timer?: NodeJS.Timeout;
  watchdog?: NodeJS.Timeout;
}

interface PoolWorker {
  worker: Worker;
  cancel: Int32Array;
  ready: boolean;
  /** The query it works on: its own, or one it evaluates a shard of (then `shard` is set). */
  running: Pending | undefined;
  shard?: number;
  /** A helper's watchdog over its shard. */
  watchdog?: NodeJS.Timeout;
}

export class QueryPool {
  private readonly queue: Pending[] = [];
  private readonly workers: PoolWorker[] = [];
  private nextId = 1;
  private closed = false;
  /** Callers of `warm` waiting for a worker to be ready (or to have failed). */
  private warming: (() => void)[] = [];
  readonly stats = new QueryPoolStats();

  constructor(private readonly o: QueryPoolOptions) {
    if (!(o.maxConcurrency >= 1)) throw new Error('query pool: maxConcurrency must be at least 1');
  }

  /** Queries being evaluated now (a split query counts once). */
  get running(): number {
    return new Set(this.workers.map((w) => w.running).filter((p) => p !== undefined)).size;
  }

  /** Queries waiting for a worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** Answers a query (success or Prometheus's error, as bytes); never rejects. */
  run(job: QueryJob, context: { signal: AbortSignal; encoding: AnswerEncoding }): Promise<EncodedAnswer> {
    const { signal, encoding } = context;
    if (this.closed) return Promise.resolve(this.finish('error', encodeError(stoppingError(), encoding).answer));
    if (signal.aborted) return Promise.resolve(this.finish('canceled', canceledAnswer(encoding)));
    if (!this.canStart() && this.queue.length >= this.o.maxQueued) {
      this.stats.count('rejected');
      const e = new ApiError(
        'unavailable',
        `too many queries at once: ${this.running} running and ${this.queue.length} waiting (query.max_concurrency ${this.o.maxConcurrency}, query.max_queued ${this.o.maxQueued}): retry in a moment, or raise query.max_queued in hub.yaml`,
      );
      return Promise.resolve(encodeError(e, encoding).answer);
    }
    return new Promise<EncodedAnswer>((resolve) => {
      const p = this.enqueue({ kind: 'query', job, encoding, resolve }, jobLimits(this.o.limits, job).timeoutMs);
      const onAbort = () => this.abort(p);
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = p.settle;
      p.settle = () => {
        settle();
        signal.removeEventListener('abort', onAbort);
      };
    });
  }

  /**
   * A rule's instant query: the engine's data, or rejects with the query's error. Rules
   * wait in the same queue as everything else but are never refused for its length.
   */
  instant(query: string, timeMs: number): Promise<QueryData> {
    if (this.closed) return Promise.reject(stoppingError());
    return new Promise<{ data?: QueryData; error?: string }>((resolve) =>
      this.enqueue({ kind: 'rule', query, time: timeMs, resolve }, this.o.limits.timeoutMs),
    ).then((r) => (r.error !== undefined ? Promise.reject(new Error(r.error)) : r.data!));
  }

  /** The sums of the store's sealed data, scanned by a worker (never refused for the queue's length, like rules). */
  totals(): Promise<StoreTotals> {
    if (this.closed) return Promise.reject(stoppingError());
    return new Promise<{ totals?: StoreTotals; error?: string }>((resolve) =>
      this.enqueue({ kind: 'totals', resolve }, this.o.limits.timeoutMs),
    ).then((r) => (r.error !== undefined ? Promise.reject(new Error(r.error)) : r.totals!));
  }

  private enqueue(task: Task, timeoutMs: number): Pending {
    const p: Pending = {
      id: this.takeId(),
      task,
      deadline: Date.now() + timeoutMs,
      enqueuedMs: performance.now(),
      helpers: [],
      settle: () => {
        clearTimeout(p.timer);
        clearTimeout(p.watchdog);
      },
    };
    // Still waiting at its deadline: answered as Prometheus answers a query timed out in its queue.
    p.timer = setTimeout(() => this.expire(p), Math.max(0, timeoutMs) + 1);
    p.timer.unref();
    // Instant queries and rules (one step: a stat, a live value, an alert) wait ahead of the
    // range queries (graphs over hours), first come first served within each, so that a
    // cheap question is never held behind a dashboard's long ones.
    const behind = isOneStep(task) ? this.queue.findIndex((q) => !isOneStep(q.task)) : -1;
    if (behind >= 0) this.queue.splice(behind, 0, p);
    else this.queue.push(p);
    this.pump();
    return p;
  }

  /** Whether a query asked now would find a worker free (or one could be started). */
  private canStart(): boolean {
    return this.workers.some((w) => w.ready && !w.running) || this.workers.length < this.o.maxConcurrency;
  }

  /**
   * Starts every worker ahead of the first query (their start and their replicas' load), so
   * that the first big query already splits; resolves once none is still starting.
   */
  warm(): Promise<void> {
    if (this.closed) return Promise.resolve();
    while (this.workers.length < this.o.maxConcurrency) this.startWorker();
    if (this.workers.every((w) => w.ready)) return Promise.resolve();
    return new Promise((resolve) => this.warming.push(resolve));
  }

  private warmed(): void {
    if (this.workers.some((w) => !w.ready)) return;
    for (const resolve of this.warming.splice(0)) resolve();
  }

  /** The pool's figures for the hub's own metrics. */
  metricFamilies(): MetricFamily[] {
    return this.stats.metricFamilies({
      running: this.running,
      queued: this.queued,
      maxConcurrency: this.o.maxConcurrency,
      maxQueued: this.o.maxQueued,
    });
  }

  /**
   * Stops every worker; queries waiting or running are answered 503. Each worker is asked to
   * end (its query stopped by the cancel flag first) and stopped from outside only if it has
   * not within `closeGraceMs` (see CloseRequest for why).
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) this.fail(p, 'error', stoppingError());
    const workers = this.workers.splice(0);
    for (const w of workers) {
      clearTimeout(w.watchdog);
      if (!w.running) continue;
      Atomics.store(w.cancel, 0, w.running.id);
      if (w.running.worker === w || !w.running.worker) this.fail(w.running, 'error', stoppingError());
    }
    await Promise.all(workers.map((w) => this.endWorker(w.worker)));
  }

  private async endWorker(worker: Worker): Promise<void> {
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ type: 'close' } satisfies WorkerRequest);
    const graceMs = this.o.closeGraceMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    if ((await Promise.race([exited, late])) === 'late') {
      this.o.log(`query: a query worker had not ended ${graceMs} ms after the hub began to stop; stopping it from outside`);
      await worker.terminate();
    }
    clearTimeout(timer);
  }

  private takeId(): number {
    const id = this.nextId;
    // Int32 for the shared cancel flag; 0 means none.
    this.nextId = this.nextId >= 0x7fffffff ? 1 : this.nextId + 1;
    return id;
  }

  /** Hands waiting queries to idle workers, starting workers up to the limit. */
  private pump(): void {
    while (this.queue.length) {
      const w = this.workers.find((x) => x.ready && !x.running);
      if (!w) {
        const starting = this.workers.filter((x) => !x.ready).length;
        if (this.workers.length < this.o.maxConcurrency && starting < this.queue.length) this.startWorker();
        return;
      }
      const p = this.queue.shift()!;
      // The store's totals are the hub's own bookkeeping, not a query: not in the query figures.
      if (p.task.kind !== 'totals') this.stats.waited((performance.now() - p.enqueuedMs) / 1000);
      w.running = p;
      p.worker = w;
      p.watchdog = this.watch(w, p);
      const t = p.task;
      if (t.kind === 'query' && t.job.kind === 'range') p.helpers = this.setAside(p);
      const request: WorkerRequest =
        t.kind === 'query'
          ? { type: 'query', id: p.id, job: t.job, deadline: p.deadline, encoding: t.encoding, helpers: p.helpers.length }
          : t.kind === 'rule'
            ? { type: 'rule', id: p.id, query: t.query, time: t.time, deadline: p.deadline }
            : { type: 'totals', id: p.id };
      w.worker.postMessage(request);
    }
  }

  /**
   * Idle workers a range query may split across: all of them when nothing else waits.
   * The first range query starts the rest of the pool, for the next one to split over.
   */
  private setAside(p: Pending): PoolWorker[] {
    if (this.workers.length < this.o.maxConcurrency && this.workers.every((x) => x.ready)) this.startWorker();
    if (this.queue.length > 0) return [];
    const idle = this.workers.filter((x) => x.ready && !x.running);
    for (const h of idle) h.running = p;
    return idle;
  }

  /** The query's worker has planned: shards to the helpers it needs, the others back to the pool. */
  private onSplit(p: Pending, shards: number, samples: SharedArrayBuffer | undefined): void {
    const wanted = Math.max(0, shards - 1);
    const used = p.helpers.slice(0, wanted);
    for (const h of p.helpers.slice(used.length)) h.running = undefined;
    p.helpers = used;
    const t = p.task;
    if (t.kind === 'query' && samples) {
      this.stats.split(shards);
      for (let index = 1; index <= wanted; index++) {
        const h = used[index - 1];
        if (!h) {
          // Its helper died while the query was being planned: the query's worker does its shard.
          const lost: ShardAnswerMessage = { type: 'shard-answer', id: p.id, index, lost: true };
          p.worker?.worker.postMessage(lost);
          continue;
        }
        h.shard = index;
        h.watchdog = this.watch(h, p);
        const request: WorkerRequest = { type: 'shard', id: p.id, job: t.job, index, count: shards, deadline: p.deadline, samples };
        h.worker.postMessage(request);
      }
    }
    this.pump();
  }

  /** A helper is done with its shard: it goes back to the pool, its answer to the query's worker (if still at it). */
  private onShardAnswer(h: PoolWorker, m: ShardAnswerMessage): void {
    const p = h.running;
    h.running = undefined;
    h.shard = undefined;
    clearTimeout(h.watchdog);
    if (p) {
      p.helpers = p.helpers.filter((x) => x !== h);
      if (p.worker?.running === p) p.worker.worker.postMessage(m, m.answer ? shardAnswerBuffers(m.answer) : []);
    }
    this.pump();
  }

  /** A query ended: helpers still on its shards stop at their next look at the flag. */
  private releaseHelpers(p: Pending): void {
    for (const h of p.helpers) Atomics.store(h.cancel, 0, p.id);
  }

  /** A query still running well past its deadline: its worker is stopped and replaced, the query answered as timed out. */
  private watch(w: PoolWorker, p: Pending): NodeJS.Timeout {
    const grace = this.o.watchdogGraceMs ?? 30_000;
    const watchdog = setTimeout(
      () => {
        if (w.running !== p) return;
        if (w.shard !== undefined) return this.onGone(w, `its shard of a query ran ${grace} ms past the deadline`);
        w.running = undefined;
        this.releaseHelpers(p);
        this.fail(
          p,
          'timeout',
          new ApiError('timeout', 'query timed out: it ran past its deadline and its worker was stopped; narrow the query'),
        );
        this.onGone(w, `a query ran ${grace} ms past its deadline`);
      },
      Math.max(0, p.deadline - Date.now()) + grace,
    );
    watchdog.unref();
    return watchdog;
  }

  private startWorker(): void {
    const entry = this.o.workerEntry ?? queryWorkerEntry();
    const cancel = new SharedArrayBuffer(4);
    const setup: WorkerSetup = {
      dbPath: this.o.dbPath,
      retention: this.o.retention,
      archiveDir: this.o.archiveDir,
      limits: this.o.limits,
      cancel,
    };
    const worker = new Worker(entry.url, { workerData: setup, execArgv: entry.execArgv, name: 'query-worker' });
    const w: PoolWorker = { worker, cancel: new Int32Array(cancel), ready: false, running: undefined };
    this.workers.push(w);
    worker.on('message', (m: WorkerMessage) => this.onMessage(w, m));
    worker.on('error', (e) => this.onGone(w, `it failed: ${e.stack ?? e.message}`));
    worker.on('exit', (code) => this.onGone(w, `it exited with code ${code}`));
  }

  private onMessage(w: PoolWorker, m: WorkerMessage): void {
    if (m.type === 'ready') {
      w.ready = true;
      this.warmed();
      this.pump();
    } else if (m.type === 'failed') {
      this.onGone(w, `it could not open the store: ${m.message}`);
    } else if (m.type === 'shard-answer') {
      this.onShardAnswer(w, m);
    } else if (m.type === 'split') {
      if (w.running?.id === m.id) this.onSplit(w.running, m.shards, m.samples);
    } else if (w.running?.id === m.id) {
      const p = w.running;
      w.running = undefined;
      this.releaseHelpers(p);
      p.settle();
      if (p.task.kind !== 'totals') this.stats.count(m.outcome);
      if (m.type === 'answer' && p.task.kind === 'query') {
        if (m.internal) this.o.log(`query: ${JSON.stringify(p.task.job.query)}: ${m.internal}`);
        p.task.resolve(m.answer);
      } else if (m.type === 'rule-answer' && p.task.kind === 'rule') {
        p.task.resolve({ data: m.data, error: m.error });
      } else if (m.type === 'totals-answer' && p.task.kind === 'totals') {
        p.task.resolve({ totals: m.totals, error: m.error });
      }
      this.pump();
    }
  }

  /** A worker that died or could not start: its query (or, if none started, the oldest waiting one) fails. */
  private onGone(w: PoolWorker, why: string): void {
    const i = this.workers.indexOf(w);
    if (i < 0) return;
    this.workers.splice(i, 1);
    this.warmed();
    if (this.closed) return;
    this.o.log(`query: a query worker stopped (${why})`);
    void w.worker.terminate();
    const helped = w.running && w.running.worker !== w ? w.running : undefined;
    if (helped) {
      if (w.shard === undefined) {
        // Set aside, no shard given yet: the query splits over the helpers left (see onSplit).
        helped.helpers = helped.helpers.filter((x) => x !== w);
        this.pump();
      } else {
        // Its shard is evaluated by the query's worker itself.
        this.onShardAnswer(w, { type: 'shard-answer', id: helped.id, index: w.shard, lost: true });
      }
      return;
    }
    if (w.running) this.releaseHelpers(w.running);
    const failed = w.running ?? (w.ready ? undefined : this.queue.shift());
    // A split query's helpers answer later: their shards must not be passed to this worker.
    w.running = undefined;
    if (failed)
      this.fail(failed, 'error', new ApiError('internal', `the query worker stopped (${why}): the query was not answered; try again`));
    this.pump();
  }

  private abort(p: Pending): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.fail(p, 'canceled', new ApiError('canceled', 'query was canceled: the client went away'));
      return;
    }
    // Running: its workers stop at their next look at the flag, and answer `canceled`.
    for (const w of this.workers) if (w.running === p) Atomics.store(w.cancel, 0, p.id);
  }

  private expire(p: Pending): void {
    const i = this.queue.indexOf(p);
    if (i < 0) return;
    this.queue.splice(i, 1);
    const waited = Math.round(performance.now() - p.enqueuedMs);
    const error = new ApiError(
      'timeout',
      `query timed out in query queue after ${waited} ms: the hub is busy with other queries; retry, raise the timeout, or raise query.max_concurrency`,
    );
    this.fail(p, 'timeout', error);
  }

  /** Ends a query that no worker answered: Prometheus's error for a client, the message for a rule. */
  private fail(p: Pending, outcome: QueryOutcome, e: ApiError): void {
    p.settle();
    if (p.task.kind !== 'totals') this.stats.count(outcome);
    if (p.task.kind === 'query') p.task.resolve(encodeError(e, p.task.encoding).answer);
    else p.task.resolve({ error: e.message });
  }

  private finish(outcome: QueryOutcome, answer: EncodedAnswer): EncodedAnswer {
    this.stats.count(outcome);
    return answer;
  }
}

function stoppingError(): ApiError {
  return new ApiError('unavailable', 'the hub is stopping: retry when it is back');
}

function canceledAnswer(encoding: AnswerEncoding): EncodedAnswer {
  return encodeError(new ApiError('canceled', 'query was canceled: the client went away'), encoding).answer;
}

function isOneStep(task: Task): boolean {
  return task.kind !== 'query' || task.job.kind === 'instant';
}
