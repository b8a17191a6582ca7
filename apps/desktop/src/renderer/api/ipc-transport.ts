// HubTransport over the preload script's bridge, inside the Electron window.

import type { TransferBridge } from '../../common/file-transfer.ts';
import type { HubMethod, HubTransport } from '../../common/transport.ts';
import { HubRequestError } from '../../common/transport.ts';

/** What apps/desktop/src/preload exposes as `window.metricsHub`: the hub's API and file transfers. */
export interface PreloadBridge extends TransferBridge {
  request(method: HubMethod, path: string, body?: unknown): Promise<{ ok: boolean; status: number; body: unknown }>;
  subscribe(onEvent: (event: string, data: unknown) => void): () => void;
}

export class IpcTransport implements HubTransport {
  constructor(private readonly bridge: PreloadBridge) {}

  async request<T>(method: HubMethod, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const r = await untilAborted(this.bridge.request(method, path, body), signal);
    if (!r.ok) {
      const e = r.body as { error?: string; errorType?: string } | undefined;
      throw new HubRequestError(r.status, e?.error ?? `request failed (${r.status})`, e?.errorType, r.body);
    }
    return r.body as T;
  }

  subscribe(onEvent: (event: string, data: unknown) => void): () => void {
    return this.bridge.subscribe(onEvent);
  }
}

/** The bridge cannot cancel a request: an abort stops the wait, and the answer is dropped when it comes. */
function untilAborted<T>(answer: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return answer;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
