// The object the preload script exposes as `window.metricsHub`: exactly the renderer's
// PreloadBridge, one function per IPC message, built over the few ipcRenderer calls it
// needs (a fake in tests). The renderer never gets ipcRenderer itself.

import { IpcChannel, type BridgeResponse } from '../common/ipc-channels.ts';
import type { HubMethod } from '../common/transport.ts';
import type { PreloadBridge } from '../renderer/api/ipc-transport.ts';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createBridge(ipc: IpcRendererLike): PreloadBridge {
  let nextSubscription = 1;
  return {
    async request(method: HubMethod, path: string, body?: unknown): Promise<BridgeResponse> {
      const r = (await ipc.invoke(IpcChannel.HubRequest, String(method), String(path), body)) as BridgeResponse;
      return { ok: r.ok === true, status: Number(r.status), body: r.body };
    },
    subscribe(onEvent: (event: string, data: unknown) => void): () => void {
      if (typeof onEvent !== 'function') throw new TypeError('subscribe needs a function');
      const id = nextSubscription++;
      const listener = (_event: unknown, ...args: unknown[]) => {
        const [sub, name, data] = args;
        if (sub === id && typeof name === 'string') onEvent(name, data);
      };
      ipc.on(IpcChannel.HubEvent, listener);
      ipc.send(IpcChannel.HubSubscribe, id);
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        ipc.removeListener(IpcChannel.HubEvent, listener);
        ipc.send(IpcChannel.HubUnsubscribe, id);
      };
    },
  };
}
