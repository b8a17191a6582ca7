// FileTransfers in a browser served by the headless hub. A page cannot write where it
// likes, so a save is read whole (fetch's body stream, counted as it arrives: the progress)
// and then handed to the browser as a download; cancel aborts the fetch and nothing is
// offered. Uploads go through XMLHttpRequest, the one browser API that reports upload
// progress; cancel aborts it.

import { CLIENT_HEADERS, HubRequestError } from '../../common/transport.ts';
import {
  TransferCancelledError,
  type FileFilter,
  type FileTransfers,
  type HubFileRequest,
  type PickedFile,
  type ProgressListener,
  type SavedFile,
} from './file-transfers.ts';

export class BrowserFileTransfers implements FileTransfers {
  readonly savesTo = 'downloads' as const;
  private readonly files = new WeakMap<PickedFile, File>();

  constructor(private readonly base = '') {}

  async saveFromHub(
    request: HubFileRequest,
    suggestedName: string,
    onProgress: ProgressListener,
    signal: AbortSignal,
  ): Promise<SavedFile | null> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${request.path}`, {
        method: request.method,
        headers: request.body === undefined ? CLIENT_HEADERS : { ...CLIENT_HEADERS, 'content-type': 'application/json' },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
      });
    } catch (e) {
      throw broken(e, signal, 'the hub did not answer');
    }
    if (!res.ok) throw await refusal(res);
    const length = res.headers.get('content-length');
    const total = length !== null && /^\d+$/.test(length) ? Number(length) : null;
    const chunks: Uint8Array[] = [];
    let received = 0;
    onProgress(0, total);
    try {
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.length;
        onProgress(received, total);
      }
    } catch (e) {
      throw broken(e, signal, 'the download broke off');
    }
    if (total !== null && received !== total) throw new Error(`the hub stopped sending after ${received} of ${total} bytes: try again`);
    offerDownload(new Blob(chunks as BlobPart[], { type: 'application/octet-stream' }), suggestedName);
    return { where: suggestedName, bytes: received };
  }

  chooseFile(title: string, filters: FileFilter[]): Promise<PickedFile | null> {
    return new Promise((resolve) => {
      const input = document.createElement('input');
      input.type = 'file';
      input.hidden = true;
      input.className = 'file-chooser';
      input.title = title;
      // A filter with '*' means anything: the browser then offers every file.
      const extensions = filters.flatMap((f) => f.extensions);
      if (!extensions.includes('*')) input.accept = extensions.map((x) => `.${x}`).join(',');
      const done = (file: File | undefined) => {
        input.remove();
        if (!file) return resolve(null);
        const picked: PickedFile = { name: file.name, bytes: file.size };
        this.files.set(picked, file);
        resolve(picked);
      };
      input.addEventListener('change', () => done(input.files?.[0]), { once: true });
      input.addEventListener('cancel', () => done(undefined), { once: true });
      document.body.append(input);
      input.click();
    });
  }

  uploadToHub<T>(path: string, file: PickedFile, contentType: string, onProgress: ProgressListener, signal: AbortSignal): Promise<T> {
    const blob = this.files.get(file);
    if (!blob) return Promise.reject(new Error(`${file.name} was not chosen in this page: choose it again`));
    if (signal.aborted) return Promise.reject(new TransferCancelledError());
    return new Promise<T>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      const onAbort = () => xhr.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = () => signal.removeEventListener('abort', onAbort);
      xhr.open('POST', `${this.base}${path}`);
      xhr.setRequestHeader('content-type', contentType);
      // A Prometheus text file goes as text/plain, which a form could send too: the header says it is the hub's page.
      for (const [name, value] of Object.entries(CLIENT_HEADERS)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : blob.size);
      xhr.upload.onload = () => onProgress(blob.size, blob.size);
      xhr.onabort = () => {
        settle();
        reject(new TransferCancelledError());
      };
      xhr.onerror = () => {
        settle();
        reject(new Error(`the hub did not take ${file.name}: is it still running?`));
      };
      xhr.onload = () => {
        settle();
        let parsed: unknown;
        try {
          parsed = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
        } catch {
          parsed = undefined;
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(parsed as T);
        else
          reject(
            new HubRequestError(
              xhr.status,
              (parsed as { error?: string } | undefined)?.error ?? `the hub answered ${xhr.status}`,
              (parsed as { errorType?: string } | undefined)?.errorType,
              parsed,
            ),
          );
      };
      onProgress(0, blob.size);
      xhr.send(blob);
    });
  }

  async saveChartImage(canvas: HTMLCanvasElement, suggestedName: string): Promise<SavedFile | null> {
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the chart could not be turned into an image');
    offerDownload(blob, suggestedName);
    return { where: suggestedName, bytes: blob.size };
  }
}

/** A cancel when the signal says so, else what broke and what to check. */
function broken(e: unknown, signal: AbortSignal, what: string): Error {
  if (signal.aborted) return new TransferCancelledError();
  return new Error(`${what} (${(e as Error).message}): is the hub still running?`);
}

async function refusal(res: Response): Promise<HubRequestError> {
  const text = await res.text().catch(() => '');
  let parsed: { error?: string; errorType?: string } | undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return new HubRequestError(
    res.status,
    parsed?.error ?? (text.slice(0, 300) || `the hub answered ${res.status} ${res.statusText}`),
    parsed?.errorType,
    parsed,
  );
}

/** Hands bytes to the browser as a download named `filename`. */
function offerDownload(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The browser reads the blob after click() returns; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
