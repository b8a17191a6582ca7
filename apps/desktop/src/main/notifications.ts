// Desktop notifications: the ones the hub's notifier sends (a notice with an id replaces
// the one shown before with that id; a click opens the alerts), and the one saying the
// hub cannot start.

import type { DesktopNotice } from '@metrics-hub/alerts';
import { Notification } from 'electron';
import type { NotifyResult } from './hub-supervisor.ts';

export class Notifications {
  /** Shown notices by id, so that the next one with the id replaces its notification. */
  private readonly shown = new Map<string, Notification>();

  constructor(private readonly showWindow: (hash?: string) => void) {}

  show(notice: DesktopNotice): NotifyResult {
    if (!Notification.isSupported()) return { ok: false, error: 'this desktop shows no notifications' };
    if (notice.id) this.shown.get(notice.id)?.close();
    const n = new Notification({
      title: notice.title,
      body: notice.body,
      urgency: notice.urgency,
      timeoutType: notice.urgency === 'critical' ? 'never' : 'default',
    });
    n.on('click', () => this.showWindow('#/alerts'));
    n.on('close', () => {
      if (notice.id && this.shown.get(notice.id) === n) this.shown.delete(notice.id);
    });
    if (notice.id) this.shown.set(notice.id, n);
    n.show();
    return { ok: true };
  }

  hubCannotStart(message: string): void {
    new Notification({ title: 'Metrics hub cannot start', body: message }).show();
  }
}
