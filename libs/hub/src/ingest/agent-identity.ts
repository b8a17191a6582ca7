// An agent speaks only for itself. Every series that arrives from an agent is stored with
// `instance` set to the agent id the broker authenticated (its MQTT user name, which is
// also its topic), whatever the agent put there: a different `instance` the agent sent
// (a local scrape target's host:port, or a forged "db-1") moves aside to
// `exported_instance`, as Prometheus does for a target's labels with honor_labels: false.
// So one agent cannot write into, shadow or silence another's series, and the scrape
// targets of one agent stay distinct series under its name.
//
// The series the hub itself writes for each agent (`up{job="node"}` and the clock offset)
// are refused from agents: they say what the hub observed, not what an agent claims.

import { METRIC_NAME_LABEL, type Labels } from '@metrics-hub/wire';

/** The label that names the agent a series came from. */
export const AGENT_IDENTITY_LABEL = 'instance';

/** Series the fleet registry writes per agent (see FleetRegistry.heartbeat). */
const HUB_WRITTEN = new Set(['metrics_hub_agent_clock_offset_seconds']);

export type StampedLabels = { labels: Labels; refused?: undefined } | { labels?: undefined; refused: string };

/** `labels` as stored for a series from agent `agentId`, or why the hub refuses it. */
export function stampAgentIdentity(labels: Labels, agentId: string): StampedLabels {
  const name = labels[METRIC_NAME_LABEL];
  if ((name === 'up' && labels.job === 'node') || HUB_WRITTEN.has(name)) {
    return {
      refused: `${name}${name === 'up' ? '{job="node"}' : ''} is written by the hub for each agent from what it observes; an agent may not send it (rename the scrape job if a target's own "up" was meant)`,
    };
  }
  const sent = labels[AGENT_IDENTITY_LABEL];
  if (sent === agentId) return { labels };
  const out: Record<string, string> = { ...labels, [AGENT_IDENTITY_LABEL]: agentId };
  if (sent !== undefined && sent !== '') {
    let aside = `exported_${AGENT_IDENTITY_LABEL}`;
    while (out[aside] !== undefined && out[aside] !== '') aside = `exported_${aside}`;
    out[aside] = sent;
  }
  return { labels: out };
}
