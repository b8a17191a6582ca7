// Inhibition: a firing alert matching a rule's source matchers mutes the alerts matching
// its target matchers that carry the same values of the `equal` labels (absent counts as
// ""). As in Alertmanager, an alert matching both sides is not muted by sources that also
// match the target side, so a rule like "critical mutes warning of the same name" cannot
// make alerts of one kind mute each other; and a muted (silenced, inhibited) source still
// inhibits, since it is still firing.

import type { Labels } from '../model.ts';
import type { InhibitRuleConfig } from './config.ts';
import { compileMatchers, matchesAll, type CompiledMatcher } from './matchers.ts';

interface Rule {
  source: CompiledMatcher[];
  target: CompiledMatcher[];
  equal: string[];
}

export interface InhibitSource {
  fingerprint: string;
  labels: Labels;
}

/** Which sources inhibit an alert with these labels (fingerprints, sorted; empty: not inhibited). */
export type InhibitCheck = (labels: Labels) => string[];

export class Inhibitor {
  private readonly rules: Rule[];

  constructor(rules: readonly InhibitRuleConfig[]) {
    this.rules = rules.map((r) => ({
      source: compileMatchers(r.sourceMatchers),
      target: compileMatchers(r.targetMatchers),
      equal: r.equal,
    }));
  }

  /** Indexes the currently firing alerts as sources, once per evaluation. */
  prepare(firing: readonly InhibitSource[]): InhibitCheck {
    if (!this.rules.length) return () => [];
    const indexes = this.rules.map((rule) => {
      const byEqual = new Map<string, InhibitSource[]>();
      for (const a of firing) {
        if (!matchesAll(rule.source, a.labels)) continue;
        const key = equalKey(rule.equal, a.labels);
        const list = byEqual.get(key);
        if (list) list.push(a);
        else byEqual.set(key, [a]);
      }
      return byEqual;
    });
    return (labels) => {
      const out = new Set<string>();
      this.rules.forEach((rule, i) => {
        if (!matchesAll(rule.target, labels)) return;
        const twoSided = matchesAll(rule.source, labels);
        for (const s of indexes[i].get(equalKey(rule.equal, labels)) ?? []) {
          if (twoSided && matchesAll(rule.target, s.labels)) continue;
          out.add(s.fingerprint);
        }
      });
      return [...out].sort();
    };
  }
}

function equalKey(names: readonly string[], labels: Labels): string {
  return JSON.stringify(names.map((n) => labels[n] ?? ''));
}
