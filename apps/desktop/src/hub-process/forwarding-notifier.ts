// The hub process's DesktopNotifier: it cannot show anything itself (no Electron UI in a
// utility process), so it asks the main process, which shows an Electron `Notification`
// and answers. No answer in time is a retryable delivery failure, as a silent D-Bus would be.

import { DeliveryError, type DesktopNotice, type DesktopNotifier } from '@metrics-hub/alerts';
import type { HubToMain } from './protocol.ts';

export class ForwardingNotifier implements DesktopNotifier {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly post: (message: HubToMain) => void,
    private readonly timeoutMs = 10_000,
  ) {}

  notify(notice: DesktopNotice): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new DeliveryError('desktop', 'timeout', `the desktop app did not show the notification within ${this.timeoutMs} ms`, {
            retryable: true,
          }),
        );
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        this.post({
          type: 'notify',
          id,
          notice: {
            title: notice.title,
            body: notice.body,
            urgency: notice.urgency,
            ...(notice.id === undefined ? {} : { id: notice.id }),
          },
        });
      } catch (e) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(
          new DeliveryError('desktop', 'connection', `cannot reach the desktop app: ${(e as Error).message}`, {
            retryable: true,
            cause: e,
          }),
        );
      }
    });
  }

  /** The main process's answer to notification `id`. */
  settle(id: number, ok: boolean, error?: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (ok) p.resolve();
    else p.reject(new DeliveryError('desktop', 'refused', error ?? 'the notification was not shown', { retryable: false }));
  }

  /** Fails what is still waiting (the process is stopping). */
  close(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new DeliveryError('desktop', 'connection', 'the desktop app is stopping', { retryable: true }));
      this.pending.delete(id);
    }
  }

  get waiting(): number {
    return this.pending.size;
  }
}
