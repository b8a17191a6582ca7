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
  /** invoke(job, HubFileRequest, suggestedName) → SaveOutcome: a save dialog, then the hub's answer streamed into the file. */
  TransferSave: 'transfer:save',
  /** invoke(title, FileFilter[]) → ChooseOutcome: an open dialog; the main process keeps the path, the window gets an id. */
  TransferChoose: 'transfer:choose',
  /** invoke(job, fileId, path, contentType) → UploadOutcome: a chosen file streamed to the hub as a request body. */
  TransferUpload: 'transfer:upload',
  /** send(job): stop that transfer (a save deletes its partial file). */
  TransferCancel: 'transfer:cancel',
  /** main → window: (job, bytes, total | null) while a transfer runs. */
  TransferProgress: 'transfer:progress',
  /** invoke(CaptureRect, suggestedName) → SaveOutcome: a save dialog, then that part of the window as a PNG. */
  TransferCapture: 'transfer:capture',
} as const;

export type IpcChannel = (typeof IpcChannel)[keyof typeof IpcChannel];

/** What a `hub:request` resolves to (the shape `PreloadBridge.request` promises). */
export interface BridgeResponse {
  ok: boolean;
  status: number;
  body: unknown;
}
