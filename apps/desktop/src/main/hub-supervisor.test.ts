import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MainToHub } from '../hub-process/protocol.ts';
import { HubSupervisor, type HubSupervisorDeps } from './hub-supervisor.ts';

class FakeChild extends EventEmitter {
  readonly posted: MainToHub[] = [];
  killed = false;
  postMessage(m: MainToHub): void {
    this.posted.push(m);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

const TOKEN = 'a'.repeat(64);
const READY = { type: 'ready', url: 'http://127.0.0.1:9464', host: '127.0.0.1', port: 9464, token: TOKEN };

function supervise(over: Partial<HubSupervisorDeps> = {}) {
  const child = new FakeChild();
  const lines: string[] = [];
  const seen = { changed: 0, failed: [] as string[], quitting: false };
  const hub = new HubSupervisor({
    spawn: () => child,
    log: (line) => lines.push(line),
    quitting: () => seen.quitting,
    changed: () => seen.changed++,
    failed: (message) => seen.failed.push(message),
    notify: () => ({ ok: true }),
    ...over,
  });
  hub.start();
  return { hub, child, lines, seen };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('HubSupervisor', () => {
  it('is ready with the address and the token the hub reports', async () => {
    const { hub, child, seen } = supervise();
    expect(hub.running).toBe(true);
    child.emit('message', READY);
    await expect(hub.ready).resolves.toEqual({ url: READY.url, token: TOKEN });
    expect(hub.url).toBe(READY.url);
    expect(seen.changed).toBe(1);
  });

  it('says when the hub cannot start, and is never ready', async () => {
    const { hub, child, lines, seen } = supervise();
    child.emit('message', { type: 'failed', message: 'port 9464 is in use' });
    await expect(hub.ready).resolves.toBeUndefined();
    expect(seen.failed).toEqual(['port 9464 is in use']);
    expect(lines).toEqual(['the hub cannot start: port 9464 is in use']);
  });

  it('keeps the firing count and logs messages that are not ones', () => {
    const { hub, child, lines, seen } = supervise();
    child.emit('message', { type: 'firing', count: 3 });
    child.emit('message', { type: 'firing', count: -1 });
    expect(hub.firing).toBe(3);
    expect(seen.changed).toBe(1);
    expect(lines).toEqual(['a message from the hub process that is not one']);
  });

  it('answers a notification request with what showing it gave', () => {
    const { child } = supervise({ notify: (n) => (n.urgency === 'critical' ? { ok: true } : { ok: false, error: 'no' }) });
    child.emit('message', { type: 'notify', id: 1, notice: { title: 't', body: 'b', urgency: 'critical' } });
    child.emit('message', { type: 'notify', id: 2, notice: { title: 't', body: 'b', urgency: 'low' } });
    expect(child.posted).toEqual([
      { type: 'notify-result', id: 1, ok: true },
      { type: 'notify-result', id: 2, ok: false, error: 'no' },
    ]);
  });

  it('reports an exit it did not ask for, and is then not running', async () => {
    const { hub, child, lines, seen } = supervise();
    child.emit('message', READY);
    child.emit('exit', 3);
    expect(hub.running).toBe(false);
    expect(hub.url).toBeUndefined();
    expect(seen.changed).toBe(2);
    expect(lines).toEqual(['the hub process exited (code 3)']);
    await expect(hub.stop()).resolves.toBeUndefined();
  });

  it('keeps quiet about the exit while the app quits', () => {
    const { child, lines, seen } = supervise();
    seen.quitting = true;
    child.emit('exit', 0);
    expect(lines).toEqual([]);
    expect(seen.changed).toBe(0);
  });

  it('is not running once the hub said it stopped', () => {
    const { hub, child } = supervise();
    child.emit('message', { type: 'stopped' });
    expect(hub.running).toBe(false);
  });

  it('asks the hub to stop and waits for its exit', async () => {
    const { hub, child } = supervise();
    const stopped = hub.stop();
    expect(child.posted).toEqual([{ type: 'stop' }]);
    child.emit('exit', 0);
    await stopped;
    expect(child.killed).toBe(false);
  });

  it('kills a hub that does not stop in time', async () => {
    vi.useFakeTimers();
    const { hub, child, lines } = supervise();
    const stopped = hub.stop();
    vi.advanceTimersByTime(20_000);
    expect(child.killed).toBe(true);
    expect(lines).toEqual(['the hub did not stop within 20 s: killing it']);
    child.emit('exit', null);
    await stopped;
  });
});
