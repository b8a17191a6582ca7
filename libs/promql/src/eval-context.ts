// What every node's evaluation shares: the step times, the query's bounds, the store, the
// annotations collected so far, and the limits that keep one query from taking the hub down.

import type { AtModifier, Duration, Expr, Position } from './ast.ts';
import { lineColumn, PromqlError } from './errors.ts';
import { applyOp } from './operators.ts';
import type { Queryable, SelectHints } from './queryable.ts';
import type { QueryStats } from './query-stats.ts';
import type { Labels } from '@metrics-hub/wire';
import { newSeries, type StepSeries, type Value } from './values.ts';

/** Units of work (samples or steps visited) between two looks at the clock. */
const WORK_BETWEEN_CLOCK_CHECKS = 16_384;

export interface EngineLimits {
  lookbackDeltaMs: number;
  /**
   * Samples one query may load or create: raw points read, and one per step for every
   * series an expression produces (selectors, functions, aggregations, count_values and
   * label_replace alike), plus label text a query writes at 16 bytes a sample. Counted as
   * they are allocated and never given back, so it bounds the query's memory from above.
   */
  maxSamples: number;
  timeoutMs: number;
  /** Step of a subquery written without one (`x[1h:]`), like Prometheus's evaluation_interval. */
  defaultSubqueryStepMs: number;
  /** Answer range functions from the store's rollups where that gives the same result. */
  useRollups: boolean;
  /**
   * Prometheus 2.x windows, [t - range, t] and [t - lookback, t], instead of 3.x's
   * left-open ones: only for checking answers side by side with a 2.x server.
   */
  leftClosedWindows: boolean;
}

/** Per query, beside the engine's limits: when it must end, and whether its caller still wants it. */
export interface QueryOptions {
  /** Date.now() milliseconds past which the query fails with a timeout (default: now + timeoutMs). */
  deadline?: number;
  /**
   * Looked at with the clock (every few thousand units of work): true stops the query with
   * errorType `canceled` (a client that went away, a pool shutting down).
   */
  cancelled?: () => boolean;
  /** Filled with where the query's time went (Prometheus's `stats` parameter). */
  stats?: QueryStats;
  /**
   * The sample count of a query split across workers, shared by all of them: each adds
   * what it holds, and the limit applies to the sum (see SampleCounter).
   */
  samples?: SampleCounter;
}

/** A count of samples held that several evaluations add to (Atomics on shared memory, across threads). */
export interface SampleCounter {
  /** Adds n; returns the new total. */
  add(n: number): number;
}

export class EvalContext {
  readonly steps: number;
  private samples = 0;
  private work = 0;
  private readonly deadline: number;
  readonly annotations = { warnings: new Set<string>(), infos: new Set<string>() };
  /**
   * Whether vector selectors keep each step's sample time: only timestamp() reads them, so
   * the engine clears it for queries that do not call it.
   */
  keepsSampleTimes = true;
  /** Where the time goes, when the caller asked (set on the top-level context). */
  private ownStats: QueryStats | undefined;
  /** The count the limit applies to when the query is split across workers (root context). */
  private sharedSamples: SampleCounter | undefined;
  /**
   * Values already known for nodes of the expression (set on the root context): the shards'
   * parts of a query split across workers, which evaluate() returns instead of evaluating.
   */
  private givenValues: Map<Expr, Value> | undefined;
  /** Passed to the store's reads: what it reports joins the query's annotations as it is. */
  readonly selectHints: SelectHints = {
    annotate: (level, message) => void (level === 'warning' ? this.notes.warnings : this.notes.infos).add(message),
    tick: (units) => this.tick(units),
    readsAll: true,
  };

  constructor(
    readonly queryable: Queryable,
    readonly query: string,
    /** Evaluation times of this (sub)evaluation, ascending. */
    readonly times: Float64Array,
    /** The top-level query's start, end and step, for @ start()/end(), step() and range(). */
    readonly queryStart: number,
    readonly queryEnd: number,
    readonly queryStep: number,
    readonly limits: EngineLimits,
    deadline?: number,
    private readonly parent?: EvalContext,
    private readonly cancelled?: () => boolean,
  ) {
    this.steps = times.length;
    this.deadline = deadline ?? Date.now() + limits.timeoutMs;
  }

  /** The root context of a query run with `options`. */
  static forQuery(
    queryable: Queryable,
    query: string,
    times: Float64Array,
    range: { start: number; end: number; step: number },
    limits: EngineLimits,
    options: QueryOptions = {},
  ): EvalContext {
    const ctx = new EvalContext(
      queryable,
      query,
      times,
      range.start,
      range.end,
      range.step,
      limits,
      options.deadline,
      undefined,
      options.cancelled,
    );
    ctx.sharedSamples = options.samples;
    ctx.checkTime();
    return ctx;
  }

  /** A context for a subquery's inner expression at other times, sharing limits and notes. */
  child(times: Float64Array): EvalContext {
    const c = new EvalContext(
      this.queryable,
      this.query,
      times,
      this.queryStart,
      this.queryEnd,
      this.queryStep,
      this.limits,
      this.deadline,
      this.root(),
    );
    c.keepsSampleTimes = this.keepsSampleTimes;
    return c;
  }

  private root(): EvalContext {
    return this.parent ?? this;
  }

  get notes(): EvalContext['annotations'] {
    return this.root().annotations;
  }

  get stats(): QueryStats | undefined {
    return this.root().ownStats;
  }

  set stats(stats: QueryStats | undefined) {
    this.root().ownStats = stats;
  }

  get given(): Map<Expr, Value> | undefined {
    return this.root().givenValues;
  }

  set given(values: Map<Expr, Value> | undefined) {
    this.root().givenValues = values;
  }

  /** Samples counted toward the limit so far (the query's peak: nothing is given back). */
  get samplesHeld(): number {
    return this.root().samples;
  }

  /** Counts samples held; fails the query once the limit is passed. */
  hold(n: number): void {
    const root = this.root();
    root.samples += n;
    const total = root.sharedSamples ? root.sharedSamples.add(n) : root.samples;
    if (total > this.limits.maxSamples) {
      throw new PromqlError(
        'too_many_samples',
        `query processing would load too many samples into memory in query execution (limit ${this.limits.maxSamples}): narrow the selectors or the time range, or use a larger step`,
      );
    }
  }

  /** A series with a slot per step, counted (before it is allocated) toward the sample limit. */
  newSeries(labels: Labels): StepSeries {
    this.hold(this.steps);
    return newSeries(labels, this.steps);
  }

  /** A scalar's per-step values, counted like a series. */
  newValues(): Float64Array {
    this.hold(this.steps);
    return new Float64Array(this.steps);
  }

  /** Label text the query writes (label_replace, label_join), counted at 16 bytes a sample. */
  holdText(chars: number): void {
    this.hold(Math.ceil(chars / 16));
  }

  checkTime(): void {
    if (this.root().cancelled?.()) throw new PromqlError('canceled', 'query was canceled in expression evaluation');
    if (Date.now() > this.deadline) {
      throw new PromqlError('timeout', `query timed out after ${this.limits.timeoutMs} ms: narrow the query or raise the timeout`);
    }
  }

  /**
   * Counts `units` of work done (samples or steps visited) and looks at the clock every
   * few thousand: cheap enough for inner loops, so that no part of an evaluation runs
   * long past the deadline.
   */
  tick(units = 1): void {
    const root = this.parent ?? this;
    root.work += units;
    if (root.work < WORK_BETWEEN_CLOCK_CHECKS) return;
    root.work = 0;
    this.checkTime();
  }

  annotate(level: 'warning' | 'info', message: string, pos: Position | undefined): void {
    const prefix = level === 'warning' ? 'PromQL warning: ' : 'PromQL info: ';
    const text = message.startsWith('PromQL ') ? message : prefix + message;
    const lc = pos && lineColumn(this.query, pos.start);
    const where = lc ? ` (${lc.line}:${lc.column})` : '';
    (level === 'warning' ? this.notes.warnings : this.notes.infos).add(text + where);
  }

  fail(message: string, pos?: Position): PromqlError {
    return new PromqlError('execution', message, pos ? this.query : undefined, pos);
  }

  /** Seconds of a duration expression, with step() and range() of the top-level query. */
  seconds(d: Duration): number {
    switch (d.kind) {
      case 'literal':
        return d.seconds;
      case 'step':
        return this.queryStep / 1000;
      case 'range':
        return (this.queryEnd - this.queryStart) / 1000;
      case 'neg':
        return -this.seconds(d.of);
      case 'min':
        return Math.min(this.seconds(d.a), this.seconds(d.b));
      case 'max':
        return Math.max(this.seconds(d.a), this.seconds(d.b));
      case 'binary':
        return applyOp(d.op, this.seconds(d.lhs), this.seconds(d.rhs));
    }
  }

  /** Extra milliseconds at the left edge of windows: 1 emulates 2.x's closed windows. */
  get windowSlackMs(): number {
    return this.limits.leftClosedWindows ? 1 : 0;
  }

  ms(d: Duration | undefined): number {
    return d ? Math.round(this.seconds(d) * 1000) : 0;
  }

  /** The time a selector or subquery looks at for step i, after @ and offset. */
  effectiveTime(i: number, at: AtModifier | undefined, offsetMs: number): number {
    const base = !at ? this.times[i] : at.kind === 'time' ? at.ms : at.kind === 'start' ? this.queryStart : this.queryEnd;
    return base - offsetMs;
  }
}
