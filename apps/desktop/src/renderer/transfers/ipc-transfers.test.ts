// The window's side of file transfers over a fake bridge: outcomes become the errors the
// views expect, an abort becomes transfer:cancel for that job, chosen files stay opaque.
import { describe, expect, it } from 'vitest';
import type {
  ChooseOutcome,
  FileFilter,
  HubFileRequest,
  ProgressListener,
  SaveOutcome,
  TransferBridge,
  UploadOutcome,
} from '../../common/file-transfer.ts';
import { HubRequestError } from '../../common/transport.ts';
import { TransferCancelledError } from './file-transfers.ts';
import { IpcFileTransfers } from './ipc-transfers.ts';

class FakeBridge implements TransferBridge {
  calls: unknown[][] = [];
  cancelled: number[] = [];
  save: SaveOutcome = { status: 'saved', file: '/home/u/x.csv', bytes: 3 };
  upload: UploadOutcome = { status: 'sent', response: { ok: true, status: 200, body: { committed: true } } };
  choose: ChooseOutcome = { status: 'chosen', file: { fileId: 'f'.repeat(24), name: 'i.ndjson', bytes: 9 } };
  /** Resolves a pending save or upload from the test. */
  release?: () => void;
  hold = false;

  private async settle<T>(value: () => T): Promise<T> {
    if (this.hold) await new Promise<void>((r) => (this.release = r));
    return value();
  }
  saveFromHub(job: number, request: HubFileRequest, name: string, onProgress: ProgressListener) {
    this.calls.push(['save', job, request, name]);
    onProgress(1, 3);
    return this.settle(() => this.save);
  }
  async chooseFile(title: string, filters: FileFilter[]) {
    this.calls.push(['choose', title, filters]);
    return this.choose;
  }
  uploadToHub(job: number, fileId: string, path: string, type: string, onProgress: ProgressListener) {
    this.calls.push(['upload', job, fileId, path, type]);
    onProgress(9, 9);
    return this.settle(() => this.upload);
  }
  cancelTransfer(job: number) {
    this.cancelled.push(job);
    this.save = { status: 'cancelled' };
    this.upload = { status: 'cancelled' };
    this.release?.();
  }
  async saveCapture() {
    return this.save;
  }
}

const request: HubFileRequest = { method: 'GET', path: '/api/hub/v1/export?format=csv-long&query=up' };

describe('IpcFileTransfers', () => {
  it('saves with a new job number each time and passes progress through', async () => {
    const bridge = new FakeBridge();
    const t = new IpcFileTransfers(bridge);
    const progress: unknown[] = [];
    expect(await t.saveFromHub(request, 'x.csv', (b, n) => progress.push([b, n]), new AbortController().signal)).toEqual({
      where: '/home/u/x.csv',
      bytes: 3,
    });
    await t.saveFromHub(request, 'y.csv', () => undefined, new AbortController().signal);
    expect(bridge.calls.map((c) => c[1])).toEqual([1, 2]);
    expect(progress).toEqual([[1, 3]]);
  });

  it('turns a closed dialog into null, a refusal into HubRequestError, a failure into Error', async () => {
    const bridge = new FakeBridge();
    const t = new IpcFileTransfers(bridge);
    const signal = new AbortController().signal;
    bridge.save = { status: 'dismissed' };
    expect(await t.saveFromHub(request, 'x.csv', () => undefined, signal)).toBeNull();
    bridge.save = { status: 'failed', httpStatus: 400, error: 'no dashboard db' };
    await expect(t.saveFromHub(request, 'x.csv', () => undefined, signal)).rejects.toEqual(new HubRequestError(400, 'no dashboard db'));
    bridge.save = { status: 'failed', error: 'cannot write in /x: choose another folder' };
    const e = await t.saveFromHub(request, 'x.csv', () => undefined, signal).catch((x: Error) => x);
    expect(e).not.toBeInstanceOf(HubRequestError);
    expect((e as Error).message).toBe('cannot write in /x: choose another folder');
  });

  it('an abort sends transfer:cancel for that job and rejects as cancelled', async () => {
    const bridge = new FakeBridge();
    bridge.hold = true;
    const t = new IpcFileTransfers(bridge);
    const abort = new AbortController();
    const saving = t.saveFromHub(request, 'x.csv', () => undefined, abort.signal);
    abort.abort();
    await expect(saving).rejects.toBeInstanceOf(TransferCancelledError);
    expect(bridge.cancelled).toEqual([1]);
    // Aborted before it starts: nothing is asked of the main process at all.
    await expect(t.saveFromHub(request, 'x.csv', () => undefined, abort.signal)).rejects.toBeInstanceOf(TransferCancelledError);
    expect(bridge.calls).toHaveLength(1);
  });

  it("uploads only files chosen through it, by their id, and hands back the hub's refusal with its body", async () => {
    const bridge = new FakeBridge();
    const t = new IpcFileTransfers(bridge);
    const signal = new AbortController().signal;
    const file = (await t.chooseFile('Open incident file', [{ name: 'Incidents', extensions: ['ndjson'] }]))!;
    expect(file).toEqual({ name: 'i.ndjson', bytes: 9 });
    expect(await t.uploadToHub('/api/hub/v1/incidents/open', file, 'application/octet-stream', () => undefined, signal)).toEqual({
      committed: true,
    });
    expect(bridge.calls.at(-1)).toEqual(['upload', 1, 'f'.repeat(24), '/api/hub/v1/incidents/open', 'application/octet-stream']);
    bridge.upload = { status: 'sent', response: { ok: false, status: 400, body: { error: 'line 1: not an incident file', rejected: [] } } };
    const refusal = await t
      .uploadToHub('/api/hub/v1/incidents/open', file, 'application/octet-stream', () => undefined, signal)
      .catch((e: HubRequestError) => e);
    expect(refusal).toBeInstanceOf(HubRequestError);
    expect(refusal).toMatchObject({ status: 400, message: 'line 1: not an incident file', body: { rejected: [] } });
    await expect(t.uploadToHub('/api/hub/v1/import', { name: 'forged', bytes: 1 }, 'text/plain', () => undefined, signal)).rejects.toThrow(
      /forged was not chosen in this window: choose it again/,
    );
    bridge.choose = { status: 'dismissed' };
    expect(await t.chooseFile('Open', [])).toBeNull();
  });
});
