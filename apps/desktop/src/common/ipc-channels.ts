// The IPC channels between the Electron window's preload script and the main process: one
// name per message, in one place, so that neither side spells one differently. No Electron,
// DOM or Node here.

export const IpcChannel = {
  /** invoke(method, path, body) → BridgeResponse: a request to the hub's HTTP API. */
  HubRequest: 'hub:request',
  /** send(subscriptionId): start forwarding the hub's events to this window. */
  HubSubscribe: 'hub:subscribe',
  /** send(subscriptionId): stop. */
  HubUnsubscribe: 'hub:unsubscribe',
  /** main → window: (subscriptionId, event, data), one per server-sent event. */
  HubEvent: 'hub:event',
} as const;

export type IpcChannel = (typeof IpcChannel)[keyof typeof IpcChannel];

/** What a `hub:request` resolves to (the shape `PreloadBridge.request` promises). */
export interface BridgeResponse {
  ok: boolean;
  status: number;
  body: unknown;
}
