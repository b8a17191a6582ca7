// The one narrow way views move files between the user and the hub, whatever hosts the
// renderer: a browser (browser-transfers.ts: fetch and XMLHttpRequest, the browser's own
// downloads and file chooser) or the Electron window (ipc-transfers.ts: the main process
// shows the dialogs and streams to and from disk). Views never learn which.

import type { FileFilter, HubFileRequest, ProgressListener } from '../../common/file-transfer.ts';

export type { FileFilter, HubFileRequest, ProgressListener };

export interface SavedFile {
  /** Where it went: the path the user chose in the window, the file name given to the browser's downloads. */
  where: string;
  bytes: number;
}

/** A file the user chose; opaque beyond its name and size (the host keeps the rest). */
export interface PickedFile {
  readonly name: string;
  readonly bytes: number;
}

export interface FileTransfers {
  /** 'downloads': saves land in the browser's download folder; 'chosen-place': each save asks where. */
  readonly savesTo: 'downloads' | 'chosen-place';
  /**
   * Saves the hub's answer to `request` as a file, reporting bytes as they arrive.
   * Resolves to null when the user closes the save dialog; rejects with
   * TransferCancelledError when `signal` aborts (no file is left), with HubRequestError
   * when the hub refuses (its message), with an Error otherwise.
   */
  saveFromHub(request: HubFileRequest, suggestedName: string, onProgress: ProgressListener, signal: AbortSignal): Promise<SavedFile | null>;
  /** Asks the user for one file; null when they close the dialog. */
  chooseFile(title: string, filters: FileFilter[]): Promise<PickedFile | null>;
  /**
   * Sends a chosen file as the body of a POST to `path` and resolves to the hub's JSON
   * answer; rejects as saveFromHub does (a refusal's whole body is on HubRequestError.body).
   */
  uploadToHub<T>(path: string, file: PickedFile, contentType: string, onProgress: ProgressListener, signal: AbortSignal): Promise<T>;
  /** Saves a chart's canvas as a PNG; null when the user closes the save dialog. */
  saveChartImage(canvas: HTMLCanvasElement, suggestedName: string): Promise<SavedFile | null>;
}

/** The user cancelled the transfer: nothing was saved, or the upload stopped. */
export class TransferCancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'TransferCancelledError';
  }
}

/** A file name for now, e.g. `metrics-2026-11-27T15-04-05-123Z.csv`: safe on every file system. */
export function stampedName(prefix: string, extension: string, ms = Date.now()): string {
  return `${prefix}-${new Date(ms).toISOString().replace(/[:.]/g, '-')}.${extension}`;
}
