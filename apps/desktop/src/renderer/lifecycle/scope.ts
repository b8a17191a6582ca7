// A lifetime for what a view starts: timers, listeners, hub streams, in-flight reads, charts.
// Everything registers with the view's scope, and the shell disposes the scope when the user
// leaves the view, so nothing the view started outlives it. Registering with a scope that is
// already disposed ends the thing at once: a late async callback cannot restart a timer or
// a stream for a view that is gone. Async work that resumes after an await checks
// `scope.disposed` before touching the page (the element it drew into is the next view's).

/** Ends one registration early (clears the timer, runs the deferred function now); safe to call twice. */
export type End = () => void;

const nothing: End = () => undefined;

export class Scope {
  private readonly controller = new AbortController();
  // In registration order; disposal runs them newest first, as nested setup expects.
  private readonly ends = new Set<End>();

  /** Aborts when the scope is disposed: hand it to fetch() and addEventListener(). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get disposed(): boolean {
    return this.controller.signal.aborted;
  }

  /** Runs `fn` when the scope is disposed (at once if it is already). */
  defer(fn: () => void): End {
    if (this.disposed) {
      fn();
      return nothing;
    }
    const end = () => {
      if (this.ends.delete(end)) fn();
    };
    this.ends.add(end);
    return end;
  }

  /** Destroys `thing` (a chart, an editor) with the scope; returns it, for `const c = scope.own(new Chart())`. */
  own<T extends { destroy(): void }>(thing: T): T {
    this.defer(() => thing.destroy());
    return thing;
  }

  /** setTimeout for as long as the scope lives. */
  timeout(fn: () => void, ms: number): End {
    if (this.disposed) return nothing;
    const end = () => {
      this.ends.delete(end);
      clearTimeout(id);
    };
    const id = setTimeout(() => {
      this.ends.delete(end);
      fn();
    }, ms);
    this.ends.add(end);
    return end;
  }

  /** setInterval for as long as the scope lives. */
  interval(fn: () => void, ms: number): End {
    if (this.disposed) return nothing;
    const id = setInterval(fn, ms);
    const end = () => {
      this.ends.delete(end);
      clearInterval(id);
    };
    this.ends.add(end);
    return end;
  }

  /** addEventListener on something that outlives the view (window, document), removed with the scope. */
  listen(target: EventTarget, type: string, listener: (event: Event) => void, options: AddEventListenerOptions = {}): void {
    if (this.disposed) return;
    target.addEventListener(type, listener, { ...options, signal: this.signal });
  }

  /** A scope that ends with this one, or earlier (a part of a view that is redrawn). */
  child(): Scope {
    const child = new Scope();
    const end = this.defer(() => child.dispose());
    // Disposed first, a child leaves its parent's list rather than waiting in it.
    child.defer(end);
    return child;
  }

  /**
   * Ends everything registered, newest first; a second call does nothing. One failing
   * cleanup does not keep the others from running: the first error is thrown after all ran.
   */
  dispose(): void {
    if (this.disposed) return;
    this.controller.abort();
    const ends = [...this.ends].reverse();
    let failed: { error: unknown } | undefined;
    for (const end of ends) {
      try {
        end();
      } catch (error) {
        failed ??= { error };
      }
    }
    this.ends.clear();
    if (failed) throw failed.error;
  }
}
