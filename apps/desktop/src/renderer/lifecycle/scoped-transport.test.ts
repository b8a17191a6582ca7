// A view's transport without a browser: a fake EventSource that counts open streams, a fake
// fetch that records the signal it was given, and a bridge that never answers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpTransport } from '../api/http-transport.ts';
import { IpcTransport, type PreloadBridge } from '../api/ipc-transport.ts';
import { Scope } from './scope.ts';
import { scopedTransport } from './scoped-transport.ts';

class FakeEventSource extends EventTarget {
  static open = 0;
  static opened = 0;
  closed = false;
  constructor(readonly url: string) {
    super();
    FakeEventSource.open++;
    FakeEventSource.opened++;
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    FakeEventSource.open--;
  }
}

const signals: (AbortSignal | undefined)[] = [];

beforeEach(() => {
  FakeEventSource.open = 0;
  FakeEventSource.opened = 0;
  signals.length = 0;
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    signals.push(init.signal ?? undefined);
    return new Response('{"ok":true}', { status: 200 });
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('scopedTransport', () => {
  it("closes the view's hub streams when the view's scope is disposed, and opens none after", () => {
    const scope = new Scope();
    const transport = scopedTransport(new HttpTransport(), scope);
    transport.subscribe(() => undefined);
    const stop = transport.subscribe(() => undefined);
    expect(FakeEventSource.open).toBe(2);
    stop();
    stop();
    expect(FakeEventSource.open).toBe(1);
    scope.dispose();
    expect(FakeEventSource.open).toBe(0);
    transport.subscribe(() => undefined);
    expect([FakeEventSource.open, FakeEventSource.opened]).toEqual([0, 2]);
  });

  it("hands its scope's signal to reads only: a change the user asked for is never cut off", async () => {
    const scope = new Scope();
    const transport = scopedTransport(new HttpTransport(), scope);
    await transport.request('GET', '/api/hub/v1/fleet');
    await transport.request('POST', '/api/hub/v1/snapshots');
    expect(signals).toEqual([scope.signal, undefined]);
  });

  it('over IPC, stops waiting for a read when the scope is disposed, and refuses one asked for after', async () => {
    const never = new Promise<never>(() => undefined);
    const bridge = { request: () => never, subscribe: () => () => undefined } as unknown as PreloadBridge;
    const scope = new Scope();
    const transport = scopedTransport(new IpcTransport(bridge), scope);
    const read = transport.request('GET', '/api/hub/v1/fleet');
    scope.dispose();
    await expect(read).rejects.toMatchObject({ name: 'AbortError' });
    await expect(transport.request('GET', '/api/hub/v1/fleet')).rejects.toMatchObject({ name: 'AbortError' });
  });
});
