import { describe, expect, it } from 'vitest';
import { IpcChannel } from '../common/ipc-channels.ts';
import { createBridge, type IpcRendererLike } from './bridge.ts';

class FakeIpc implements IpcRendererLike {
  invoked: unknown[][] = [];
  sent: unknown[][] = [];
  listeners = new Map<string, ((e: unknown, ...a: unknown[]) => void)[]>();
  answer: unknown = { ok: true, status: 200, body: { status: 'success' }, extra: 'dropped' };
  async invoke(channel: string, ...args: unknown[]) {
    this.invoked.push([channel, ...args]);
    return this.answer;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push([channel, ...args]);
  }
  on(channel: string, l: (e: unknown, ...a: unknown[]) => void) {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), l]);
  }
  removeListener(channel: string, l: (e: unknown, ...a: unknown[]) => void) {
    this.listeners.set(channel, (this.listeners.get(channel) ?? []).filter((x) => x !== l));
  }
  emit(channel: string, ...args: unknown[]) {
    for (const l of this.listeners.get(channel) ?? []) l({}, ...args);
  }
}

describe('the preload bridge', () => {
  it('exposes request and subscribe, nothing else', () => {
    expect(Object.keys(createBridge(new FakeIpc())).sort()).toEqual(['request', 'subscribe']);
  });

  it('invokes hub:request and returns only ok, status and body', async () => {
    const ipc = new FakeIpc();
    const r = await createBridge(ipc).request('GET', '/api/v1/query?query=up');
    expect(ipc.invoked).toEqual([[IpcChannel.HubRequest, 'GET', '/api/v1/query?query=up', undefined]]);
    expect(r).toEqual({ ok: true, status: 200, body: { status: 'success' } });
  });

  it('delivers only its own subscription\'s events and unsubscribes once', () => {
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
