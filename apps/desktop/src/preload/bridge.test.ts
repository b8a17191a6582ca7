import { describe, expect, it } from 'vitest';
import { IpcChannel } from '../common/ipc-channels.ts';
import { createBridge, type IpcRendererLike } from './bridge.ts';

class FakeIpc implements IpcRendererLike {
  invoked: unknown[][] = [];
  sent: unknown[][] = [];
  listeners = new Map<string, ((e: unknown, ...a: unknown[]) => void)[]>();
  answer: unknown = { ok: true, status: 200, body: { status: 'success' }, extra: 'dropped' };
  /** Runs while an invoke is pending (the main process sending progress, say). */
  during?: () => void;
  async invoke(channel: string, ...args: unknown[]) {
    this.invoked.push([channel, ...args]);
    this.during?.();
    return this.answer;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args]);
  }
  on(channel: string, l: (e: unknown, ...a: unknown[]) => void) {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), l]);
  }
  removeListener(channel: string, l: (e: unknown, ...a: unknown[]) => void) {
    this.listeners.set(
      channel,
      (this.listeners.get(channel) ?? []).filter((x) => x !== l),
    );
  }
  emit(channel: string, ...args: unknown[]) {
    for (const l of this.listeners.get(channel) ?? []) l({}, ...args);
  }
}

describe('the preload bridge', () => {
  it('exposes the hub requests, events and file transfers, nothing else', () => {
    expect(Object.keys(createBridge(new FakeIpc())).sort()).toEqual([
      'cancelTransfer',
      'chooseFile',
      'request',
      'saveCapture',
      'saveFromHub',
      'subscribe',
      'uploadToHub',
    ]);
  });

  it('invokes hub:request and returns only ok, status and body', async () => {
    const ipc = new FakeIpc();
    const r = await createBridge(ipc).request('GET', '/api/v1/query?query=up');
    expect(ipc.invoked).toEqual([[IpcChannel.HubRequest, 'GET', '/api/v1/query?query=up', undefined]]);
    expect(r).toEqual({ ok: true, status: 200, body: { status: 'success' } });
  });

  it("delivers only its own subscription's events and unsubscribes once", () => {
    const ipc = new FakeIpc();
    const bridge = createBridge(ipc);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const stopA = bridge.subscribe((e, d) => a.push([e, d]));
    bridge.subscribe((e, d) => b.push([e, d]));
    expect(ipc.sent).toEqual([
      [IpcChannel.HubSubscribe, 1],
      [IpcChannel.HubSubscribe, 2],
    ]);
    ipc.emit(IpcChannel.HubEvent, 1, 'fleet', { agents: [] });
    ipc.emit(IpcChannel.HubEvent, 2, 'ingest', { n: 1 });
    expect(a).toEqual([['fleet', { agents: [] }]]);
    expect(b).toEqual([['ingest', { n: 1 }]]);
    stopA();
    stopA();
    ipc.emit(IpcChannel.HubEvent, 1, 'fleet', {});
    expect(a).toHaveLength(1);
    expect(ipc.sent.filter((s) => s[0] === IpcChannel.HubUnsubscribe)).toEqual([[IpcChannel.HubUnsubscribe, 1]]);
  });
});

describe("the preload bridge's file transfers", () => {
  it("saves through transfer:save, routes only its job's progress, and stops listening after", async () => {
    const ipc = new FakeIpc();
    ipc.answer = { status: 'saved', file: '/home/u/Downloads/x.csv', bytes: 10, extra: { a: 1 } };
    ipc.during = () => {
      ipc.emit(IpcChannel.TransferProgress, 4, 5, null);
      ipc.emit(IpcChannel.TransferProgress, 5, 6, 10);
      ipc.emit(IpcChannel.TransferProgress, 4, 10, 10);
      ipc.emit(IpcChannel.TransferProgress, 4, 'x', 10);
    };
    const progress: unknown[] = [];
    const request = { method: 'GET' as const, path: '/api/hub/v1/export?format=csv-long', sneaky: true };
    const r = await createBridge(ipc).saveFromHub(4, request, 'x.csv', (b, t) => progress.push([b, t]));
    expect(r).toEqual({ status: 'saved', file: '/home/u/Downloads/x.csv', bytes: 10 });
    expect(ipc.invoked).toEqual([[IpcChannel.TransferSave, 4, { method: 'GET', path: '/api/hub/v1/export?format=csv-long' }, 'x.csv']]);
    expect(progress).toEqual([
      [5, null],
      [10, 10],
    ]);
    expect(ipc.listeners.get(IpcChannel.TransferProgress)).toEqual([]);
  });

  it('passes a POST body along and turns an unknown answer into a failure', async () => {
    const ipc = new FakeIpc();
    ipc.answer = { status: 'weird' };
    const r = await createBridge(ipc).saveFromHub(
      1,
      { method: 'POST', path: '/api/hub/v1/incidents', body: { title: 't' } },
      'i.ndjson',
      () => undefined,
    );
    expect(r).toEqual({ status: 'failed', error: 'the save ended without an answer' });
    expect(ipc.invoked[0][2]).toEqual({ method: 'POST', path: '/api/hub/v1/incidents', body: { title: 't' } });
  });

  it('chooses a file: the id, name and size only', async () => {
    const ipc = new FakeIpc();
    ipc.answer = { status: 'chosen', file: { fileId: 'a'.repeat(24), name: 'i.ndjson', bytes: 5, path: '/secret/i.ndjson' } };
    const bridge = createBridge(ipc);
    expect(await bridge.chooseFile('Open', [{ name: 'Incidents', extensions: ['ndjson'] }])).toEqual({
      status: 'chosen',
      file: { fileId: 'a'.repeat(24), name: 'i.ndjson', bytes: 5 },
    });
    ipc.answer = undefined;
    expect(await bridge.chooseFile('Open', [])).toEqual({ status: 'dismissed' });
    expect(ipc.invoked[0]).toEqual([IpcChannel.TransferChoose, 'Open', [{ name: 'Incidents', extensions: ['ndjson'] }]]);
  });

  it('uploads through transfer:upload with progress, and cancels by job', async () => {
    const ipc = new FakeIpc();
    ipc.answer = { status: 'sent', response: { ok: false, status: 400, body: { rejected: [] }, extra: 1 } };
    ipc.during = () => ipc.emit(IpcChannel.TransferProgress, 9, 100, 100);
    const progress: unknown[] = [];
    const bridge = createBridge(ipc);
    const r = await bridge.uploadToHub(9, 'a'.repeat(24), '/api/hub/v1/import', 'text/plain', (b, t) => progress.push([b, t]));
    expect(r).toEqual({ status: 'sent', response: { ok: false, status: 400, body: { rejected: [] } } });
    expect(progress).toEqual([[100, 100]]);
    expect(ipc.invoked[0]).toEqual([IpcChannel.TransferUpload, 9, 'a'.repeat(24), '/api/hub/v1/import', 'text/plain']);
    bridge.cancelTransfer(9);
    expect(ipc.sent).toEqual([[IpcChannel.TransferCancel, 9]]);
  });

  it('asks for a capture with plain numbers', async () => {
    const ipc = new FakeIpc();
    ipc.answer = { status: 'dismissed' };
    const r = await createBridge(ipc).saveCapture({ x: 1, y: 2, width: 3, height: 4, toJSON: () => 'no' } as never, 'c.png');
    expect(r).toEqual({ status: 'dismissed' });
    expect(ipc.invoked[0]).toEqual([IpcChannel.TransferCapture, { x: 1, y: 2, width: 3, height: 4 }, 'c.png']);
  });
});
