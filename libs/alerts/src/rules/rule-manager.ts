// The rule files and their groups: loaded, checked, evaluated on their intervals and
// reloaded when a file changes. A file that no longer parses keeps its last good version
// running and its problem is reported (log, API); state carries over across reloads and,
// through SQLite, across restarts. No timers inside: the hub calls tick(now).

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { formatFloat } from '@metrics-hub/go-format';
import type { AlertsData, RuleAlert, RuleGroupView, RulesData } from '@metrics-hub/hub-api';
import type { Engine, Queryable, QueryData } from '@metrics-hub/promql';
import type { Alert } from '../model.ts';
import { AlertingRule, type AlertTemplateExpander } from './alerting-rule.ts';
import { EvaluatedGroup, RecordingRule, type Appender, type GroupContext } from './rule-group.ts';
import { parseRuleFile, RuleFileError, type RuleFile } from './rule-file.ts';
import type { RestoreOptions } from './restore.ts';
import { checkAlertTemplate, renderAlertTemplate } from '../template/index.ts';
import { AlertStateStore } from './state-store.ts';

export interface RuleManagerOptions {
  engine: Engine;
  queryable: Queryable;
  /**
   * Runs rules' queries elsewhere (the hub's query workers): then `tick` evaluates
   * asynchronously. Without it, on `engine` over `queryable`, synchronously.
   */
  query?: (expr: string, timeMs: number) => Promise<QueryData>;
  appender: Appender;
  /** Receives alerts to send (the notifier's put). */
  notify: (alerts: Alert[], now: number) => void;
  /** Rule files, or folders whose *.yml / *.yaml files are rule files. */
  paths: string[];
  defaultIntervalMs: number;
  /** Expands annotation and label templates (default: Go templates as Prometheus has them). */
  expand?: AlertTemplateExpander;
  /** Checks a template when a file is loaded; returns the problem (default: the Go template parser). */
  checkTemplate?: (template: string) => string | undefined;
  /** For `$externalURL` in templates. */
  externalURL?: () => string;
  generatorURL?: (expr: string) => string;
  resendDelayMs?: number;
  restore?: Partial<RestoreOptions>;
  log: (line: string) => void;
}

interface FileState {
  path: string;
  mtimeMs: number;
  size: number;
  good: RuleFile | undefined;
  error: string | undefined;
}

export class RuleManager {
  private readonly files = new Map<string, FileState>();
  private groups = new Map<string, EvaluatedGroup>();
  private readonly nextEvalAt = new Map<string, number>();
  private readonly state: AlertStateStore;
  private readonly ctx: GroupContext;
  private lastCheckMs = -Infinity;

  constructor(
    db: Database.Database,
    private readonly o: RuleManagerOptions,
  ) {
    this.state = new AlertStateStore(db);
    this.ctx = {
      engine: o.engine,
      queryable: o.queryable,
      query: o.query,
      appender: o.appender,
      expand: o.expand ?? ((t, labels, value) => renderAlertTemplate(t, labels, value, { externalURL: o.externalURL?.() })),
      state: this.state,
      restore: { forGracePeriodMs: o.restore?.forGracePeriodMs ?? 60_000, outageToleranceMs: o.restore?.outageToleranceMs ?? 3_600_000 },
      resendDelayMs: o.resendDelayMs ?? 60_000,
      generatorURL: o.generatorURL ?? (() => ''),
    };
    this.reload();
  }

  /** Re-reads changed files (all of them with `force`); returns each file's problem, if any. */
  reload(force = false): { file: string; error?: string }[] {
    const seen = new Set<string>();
    for (const path of this.listFiles()) {
      seen.add(path);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      const f = this.files.get(path) ?? { path, mtimeMs: -1, size: -1, good: undefined, error: undefined };
      this.files.set(path, f);
      if (!force && f.mtimeMs === st.mtimeMs && f.size === st.size) continue;
      f.mtimeMs = st.mtimeMs;
      f.size = st.size;
      try {
        f.good = parseRuleFile(readFileSync(path, 'utf8'), path, this.o.checkTemplate ?? checkAlertTemplate);
        if (f.error) this.o.log(`rules: ${path} is good again`);
        f.error = undefined;
      } catch (e) {
        f.error = e instanceof RuleFileError ? e.problems.join('\n') : `${path}: ${(e as Error).message}`;
        this.o.log(`rules: ${path} not loaded (${f.good ? 'its last good version keeps running' : 'no rules from it run'}):\n${f.error}`);
      }
    }
    for (const path of [...this.files.keys()]) if (!seen.has(path)) this.files.delete(path);
    this.rebuildGroups();
    return [...this.files.values()].map((f) => ({ file: f.path, error: f.error }));
  }

  /**
   * Evaluates the groups that are due; checks the files for changes every few seconds.
   * With `query` it resolves once they are evaluated (the caller does not start another
   * tick meanwhile); without, it has evaluated them when it returns.
   */
  tick(now: number): void | Promise<void> {
    if (now - this.lastCheckMs >= 5000) {
      this.lastCheckMs = now;
      this.reload();
    }
    const due: { g: EvaluatedGroup; ts: number }[] = [];
    for (const g of this.groups.values()) {
      // Evaluation times are multiples of the interval: the same instants on every run.
      const ts = Math.floor(now / g.intervalMs) * g.intervalMs;
      if ((this.nextEvalAt.get(g.key) ?? -Infinity) > ts) continue;
      this.nextEvalAt.set(g.key, ts + g.intervalMs);
      due.push({ g, ts });
    }
    const query = this.ctx.query;
    if (!query) {
      for (const { g, ts } of due) this.evaluated(g, ts, g.evaluate(ts, this.ctx), now);
      return;
    }
    return (async () => {
      for (const { g, ts } of due) this.evaluated(g, ts, await g.evaluateAsync(ts, { ...this.ctx, query }), now);
    })();
  }

  private evaluated(g: EvaluatedGroup, ts: number, alerts: Alert[], now: number): void {
    for (const r of g.rules)
      if (r.health === 'err' && r.lastEvaluationMs === ts)
        this.o.log(`rules: group ${JSON.stringify(g.spec.name)} rule ${r.name}: ${r.lastError}`);
    if (alerts.length) this.o.notify(alerts, now);
  }

  groupList(): EvaluatedGroup[] {
    return [...this.groups.values()];
  }

  fileProblems(): { file: string; error: string }[] {
    return [...this.files.values()].filter((f) => f.error).map((f) => ({ file: f.path, error: f.error! }));
  }

  /**
   * /api/v1/rules data, with Prometheus's filters: rule type, names, groups, files, labels,
   * alerts left out, and pages of `groupLimit` groups (groups in file, then name order).
   */
  rulesApi(filter: RulesQuery = {}): RulesData {
    const ruleFilters = filter.type !== undefined || filter.ruleNames?.length || filter.ruleLabels !== undefined;
    let list = this.groupList()
      .filter(
        (g) =>
          (!filter.groupNames?.length || filter.groupNames.includes(g.spec.name)) &&
          (!filter.files?.length || filter.files.includes(g.spec.file)),
      )
      .sort((a, b) =>
        a.spec.file < b.spec.file ? -1 : a.spec.file > b.spec.file ? 1 : a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0,
      );
    const wanted = (r: EvaluatedGroup['rules'][number]) =>
      (!filter.type || (filter.type === 'alert' ? r instanceof AlertingRule : r instanceof RecordingRule)) &&
      (!filter.ruleNames?.length || filter.ruleNames.includes(r.name)) &&
      (!filter.ruleLabels || filter.ruleLabels(r.spec.labels ?? {}));
    // A group left without rules by a rule filter is not listed, as in Prometheus.
    if (ruleFilters) list = list.filter((g) => g.rules.some(wanted));
    let nextToken: string | undefined;
    if (filter.groupNextToken !== undefined) {
      const from = list.findIndex((g) => groupToken(g.spec.file, g.spec.name) === filter.groupNextToken);
      if (from < 0) throw new RulesQueryError(`invalid group_next_token ${JSON.stringify(filter.groupNextToken)}: start again without it`);
      list = list.slice(from);
    }
    if (filter.groupLimit !== undefined && list.length > filter.groupLimit) {
      nextToken = groupToken(list[filter.groupLimit].spec.file, list[filter.groupLimit].spec.name);
      list = list.slice(0, filter.groupLimit);
    }
    const groups: RuleGroupView[] = list.map((g) => ({
      name: g.spec.name,
      file: g.spec.file,
      interval: g.intervalMs / 1000,
      limit: g.spec.limit,
      evaluationTime: g.evaluationMs / 1000,
      lastEvaluation: iso(g.lastEvaluationMs),
      rules: g.rules.filter(wanted).map((r) =>
        r instanceof AlertingRule
          ? {
              state: r.state(),
              name: r.name,
              query: r.spec.expr,
              duration: r.spec.forMs / 1000,
              keepFiringFor: r.spec.keepFiringForMs / 1000,
              labels: r.spec.labels,
              annotations: r.spec.annotations,
              ...(filter.excludeAlerts ? {} : { alerts: r.current().map(apiAlert) }),
              health: r.health,
              ...(r.lastError ? { lastError: r.lastError } : {}),
              evaluationTime: r.evaluationMs / 1000,
              lastEvaluation: iso(r.lastEvaluationMs),
              type: 'alerting',
            }
          : {
              name: r.name,
              query: r.spec.expr,
              labels: r.spec.labels,
              health: r.health,
              ...(r.lastError ? { lastError: r.lastError } : {}),
              evaluationTime: r.evaluationMs / 1000,
              lastEvaluation: iso(r.lastEvaluationMs),
              type: 'recording',
            },
      ),
    }));
    return nextToken === undefined ? { groups } : { groups, groupNextToken: nextToken };
  }

  /** /api/v1/alerts data. */
  alertsApi(): AlertsData {
    const alerts: RuleAlert[] = [];
    for (const g of this.groups.values()) for (const r of g.rules) if (r instanceof AlertingRule) alerts.push(...r.current().map(apiAlert));
    return { alerts };
  }

  private listFiles(): string[] {
    const out: string[] = [];
    for (const p of this.o.paths) {
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        for (const name of readdirSync(p).sort()) if (/\.ya?ml$/.test(name)) out.push(join(p, name));
      } else out.push(p);
    }
    return out;
  }

  private rebuildGroups(): void {
    const next = new Map<string, EvaluatedGroup>();
    for (const f of this.files.values()) {
      for (const spec of f.good?.groups ?? []) {
        const interval = spec.intervalMs || this.o.defaultIntervalMs;
        const key = `${spec.file};${spec.name}`;
        const old = this.groups.get(key);
        if (old && old.spec === spec) {
          next.set(key, old);
          continue;
        }
        const g = new EvaluatedGroup(spec, interval, this.state);
        if (old) g.adopt(old);
        next.set(key, g);
      }
    }
    for (const key of this.nextEvalAt.keys()) if (!next.has(key)) this.nextEvalAt.delete(key);
    this.groups = next;
  }
}

function iso(ms: number | undefined): string {
  return new Date(ms ?? 0).toISOString();
}

function apiAlert(a: {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt: number;
  value: number;
  keepFiringSince?: number;
}): RuleAlert {
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: iso(a.activeAt),
    ...(a.keepFiringSince !== undefined ? { keepFiringSince: iso(a.keepFiringSince) } : {}),
    // Prometheus prints the value with strconv.FormatFloat(v, 'e', -1, 64).
    value: formatFloat(a.value, 'e', -1),
  };
}

/** Prometheus's /api/v1/rules filters, already checked. */
export interface RulesQuery {
  type?: 'alert' | 'record';
  ruleNames?: readonly string[];
  groupNames?: readonly string[];
  files?: readonly string[];
  /** Whether a rule's configured labels are selected (`match[]`). */
  ruleLabels?: (labels: Record<string, string>) => boolean;
  excludeAlerts?: boolean;
  groupLimit?: number;
  groupNextToken?: string;
}

/** A rules query that cannot be answered as asked (a stale page token). */
export class RulesQueryError extends Error {
  override name = 'RulesQueryError';
}

/** A page token: stable for a group while its file and name stay. */
function groupToken(file: string, name: string): string {
  return createHash('sha1').update(`${file};${name}`).digest('hex');
}
