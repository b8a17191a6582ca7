// The view lifetime without a browser: fake timers, Node's EventTarget, and counting fakes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scope } from './scope.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** An EventTarget that counts the listeners it holds. */
class CountingTarget extends EventTarget {
  live = 0;
  override addEventListener(type: string, listener: EventListener | null, options?: AddEventListenerOptions | boolean): void {
    this.live++;
    const signal = typeof options === 'object' ? options.signal : undefined;
    signal?.addEventListener('abort', () => this.live--, { once: true });
    super.addEventListener(type, listener, options);
  }
}

describe('Scope', () => {
  it('runs its intervals and timeouts until it is disposed, then none is left', () => {
    const scope = new Scope();
    let ticks = 0;
    let fired = 0;
    scope.interval(() => ticks++, 100);
    scope.timeout(() => fired++, 250);
    scope.timeout(() => fired++, 10_000);
    vi.advanceTimersByTime(300);
    expect([ticks, fired]).toEqual([3, 1]);
    expect(vi.getTimerCount()).toBe(2);
    scope.dispose();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(20_000);
    expect([ticks, fired]).toEqual([3, 1]);
  });

  it('ends one timer early, once, and a timer that fired leaves the scope', () => {
    const scope = new Scope();
    let fired = 0;
    const cancel = scope.timeout(() => fired++, 100);
    cancel();
    cancel();
    const stop = scope.interval(() => fired++, 100);
    stop();
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(0);
    // Timeouts that fired are done with: nothing is left for dispose to clear.
    for (let i = 0; i < 1000; i++) scope.timeout(() => fired++, 1);
    vi.advanceTimersByTime(10);
    expect(fired).toBe(1000);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('removes its listeners from targets that outlive it', () => {
    const scope = new Scope();
    const target = new CountingTarget();
    let heard = 0;
    scope.listen(target, 'ping', () => heard++);
    scope.listen(target, 'ping', () => heard++);
    target.dispatchEvent(new Event('ping'));
    expect([heard, target.live]).toEqual([2, 2]);
    scope.dispose();
    target.dispatchEvent(new Event('ping'));
    expect([heard, target.live]).toEqual([2, 0]);
  });

  it('aborts its signal, runs deferred work newest first and once, and a second dispose does nothing', () => {
    const scope = new Scope();
    const order: string[] = [];
    scope.defer(() => order.push('first'));
    scope.own({ destroy: () => order.push('chart') });
    const early = scope.defer(() => order.push('early'));
    early();
    early();
    expect(scope.signal.aborted).toBe(false);
    scope.dispose();
    scope.dispose();
    expect(scope.disposed).toBe(true);
    expect(scope.signal.aborted).toBe(true);
    expect(order).toEqual(['early', 'chart', 'first']);
  });

  it('ends at once what is registered after it was disposed: a late callback starts nothing', () => {
    const scope = new Scope();
    scope.dispose();
    let ran = 0;
    const target = new CountingTarget();
    scope.interval(() => ran++, 1);
    scope.timeout(() => ran++, 1);
    scope.listen(target, 'ping', () => ran++);
    let destroyed = 0;
    scope.own({ destroy: () => destroyed++ });
    scope.defer(() => destroyed++);
    expect(scope.child().disposed).toBe(true);
    vi.advanceTimersByTime(100);
    target.dispatchEvent(new Event('ping'));
    expect([ran, destroyed, target.live, vi.getTimerCount()]).toEqual([0, 2, 0, 0]);
  });

  it('disposes its children with it, and a child disposed first does not run twice', () => {
    const parent = new Scope();
    const ended: string[] = [];
    const early = parent.child();
    early.defer(() => ended.push('early'));
    early.interval(() => undefined, 100);
    early.dispose();
    expect(ended).toEqual(['early']);
    const late = parent.child();
    late.defer(() => ended.push('late'));
    late.timeout(() => ended.push('fired'), 100);
    expect(vi.getTimerCount()).toBe(1);
    parent.dispose();
    expect(late.disposed).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(ended).toEqual(['early', 'late']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('runs every cleanup when one throws, then throws the first error', () => {
    const scope = new Scope();
    let ran = 0;
    scope.defer(() => ran++);
    scope.defer(() => {
      throw new Error('first to run');
    });
    scope.defer(() => {
      throw new Error('ran before it');
    });
    scope.interval(() => undefined, 100);
    expect(() => scope.dispose()).toThrow('ran before it');
    expect(ran).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(() => scope.dispose()).not.toThrow();
  });
});
