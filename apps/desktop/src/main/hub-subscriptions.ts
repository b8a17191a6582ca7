// The window's live subscriptions to the hub's server-sent events (hub:subscribe), by
// owner (a webContents id) and the window's own subscription number, so that
// hub:unsubscribe, a closed or crashed window, and quitting each end theirs.

export class HubSubscriptions {
  private readonly stops = new Map<string, () => void>();

  /** Claims (owner, id) before the hub is ready; false when that subscription exists already. */
  reserve(owner: number, id: number): boolean {
    const key = `${owner}:${id}`;
    if (this.stops.has(key)) return false;
    this.stops.set(key, () => {});
    return true;
  }

  /** Whether (owner, id) is still wanted (not unsubscribed while the hub was starting). */
  has(owner: number, id: number): boolean {
    return this.stops.has(`${owner}:${id}`);
  }

  /** Records how to end a subscription once its stream runs. */
  attach(owner: number, id: number, stop: () => void): void {
    this.stops.set(`${owner}:${id}`, stop);
  }

  /** Ends one subscription; `id` is whatever the window sent. */
  cancel(owner: number, id: unknown): void {
    const key = `${owner}:${String(id)}`;
    this.stops.get(key)?.();
    this.stops.delete(key);
  }

  /** Ends everything of one owner (its window closed or crashed). */
  cancelAllOf(owner: number): void {
    for (const [key, stop] of this.stops) {
      if (key.startsWith(`${owner}:`)) {
        stop();
        this.stops.delete(key);
      }
    }
  }

  /** Ends every subscription (the hub is stopping). */
  cancelAll(): void {
    for (const stop of this.stops.values()) stop();
    this.stops.clear();
  }

  get size(): number {
    return this.stops.size;
  }
}
