// Files between the user's disk and the hub: the shapes both hosts agree on. In a browser
// the renderer moves the bytes itself; in the Electron window the main process does (it
// shows the dialogs and streams to or from the chosen file) and the window only ever sees
// what is here: job numbers, names, byte counts and outcomes, all plain JSON. No DOM,
// Electron or Node here; the renderer, the preload and the main process import it.
//
// One transfer's life, as the main process reports it:
//
//   save/upload ──dialog closed──▶ dismissed         nothing was read or written
//        │
//        ▼
//     running ──progress(bytes, total?)──▶ running   total is null when the hub sends no Content-Length
//        │ │
//        │ ├──cancel──▶ cancelled   a save leaves no file (the partial one is deleted); an upload stops sending
//        │ └──error───▶ failed      the hub's message or the file system's; a save leaves no file
//        ▼
//      saved / sent

import type { BridgeResponse } from './ipc-channels.ts';

/** What to ask the hub for: a GET (an export, a snapshot) or a POST with a JSON body (an incident). */
export interface HubFileRequest {
  method: 'GET' | 'POST';
  /** A path of the hub's API, with its query string. */
  path: string;
  body?: unknown;
}

export interface FileFilter {
  name: string;
  /** Without the dot; '*' for any. */
  extensions: string[];
}

/** A file the user chose in the window's open dialog: the main process keeps its path, the window gets an id. */
export interface ChosenFile {
  fileId: string;
  /** The file's name without its folder. */
  name: string;
  bytes: number;
}

export type ChooseOutcome = { status: 'chosen'; file: ChosenFile } | { status: 'dismissed' } | { status: 'failed'; error: string };

export type SaveOutcome =
  | { status: 'saved' /** Where it went: the full path the user chose. */; file: string; bytes: number }
  | { status: 'dismissed' }
  | { status: 'cancelled' }
  | { status: 'failed'; error: string /** The hub's HTTP status when the hub refused. */; httpStatus?: number };

export type UploadOutcome =
  | { status: 'sent' /** The hub's answer, ok or not (an import's rejected lines are in its body). */; response: BridgeResponse }
  | { status: 'cancelled' }
  | { status: 'failed'; error: string };

/** Called as bytes move; `total` is null when not known in advance. */
export type ProgressListener = (bytes: number, total: number | null) => void;

/** The part of the chart the window asks the main process to save as a PNG, in CSS pixels of the window. */
export interface CaptureRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * What the preload bridge offers for files, one function per IPC message. Jobs are
 * numbered by the window (unique per window); `cancelTransfer(job)` ends one.
 */
export interface TransferBridge {
  saveFromHub(job: number, request: HubFileRequest, suggestedName: string, onProgress: ProgressListener): Promise<SaveOutcome>;
  chooseFile(title: string, filters: FileFilter[]): Promise<ChooseOutcome>;
  uploadToHub(job: number, fileId: string, path: string, contentType: string, onProgress: ProgressListener): Promise<UploadOutcome>;
  cancelTransfer(job: number): void;
  /** Saves what the window shows inside `rect` as a PNG (a chart), after a save dialog. */
  saveCapture(rect: CaptureRect, suggestedName: string): Promise<SaveOutcome>;
}
