// The hub transport as one view sees it: its reads and its live event streams end with the
// view's scope. The shell gives each view a HubApi over this, so a view that is left stops
// waiting for its queries and closes its stream (an EventSource over HTTP, a subscription
// over IPC) without a line of its own.

import type { HubMethod, HubTransport } from '../../common/transport.ts';
import type { Scope } from './scope.ts';

export function scopedTransport(transport: HubTransport, scope: Scope): HubTransport {
  return {
    // Only reads are aborted: a change the user asked for (POST, PUT, DELETE) is never cut off
    // halfway by leaving the view; its answer just finds the view gone.
    request: <T>(method: HubMethod, path: string, body?: unknown) =>
      transport.request<T>(method, path, body, method === 'GET' ? scope.signal : undefined),
    subscribe(onEvent) {
      if (scope.disposed) return () => undefined;
      return scope.defer(transport.subscribe(onEvent));
    },
  };
}
