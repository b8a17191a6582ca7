// The object the preload script exposes as `window.metricsHub`: exactly the renderer's
// PreloadBridge, one function per IPC message, built over the few ipcRenderer calls it
// needs (a fake in tests). The renderer never gets ipcRenderer itself, and what comes back
// from the main process is copied field by field, so only the promised JSON reaches it.

import { IpcChannel, type BridgeResponse } from '../common/ipc-channels.ts';
import type { ChooseOutcome, FileFilter, HubFileRequest, ProgressListener, SaveOutcome, UploadOutcome } from '../common/file-transfer.ts';
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

  /** Runs one transfer's invoke with its progress events routed to onProgress until it settles. */
  const withProgress = async (job: number, onProgress: ProgressListener, invoke: () => Promise<unknown>): Promise<unknown> => {
    const listener = (_event: unknown, ...args: unknown[]) => {
      const [j, bytes, total] = args;
      if (j === job && typeof bytes === 'number' && (typeof total === 'number' || total === null) && typeof onProgress === 'function')
        onProgress(bytes, total);
    };
    ipc.on(IpcChannel.TransferProgress, listener);
    try {
      return await invoke();
    } finally {
      ipc.removeListener(IpcChannel.TransferProgress, listener);
    }
  };

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
    async saveFromHub(job: number, request: HubFileRequest, suggestedName: string, onProgress: ProgressListener): Promise<SaveOutcome> {
      const plain: HubFileRequest = {
        method: request?.method,
        path: String(request?.path),
        ...(request?.body !== undefined ? { body: request.body } : {}),
      };
      return saveOutcome(
        await withProgress(job, onProgress, () => ipc.invoke(IpcChannel.TransferSave, Number(job), plain, String(suggestedName))),
      );
    },
    async chooseFile(title: string, filters: FileFilter[]): Promise<ChooseOutcome> {
      const r = (await ipc.invoke(
        IpcChannel.TransferChoose,
        String(title),
        Array.isArray(filters)
          ? filters.map((f) => ({ name: String(f?.name), extensions: Array.isArray(f?.extensions) ? f.extensions.map(String) : [] }))
          : [],
      )) as ChooseOutcome | undefined;
      if (r?.status === 'chosen')
        return { status: 'chosen', file: { fileId: String(r.file.fileId), name: String(r.file.name), bytes: Number(r.file.bytes) } };
      if (r?.status === 'failed') return { status: 'failed', error: String(r.error) };
      return { status: 'dismissed' };
    },
    async uploadToHub(
      job: number,
      fileId: string,
      path: string,
      contentType: string,
      onProgress: ProgressListener,
    ): Promise<UploadOutcome> {
      const r = (await withProgress(job, onProgress, () =>
        ipc.invoke(IpcChannel.TransferUpload, Number(job), String(fileId), String(path), String(contentType)),
      )) as UploadOutcome | undefined;
      if (r?.status === 'sent')
        return { status: 'sent', response: { ok: r.response.ok === true, status: Number(r.response.status), body: r.response.body } };
      if (r?.status === 'cancelled') return { status: 'cancelled' };
      return { status: 'failed', error: r?.status === 'failed' ? String(r.error) : 'the upload ended without an answer' };
    },
    cancelTransfer(job: number): void {
      ipc.send(IpcChannel.TransferCancel, Number(job));
    },
    async saveCapture(rect, suggestedName): Promise<SaveOutcome> {
      const plain = { x: Number(rect?.x), y: Number(rect?.y), width: Number(rect?.width), height: Number(rect?.height) };
      return saveOutcome(await ipc.invoke(IpcChannel.TransferCapture, plain, String(suggestedName)));
    },
  };
}

function saveOutcome(raw: unknown): SaveOutcome {
  const r = raw as SaveOutcome | undefined;
  switch (r?.status) {
    case 'saved':
      return { status: 'saved', file: String(r.file), bytes: Number(r.bytes) };
    case 'dismissed':
      return { status: 'dismissed' };
    case 'cancelled':
      return { status: 'cancelled' };
    case 'failed':
      return { status: 'failed', error: String(r.error), ...(typeof r.httpStatus === 'number' ? { httpStatus: r.httpStatus } : {}) };
    default:
      return { status: 'failed', error: 'the save ended without an answer' };
  }
}
