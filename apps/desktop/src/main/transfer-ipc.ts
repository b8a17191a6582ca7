// The transfer:* channels of the preload bridge: saving what the hub answers to a file,
// choosing a file and sending it to the hub, capturing a chart as PNG, cancelling. The
// dialogs are here; the checks in ipc-policy.ts, the streaming in file-transfer.ts, the
// running jobs and chosen files in transfer-jobs.ts.

import { app, dialog, ipcMain, type BrowserWindow, type WebContents } from 'electron';
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ChooseOutcome, ProgressListener, SaveOutcome, UploadOutcome } from '../common/file-transfer.ts';
import { IpcChannel } from '../common/ipc-channels.ts';
import { saveHubResponse, uploadFileToHub, writeFileViaTemp } from './file-transfer.ts';
import type { HubEndpoint } from './hub-client.ts';
import {
  checkCaptureRequest,
  checkChooseRequest,
  checkSaveRequest,
  checkUploadRequest,
  isFromAppPage,
  isFromWindow,
  isJobNumber,
  uploadSizeProblem,
} from './ipc-policy.ts';
import type { ChosenFiles, TransferJobs } from './transfer-jobs.ts';

export interface TransferIpcDeps {
  /** The app window: the only sender accepted, and the dialogs' parent. */
  window: () => BrowserWindow | undefined;
  /** The hub once ready, undefined when it failed or exited before. */
  hub: Promise<HubEndpoint | undefined>;
  jobs: TransferJobs;
  chosenFiles: ChosenFiles;
  log: (line: string) => void;
}

const NOT_OUR_WINDOW = { status: 'failed', error: 'refused: not the app window' } as const;
const NO_HUB = { status: 'failed', error: 'the hub is not running: restart the app' } as const;

function progressTo(sender: WebContents, job: number): ProgressListener {
  return (bytes, total) => {
    if (!sender.isDestroyed()) sender.send(IpcChannel.TransferProgress, job, bytes, total);
  };
}

export function registerTransferIpc(d: TransferIpcDeps): void {
  const fromWindow = (event: { sender: unknown }) => isFromWindow(d.window()?.webContents, event);
  const busy = (job: number) => ({ status: 'failed', error: `refused: job ${job} is running already` }) as const;
  /** Where the next save dialog opens: Downloads, then the folder of the last save. */
  let saveFolder: string | undefined;
  const askWhereToSave = async (name: string, filters?: Electron.FileFilter[]): Promise<string | undefined> => {
    const choice = await dialog.showSaveDialog(d.window()!, {
      defaultPath: join(saveFolder ?? app.getPath('downloads'), name),
      ...(filters ? { filters } : {}),
    });
    if (choice.canceled || !choice.filePath) return undefined;
    saveFolder = dirname(choice.filePath);
    return choice.filePath;
  };

  ipcMain.handle(IpcChannel.TransferSave, async (event, job: unknown, request: unknown, suggestedName: unknown): Promise<SaveOutcome> => {
    if (!fromWindow(event)) return NOT_OUR_WINDOW;
    const check = checkSaveRequest(event.senderFrame?.url, job, request, suggestedName);
    if (!check.ok) return { status: 'failed', error: check.error };
    const sender = event.sender;
    return d.jobs.run<SaveOutcome>(
      sender.id,
      check.job,
      async (signal) => {
        const file = await askWhereToSave(check.name);
        if (!file) return { status: 'dismissed' };
        const hub = await d.hub;
        if (!hub) return NO_HUB;
        const outcome = await saveHubResponse(hub, check.request, file, { signal, onProgress: progressTo(sender, check.job) });
        d.log(`save ${check.request.path.split('?')[0]} -> ${file}: ${outcome.status}`);
        return outcome;
      },
      busy(check.job),
    );
  });
  ipcMain.handle(IpcChannel.TransferChoose, async (event, title: unknown, filters: unknown): Promise<ChooseOutcome> => {
    const window = d.window();
    if (!window || !fromWindow(event)) return NOT_OUR_WINDOW;
    const check = checkChooseRequest(event.senderFrame?.url, title, filters);
    if (!check.ok) return { status: 'failed', error: check.error };
    const choice = await dialog.showOpenDialog(window, { title: check.title, properties: ['openFile'], filters: check.filters });
    const path = choice.filePaths[0];
    if (choice.canceled || !path) return { status: 'dismissed' };
    let bytes: number;
    try {
      bytes = (await stat(path)).size;
    } catch (e) {
      return { status: 'failed', error: `cannot read ${path}: ${(e as Error).message}` };
    }
    const tooBig = uploadSizeProblem(path, bytes);
    if (tooBig) return { status: 'failed', error: tooBig };
    return { status: 'chosen', file: { fileId: d.chosenFiles.add(event.sender.id, path, bytes), name: basename(path), bytes } };
  });
  ipcMain.handle(
    IpcChannel.TransferUpload,
    async (event, job: unknown, fileId: unknown, path: unknown, contentType: unknown): Promise<UploadOutcome> => {
      if (!fromWindow(event)) return NOT_OUR_WINDOW;
      const check = checkUploadRequest(event.senderFrame?.url, job, fileId, path, contentType);
      if (!check.ok) return { status: 'failed', error: check.error };
      const file = d.chosenFiles.get(event.sender.id, check.fileId);
      if (!file) return { status: 'failed', error: 'this window no longer knows that file: choose it again' };
      const sender = event.sender;
      return d.jobs.run<UploadOutcome>(
        sender.id,
        check.job,
        async (signal) => {
          const hub = await d.hub;
          if (!hub) return NO_HUB;
          return uploadFileToHub(hub, check.path, file.path, check.contentType, { signal, onProgress: progressTo(sender, check.job) });
        },
        busy(check.job),
      );
    },
  );
  ipcMain.on(IpcChannel.TransferCancel, (event, job: unknown) => {
    if (!isFromAppPage(d.window()?.webContents, event) || !isJobNumber(job)) return;
    d.jobs.cancel(event.sender.id, job);
  });
  ipcMain.handle(IpcChannel.TransferCapture, async (event, rect: unknown, suggestedName: unknown): Promise<SaveOutcome> => {
    if (!fromWindow(event)) return NOT_OUR_WINDOW;
    const check = checkCaptureRequest(event.senderFrame?.url, rect, suggestedName);
    if (!check.ok) return { status: 'failed', error: check.error };
    const file = await askWhereToSave(check.name, [{ name: 'PNG image', extensions: ['png'] }]);
    if (!file) return { status: 'dismissed' };
    const image = await event.sender.capturePage(check.rect);
    if (image.isEmpty()) return { status: 'failed', error: 'the chart was not on screen: scroll it into view and save again' };
    return writeFileViaTemp(file, image.toPNG());
  });
}
