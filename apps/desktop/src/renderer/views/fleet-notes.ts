// What the Fleet view says under an agent's name when something about it needs a person:
// its clock is off (the hub measures it from live batches; past max_future its samples are
// refused), or the hub refused something it sent lately (samples, series, a birth's claims).

import type { FleetAgent } from '@metrics-hub/hub-api';
import { formatDuration } from '../charts/format.ts';

/** Where the clock skew rule starts to complain (HostClockSkew: 30 s). */
const CLOCK_NOTE_MS = 30_000;
/** A refusal stays in view this long after the last one. */
const RECENT_MS = 60 * 60_000;

export interface AgentNote {
  text: string;
  /** The full reason, for the tooltip. */
  detail?: string;
}

export function agentNotes(a: FleetAgent, nowMs: number): AgentNote[] {
  const notes: AgentNote[] = [];
  const offset = a.clockOffsetMs;
  if (offset !== undefined && Math.abs(offset) >= CLOCK_NOTE_MS) {
    notes.push({
      text: `clock ${offset > 0 ? 'ahead' : 'behind'} by ${formatClock(Math.abs(offset))}`,
      detail: 'Measured from its latest live batch against the hub’s clock: check NTP on that host.',
    });
  }
  const recent = a.lastRejectionMs !== undefined && nowMs - a.lastRejectionMs <= RECENT_MS;
  if (recent && a.lastRejection) {
    const counts = [
      a.samplesTooFarAhead ? `${count(a.samplesTooFarAhead, 'sample')} refused (stamped ahead of the hub’s clock)` : '',
      a.seriesRefused ? `${count(a.seriesRefused, 'series', 'series')} refused` : '',
    ].filter(Boolean);
    notes.push({ text: counts.length ? counts.join(', ') : 'something it sent was refused', detail: a.lastRejection });
  }
  return notes;
}

/** "3 h 12 min", "45 s", "73 years": how far a clock is off. */
export function formatClock(ms: number): string {
  const years = ms / (365.25 * 86_400_000);
  if (years >= 2) return `${Math.floor(years)} years`;
  // A measured offset carries the delivery delay (milliseconds): round it to the unit shown.
  const rounded = ms >= 3_600_000 ? Math.round(ms / 60_000) * 60_000 : Math.round(ms / 1000) * 1000;
  return formatDuration(rounded).replace(/ m\b/, ' min');
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
