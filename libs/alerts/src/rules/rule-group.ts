// One rule group's evaluation at a time `ts`: its rules in order (a rule sees what the
// rules before it recorded at `ts`), the outputs appended to the store (recorded series,
// ALERTS and ALERTS_FOR_STATE) with staleness markers for series that went away, the
// state persisted, and the alerts due to be sent handed on.
//
// The evaluation is a generator that yields each rule's query: run on the engine here
// (`evaluate`, synchronous) or elsewhere (`evaluateAsync` with the context's `query`: the
// hub's query workers), the rest of the evaluation is the same code.

import type { Engine, Queryable, QueryData } from '@metrics-hub/promql';
import { labelsKey, STALE_NAN, type Labels } from '@metrics-hub/wire';
import type { Alert } from '../model.ts';
import { AlertingRule, type AlertTemplateExpander } from './alerting-rule.ts';
import { restoredActiveAt, type RestoreOptions } from './restore.ts';
import type { RuleGroup, RecordingRuleSpec } from './rule-file.ts';
import type { AlertStateStore, PersistedGroup } from './state-store.ts';

export interface Appender {
  append(series: { labels: Labels; timestamps: ArrayLike<number>; values: ArrayLike<number> }[]): unknown;
}

export interface GroupContext {
  engine: Engine;
  queryable: Queryable;
  /**
   * Runs a rule's instant query elsewhere (a worker thread); rejects with the query's error.
   * Without it, rules run on `engine` over `queryable`, on the calling thread.
   */
  query?: (expr: string, timeMs: number) => Promise<QueryData>;
  appender: Appender;
  expand: AlertTemplateExpander;
  state: AlertStateStore;
  restore: RestoreOptions;
  resendDelayMs: number;
  /** A link for an expression (the hub's query page). */
  generatorURL: (expr: string) => string;
}

export class RecordingRule {
  health: 'unknown' | 'ok' | 'err' = 'unknown';
  lastError: string | undefined;
  lastEvaluationMs: number | undefined;
  evaluationMs = 0;
  constructor(readonly spec: RecordingRuleSpec) {}
  get name(): string {
    return this.spec.name;
  }
}

export type EvaluatedRule = AlertingRule | RecordingRule;

export class EvaluatedGroup {
  readonly key: string;
  readonly rules: EvaluatedRule[];
  lastEvaluationMs: number | undefined;
  evaluationMs = 0;
  /** Series each rule wrote last time, for staleness markers when they go away. */
  private previous: Map<string, Labels>[];
  /** State from before a restart, used by the first evaluation only. */
  private persisted: PersistedGroup | undefined;

  constructor(
    readonly spec: RuleGroup,
    readonly intervalMs: number,
    state: AlertStateStore,
  ) {
    this.key = `${spec.file};${spec.name}`;
    this.rules = spec.rules.map((r) => (r.kind === 'alert' ? new AlertingRule(r, spec.labels) : new RecordingRule(r)));
    this.previous = this.rules.map(() => new Map());
    this.persisted = state.load(this.key);
  }

  /** Carries state over from the group this one replaces (a reloaded file). */
  adopt(old: EvaluatedGroup): void {
    const taken = new Set<EvaluatedRule>();
    this.rules.forEach((rule, i) => {
      const match = old.rules.find((o) => !taken.has(o) && o.constructor === rule.constructor && o.name === rule.name);
      if (!match) return;
      taken.add(match);
      if (rule instanceof AlertingRule && match instanceof AlertingRule) for (const [fp, a] of match.active) rule.active.set(fp, a);
      this.previous[i] = old.previous[old.rules.indexOf(match)];
    });
    this.persisted = undefined;
    this.lastEvaluationMs = old.lastEvaluationMs;
  }

  /** Evaluates every rule at `ts` on the engine, on this thread; returns the alerts to send. */
  evaluate(ts: number, ctx: GroupContext): Alert[] {
    const steps = this.steps(ts, ctx);
    let next = steps.next();
    while (!next.done) {
      const { expr, at } = next.value;
      let answer: RuleAnswer;
      try {
        answer = { data: ctx.engine.instantQuery(ctx.queryable, expr, at).data };
      } catch (e) {
        answer = { error: e as Error };
      }
      next = steps.next(answer);
    }
    return next.value;
  }

  /** Evaluates every rule at `ts` through `ctx.query`; resolves to the alerts to send. */
  async evaluateAsync(ts: number, ctx: GroupContext & { query: NonNullable<GroupContext['query']> }): Promise<Alert[]> {
    const steps = this.steps(ts, ctx);
    let next = steps.next();
    while (!next.done) {
      const { expr, at } = next.value;
      let answer: RuleAnswer;
      try {
        answer = { data: await ctx.query(expr, at) };
      } catch (e) {
        answer = { error: e as Error };
      }
      next = steps.next(answer);
    }
    return next.value;
  }

  private *steps(ts: number, ctx: GroupContext): Generator<RuleQuery, Alert[], RuleAnswer> {
    const started = performance.now();
    const persisted = this.persisted;
    this.persisted = undefined;
    const out: Alert[] = [];
    const queryAt = ts - this.spec.queryOffsetMs;
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
      const ruleStarted = performance.now();
      const written = new Map<string, Labels>();
      const series: { labels: Labels; timestamps: ArrayLike<number>; values: ArrayLike<number> }[] = [];
      const emit = (labels: Labels, value: number) => {
        written.set(labelsKey(labels), labels);
        series.push({ labels, timestamps: [ts], values: Float64Array.of(value) });
      };
      try {
        const answer = yield { expr: rule.spec.expr, at: queryAt };
        if (answer.error) throw answer.error;
        const vector = instantVector(answer.data!);
        if (rule instanceof RecordingRule) {
          if (this.spec.limit > 0 && vector.length > this.spec.limit)
            throw new Error(`exceeded limit of ${this.spec.limit} with ${vector.length} series`);
          for (const { metric, v } of vector) {
            const labels: Record<string, string> = { ...metric, ...this.spec.labels, ...rule.spec.labels, __name__: rule.spec.name };
            if (written.has(labelsKey(labels)))
              throw new Error(`vector contains metrics with the same labelset after applying rule labels: ${labelsKey(labels)}`);
            emit(labels, v);
          }
        } else {
          const restore =
            persisted &&
            ((fp: string) => {
              const before = persisted.alerts.get(fp);
              return before && before.state !== 'inactive'
                ? restoredActiveAt(before.activeAt, persisted.lastEvalMs, ts, rule.spec.forMs, ctx.restore)
                : undefined;
            });
          const problem = rule.evaluate(vector, ts, ctx.expand, this.spec.limit, restore);
          if (problem) throw new Error(problem);
          for (const a of rule.current()) {
            emit({ ...a.labels, __name__: 'ALERTS', alertstate: a.state }, 1);
            emit({ ...a.labels, __name__: 'ALERTS_FOR_STATE' }, a.activeAt / 1000);
          }
          out.push(...rule.alertsToSend(ts, ctx.resendDelayMs, this.intervalMs, ctx.generatorURL(rule.spec.expr)));
        }
        rule.health = 'ok';
        rule.lastError = undefined;
      } catch (e) {
        // A failing rule keeps its alerts as they were; the others go on.
        rule.health = 'err';
        rule.lastError = (e as Error).message;
        written.clear();
        series.length = 0;
        for (const [k, l] of this.previous[i]) written.set(k, l);
      }
      for (const [k, labels] of this.previous[i])
        if (!written.has(k)) series.push({ labels, timestamps: [ts], values: Float64Array.of(STALE_NAN) });
      this.previous[i] = written;
      if (series.length) ctx.appender.append(series);
      rule.lastEvaluationMs = ts;
      rule.evaluationMs = performance.now() - ruleStarted;
    }
    ctx.state.store(
      this.key,
      ts,
      this.rules.filter((r): r is AlertingRule => r instanceof AlertingRule).map((r) => ({ name: r.name, alerts: r.current() })),
    );
    this.lastEvaluationMs = ts;
    this.evaluationMs = performance.now() - started;
    return out;
  }
}

/** What a group's evaluation asks for: a rule's instant query at `at`. */
interface RuleQuery {
  expr: string;
  at: number;
}

type RuleAnswer = { data: QueryData; error?: undefined } | { data?: undefined; error: Error };

function instantVector(data: QueryData): { metric: Labels; v: number }[] {
  if (data.resultType === 'vector') return data.result.map((s) => ({ metric: s.metric, v: s.v }));
  if (data.resultType === 'scalar') return [{ metric: {}, v: data.result.v }];
  throw new Error(`rule expression must give an instant vector or a scalar, not a ${data.resultType}`);
}
