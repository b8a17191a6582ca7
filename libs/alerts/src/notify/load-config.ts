// A notifier config made ready to run: checked, its route tree built, its inhibition rules
// compiled and every receiver's Integrations made by the caller's factory. Open and reload
// both go through here, so a config is either taken whole or refused whole.

import type { Integration } from '../model.ts';
import { checkNotifierConfig, parseNotifierConfig, type NotifierConfig } from './config.ts';
import { Inhibitor } from './inhibit.ts';
import { buildRouteTree, type Route } from './route.ts';

/** Builds the Integration for one entry of a receiver's `<kind>_configs`; throw to reject the config. */
export type IntegrationFactory = (receiver: string, kind: string, config: Record<string, unknown>) => Integration;

export interface BoundIntegration {
  /** `webhook[0]`: kind and position among the receiver's integrations of that kind. */
  name: string;
  sendResolved: boolean;
  integration: Integration;
}

export interface LoadedConfig {
  config: NotifierConfig;
  root: Route;
  inhibitor: Inhibitor;
  receivers: Map<string, BoundIntegration[]>;
}

/** Checks a config and builds what it needs, the receivers' Integrations included. */
export function loadConfig(
  input: string | NotifierConfig,
  file: string,
  factory: IntegrationFactory,
): { ok: true; loaded: LoadedConfig } | { ok: false; problems: string[] } {
  let config: NotifierConfig;
  if (typeof input === 'string') {
    const parsed = parseNotifierConfig(input, file);
    if (!parsed.ok) return parsed;
    config = parsed.config;
  } else {
    const problems = checkNotifierConfig(input, file);
    if (problems.length) return { ok: false, problems };
    config = input;
  }
  const problems: string[] = [];
  const receivers = new Map<string, BoundIntegration[]>();
  for (const r of config.receivers) {
    const perKind = new Map<string, number>();
    const bound: BoundIntegration[] = [];
    for (const c of r.integrations) {
      const index = perKind.get(c.kind) ?? 0;
      perKind.set(c.kind, index + 1);
      const name = `${c.kind}[${index}]`;
      try {
        bound.push({ name, sendResolved: c.sendResolved, integration: factory(r.name, c.kind, c.config) });
      } catch (e) {
        problems.push(
          `${c.at ?? r.at ?? file}: receiver "${r.name}" ${c.kind}_configs[${index}]: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
    receivers.set(r.name, bound);
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, loaded: { config, root: buildRouteTree(config.route), inhibitor: new Inhibitor(config.inhibitRules), receivers } };
}
