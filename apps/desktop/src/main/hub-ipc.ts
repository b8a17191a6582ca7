// The hub:* channels of the preload bridge: a request to the hub's HTTP API, and
// subscriptions to its server-sent events. Every message is checked first (ipc-policy.ts:
// the app's window, the app's own page, a method and path of the hub's API); the hub is
// reached with the run's token (hub-client.ts) once it is ready.

import { ipcMain, type WebContents } from 'electron';
import { IpcChannel, type BridgeResponse } from '../common/ipc-channels.ts';
import type { HubMethod } from '../common/transport.ts';
import { followHubEvents, hubRequest, type HubEndpoint } from './hub-client.ts';
import type { HubSubscriptions } from './hub-subscriptions.ts';
import { checkHubRequest, isFromAppPage, isFromWindow } from './ipc-policy.ts';

export interface HubIpcDeps {
  /** The app window's webContents, the only sender accepted. */
  windowContents: () => WebContents | undefined;
  /** The hub once ready, undefined when it failed or exited before. */
  hub: Promise<HubEndpoint | undefined>;
  subscriptions: HubSubscriptions;
  log: (line: string) => void;
}

export function registerHubIpc(d: HubIpcDeps): void {
  ipcMain.handle(IpcChannel.HubRequest, async (event, method: unknown, path: unknown, body: unknown): Promise<BridgeResponse> => {
    if (!isFromWindow(d.windowContents(), event)) return { ok: false, status: 403, body: { error: 'refused: not the app window' } };
    const check = checkHubRequest(event.senderFrame?.url, method, path, body);
    if (!check.ok) return { ok: false, status: check.status, body: { status: 'error', errorType: 'refused', error: check.error } };
    const hub = await d.hub;
    if (!hub) return { ok: false, status: 503, body: { status: 'error', errorType: 'unavailable', error: 'the hub is not running' } };
    return hubRequest(hub, check.method as HubMethod, check.path, check.body);
  });
  ipcMain.on(IpcChannel.HubSubscribe, (event, id: unknown) => {
    if (!isFromAppPage(d.windowContents(), event) || !Number.isSafeInteger(id)) return;
    const sender = event.sender;
    const n = id as number;
    if (!d.subscriptions.reserve(sender.id, n)) return;
    void d.hub.then((hub) => {
      if (!hub || !d.subscriptions.has(sender.id, n) || sender.isDestroyed()) return;
      const stop = followHubEvents(
        hub,
        (name, data) => {
          if (!sender.isDestroyed()) sender.send(IpcChannel.HubEvent, id, name, data);
        },
        { log: d.log },
      );
      d.subscriptions.attach(sender.id, n, stop);
    });
  });
  ipcMain.on(IpcChannel.HubUnsubscribe, (event, id: unknown) => {
    if (!isFromAppPage(d.windowContents(), event)) return;
    d.subscriptions.cancel(event.sender.id, id);
  });
}
