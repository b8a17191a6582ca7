// The notifier's config in Alertmanager's YAML shape (a subset: route tree, receivers,
// inhibit rules; no time intervals) plus the product's own settings. Reading happens in two
// passes: the YAML pass (config-schema.ts, through libs/config) reports every structural
// mistake (unknown key, wrong type, bad duration, bad matcher) at the line it is on; the
// semantic pass (config-check.ts, also run for configs built in code) reports what only the
// whole config shows (a route naming a receiver that does not exist). All problems come at
// once, each as "file:line: what is wrong: how to fix it".

import { readYaml } from '@metrics-hub/config';
import { checkNotifierConfig } from './config-check.ts';
import type { ConfigResult } from './config-model.ts';
import { notifierConfigSchema } from './config-schema.ts';

export { checkNotifierConfig };
export {
  INTEGRATION_KINDS,
  NotifierConfigError,
  ROUTE_DEFAULTS,
  type ConfigResult,
  type InhibitRuleConfig,
  type IntegrationConfig,
  type NotifierConfig,
  type ReceiverConfig,
  type RouteConfig,
} from './config-model.ts';

/** Parses and checks an Alertmanager-style YAML config; every problem names `file` and the line. */
export function parseNotifierConfig(text: string, file: string): ConfigResult {
  const read = readYaml(text, file, notifierConfigSchema);
  const problems = [...read.problems, ...(read.value ? checkNotifierConfig(read.value, file) : [])];
  return problems.length || !read.value ? { ok: false, problems } : { ok: true, config: read.value };
}
