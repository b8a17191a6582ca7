// One alerting rule's alerts and their state machine, as Prometheus runs it:
//
//   (not in the result)          in the result              pending for `for`
//        inactive ──────────────────► pending ───────────────────► firing
//           ▲                            │ gone from the result      │ gone from the result
//           └────────────────────────────┘                           │ (after keep_firing_for)
//           └──────────── resolved (kept 15 min to be sent) ◄────────┘
//
// Labels of an alert: the series' labels without __name__, the rule's labels (templates
// expanded), the group's labels, and alertname. Each evaluation is one call to `evaluate`.

import { labelsKey, type Labels } from '@metrics-hub/wire';
import { fingerprint, type Alert } from '../model.ts';
import type { AlertingRuleSpec } from './rule-file.ts';

/** How long a resolved alert is kept (and re-sent) after it resolved, as Prometheus does. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

export type AlertState = 'pending' | 'firing' | 'inactive';

export interface ActiveAlert {
  fingerprint: string;
  labels: Labels;
  annotations: Record<string, string>;
  /** 'inactive' with `resolvedAt` set: resolved, kept a while to be sent. */
  state: AlertState;
  value: number;
  activeAt: number;
  firedAt: number | undefined;
  resolvedAt: number | undefined;
  lastSentAt: number | undefined;
  keepFiringSince: number | undefined;
}

/** Expands one template for an alert: its labels (without alertname) and value. */
export type AlertTemplateExpander = (template: string, labels: Labels, value: number) => string;

export class AlertingRule {
  readonly active = new Map<string, ActiveAlert>();
  health: 'unknown' | 'ok' | 'err' = 'unknown';
  lastError: string | undefined;
  lastEvaluationMs: number | undefined;
  evaluationMs = 0;

  constructor(
    readonly spec: AlertingRuleSpec,
    readonly groupLabels: Record<string, string>,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  /**
   * Applies one evaluation's result at `ts`. Returns a problem when the result cannot be
   * turned into alerts (two series with the same labels after the rule's labels), in which
   * case nothing changes, as in Prometheus.
   */
  evaluate(
    result: readonly { metric: Labels; v: number }[],
    ts: number,
    expand: AlertTemplateExpander,
    limit = 0,
    /** For alerts new in this evaluation: when they became active before a restart, if known. */
    restoredActiveAt?: (fingerprint: string) => number | undefined,
  ): string | undefined {
    const seen = new Map<string, Omit<ActiveAlert, 'state' | 'activeAt' | 'firedAt' | 'resolvedAt' | 'lastSentAt' | 'keepFiringSince'>>();
    for (const { metric, v } of result) {
      const base: Record<string, string> = {};
      for (const [k, val] of Object.entries(metric)) if (k !== '__name__') base[k] = val;
      const labels: Record<string, string> = { ...base };
      for (const [k, t] of Object.entries(this.spec.labels)) {
        const value = expand(t, base, v);
        if (value === '') delete labels[k];
        else labels[k] = value;
      }
      for (const [k, val] of Object.entries(this.groupLabels)) labels[k] ??= val;
      labels.alertname = this.spec.name;
      const annotations: Record<string, string> = {};
      for (const [k, t] of Object.entries(this.spec.annotations)) annotations[k] = expand(t, base, v);
      const fp = fingerprint(labels);
      if (seen.has(fp)) return `vector contains metrics with the same labelset after applying alert labels: ${labelsKey(labels)}`;
      seen.set(fp, { fingerprint: fp, labels, annotations, value: v });
    }
    if (limit > 0 && seen.size > limit) return `exceeded limit of ${limit} with ${seen.size} alerts`;
    for (const [fp, a] of seen) {
      const existing = this.active.get(fp);
      if (existing && existing.state !== 'inactive') {
        existing.value = a.value;
        existing.annotations = a.annotations;
        existing.labels = a.labels;
        existing.keepFiringSince = undefined;
        continue;
      }
      this.active.set(fp, {
        ...a,
        state: 'pending',
        activeAt: restoredActiveAt?.(fp) ?? ts,
        firedAt: undefined,
        resolvedAt: undefined,
        lastSentAt: undefined,
        keepFiringSince: undefined,
      });
    }
    for (const [fp, a] of this.active) {
      if (seen.has(fp)) {
        if (a.state === 'pending' && ts - a.activeAt >= this.spec.forMs) {
          a.state = 'firing';
          a.firedAt = ts;
        }
        continue;
      }
      if (a.state === 'pending') {
        this.active.delete(fp);
        continue;
      }
      if (a.state === 'inactive') {
        if (a.resolvedAt !== undefined && ts - a.resolvedAt > RESOLVED_RETENTION_MS) this.active.delete(fp);
        continue;
      }
      if (this.spec.keepFiringForMs > 0) {
        a.keepFiringSince ??= ts;
        if (ts - a.keepFiringSince < this.spec.keepFiringForMs) continue;
      }
      a.state = 'inactive';
      a.resolvedAt = ts;
    }
    return undefined;
  }

  /**
   * The alerts to send now (firing ones every `resendDelayMs`, a resolved one once more
   * right away), marked sent. A firing alert's endsAt is its "valid until" (four resend
   * periods ahead): if the hub stops sending it, the notifier resolves it then.
   */
  alertsToSend(ts: number, resendDelayMs: number, intervalMs: number, generatorURL: string): Alert[] {
    const out: Alert[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const due =
        a.lastSentAt === undefined || (a.resolvedAt !== undefined && a.resolvedAt > a.lastSentAt) || a.lastSentAt + resendDelayMs <= ts;
      if (!due) continue;
      a.lastSentAt = ts;
      out.push({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.firedAt ?? a.activeAt,
        endsAt: a.state === 'inactive' ? a.resolvedAt! : ts + 4 * Math.max(resendDelayMs, intervalMs),
        generatorURL,
      });
    }
    return out;
  }

  /** Pending and firing alerts (what ALERTS and the API show). */
  current(): ActiveAlert[] {
    return [...this.active.values()].filter((a) => a.state !== 'inactive');
  }

  /** The rule's state as Prometheus's API names it: the most severe of its alerts. */
  state(): 'inactive' | 'pending' | 'firing' {
    let s: 'inactive' | 'pending' | 'firing' = 'inactive';
    for (const a of this.active.values()) {
      if (a.state === 'firing') return 'firing';
      if (a.state === 'pending') s = 'pending';
    }
    return s;
  }
}
