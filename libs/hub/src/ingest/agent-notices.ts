// What the hub tells an agent about a batch beyond "stored": the samples it refused and
// why, on the agent's own ack topic, so that the host whose clock is wrong says so in its
// own log and status as well as in the hub's fleet view.

import { encodeRefusedNotice } from '@metrics-hub/wire';
import type { IngestOutcome } from './ingester.ts';

export function agentNotices(outcome: IngestOutcome, hubMs: number): Uint8Array[] {
  if (outcome.kind !== 'stored' || outcome.tooFarAhead === 0) return [];
  const { firstSeq, lastSeq } = outcome.batch;
  return [encodeRefusedNotice({ firstSeq, lastSeq, samples: outcome.tooFarAhead, reason: 'too_far_ahead', hubMs })];
}
