// FileTransfers in the Electron window, over the preload bridge: the main process shows
// the save and open dialogs and streams between the hub and the disk; the window holds
// only job numbers and chosen-file ids, and turns the outcomes back into the errors the
// views expect.

import type { SaveOutcome, TransferBridge } from '../../common/file-transfer.ts';
import { HubRequestError } from '../../common/transport.ts';
import {
  TransferCancelledError,
  type FileFilter,
  type FileTransfers,
  type HubFileRequest,
  type PickedFile,
  type ProgressListener,
  type SavedFile,
} from './file-transfers.ts';

export class IpcFileTransfers implements FileTransfers {
  readonly savesTo = 'chosen-place' as const;
  private nextJob = 1;
  private readonly fileIds = new WeakMap<PickedFile, string>();

  constructor(private readonly bridge: TransferBridge) {}

  async saveFromHub(
    request: HubFileRequest,
    suggestedName: string,
    onProgress: ProgressListener,
    signal: AbortSignal,
  ): Promise<SavedFile | null> {
    if (signal.aborted) throw new TransferCancelledError();
    const job = this.nextJob++;
    return savedOrThrow(await this.whileRunning(job, signal, () => this.bridge.saveFromHub(job, request, suggestedName, onProgress)));
  }

  async chooseFile(title: string, filters: FileFilter[]): Promise<PickedFile | null> {
    const r = await this.bridge.chooseFile(title, filters);
    if (r.status === 'failed') throw new Error(r.error);
    if (r.status !== 'chosen') return null;
    const picked: PickedFile = { name: r.file.name, bytes: r.file.bytes };
    this.fileIds.set(picked, r.file.fileId);
    return picked;
  }

  async uploadToHub<T>(path: string, file: PickedFile, contentType: string, onProgress: ProgressListener, signal: AbortSignal): Promise<T> {
    const fileId = this.fileIds.get(file);
    if (!fileId) throw new Error(`${file.name} was not chosen in this window: choose it again`);
    if (signal.aborted) throw new TransferCancelledError();
    const job = this.nextJob++;
    const r = await this.whileRunning(job, signal, () => this.bridge.uploadToHub(job, fileId, path, contentType, onProgress));
    if (r.status === 'cancelled') throw new TransferCancelledError();
    if (r.status === 'failed') throw new Error(r.error);
    const body = r.response.body as { error?: string; errorType?: string } | undefined;
    if (!r.response.ok)
      throw new HubRequestError(r.response.status, body?.error ?? `the hub answered ${r.response.status}`, body?.errorType, body);
    return r.response.body as T;
  }

  async saveChartImage(canvas: HTMLCanvasElement, suggestedName: string): Promise<SavedFile | null> {
    // The main process captures what the window shows: the chart must be in view.
    canvas.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    await new Promise((r) => requestAnimationFrame(r));
    const box = canvas.getBoundingClientRect();
    const x = Math.max(0, box.left);
    const y = Math.max(0, box.top);
    return savedOrThrow(
      await this.bridge.saveCapture(
        { x, y, width: Math.min(box.right, innerWidth) - x, height: Math.min(box.bottom, innerHeight) - y },
        suggestedName,
      ),
    );
  }

  /** Forwards an abort of `signal` to the main process as transfer:cancel for as long as the job runs. */
  private async whileRunning<T>(job: number, signal: AbortSignal, run: () => Promise<T>): Promise<T> {
    const cancel = () => this.bridge.cancelTransfer(job);
    signal.addEventListener('abort', cancel, { once: true });
    try {
      return await run();
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  }
}

function savedOrThrow(r: SaveOutcome): SavedFile | null {
  switch (r.status) {
    case 'saved':
      return { where: r.file, bytes: r.bytes };
    case 'dismissed':
      return null;
    case 'cancelled':
      throw new TransferCancelledError();
    case 'failed':
      throw r.httpStatus !== undefined ? new HubRequestError(r.httpStatus, r.error) : new Error(r.error);
  }
}
