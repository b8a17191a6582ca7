// The hub's `fleet` server-sent event comes in two shapes: the whole list when the
// stream opens ({agents}) and one agent per change ({kind: 'agent', agent}).

import type { FleetAgent, FleetEvent } from '@metrics-hub/hub-api';

/** Either shape's fields, each perhaps missing: the data arrives unchecked. */
type SomeFleetEvent = Partial<Extract<FleetEvent, { agents: FleetAgent[] }> & Extract<FleetEvent, { kind: 'agent' }>>;

/** The fleet list after an event (a new array; the input is left alone). */
export function applyFleetEvent(list: FleetAgent[] | undefined, data: unknown): FleetAgent[] | undefined {
  const d = data as SomeFleetEvent;
  if (Array.isArray(d.agents)) return d.agents;
  if (d.kind === 'agent' && d.agent) {
    const a = d.agent;
    const rest = (list ?? []).filter((x) => x.agentId !== a.agentId);
    return [...rest, a];
  }
  return list;
}
