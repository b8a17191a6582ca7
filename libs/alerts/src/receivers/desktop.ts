// The desktop receiver (ours, not Alertmanager's): one OS notification per notification,
// "[FIRING] HostDown (2)" over one line per alert, urgency from the `severity` label, and
// the group's earlier notification replaced where the platform can.

import type { AlertStatus, Integration, Notification, NotifiedAlert, TemplateRenderer } from '../model.ts';
import { selectForSendResolved } from './alert-selection.ts';
import { bool, object, oneOf, transform } from '@metrics-hub/config';
import { alertLine, firingAndResolved, groupName } from './default-text.ts';
import type { DesktopNotifier, DesktopUrgency } from './desktop-notifier.ts';
import { readReceiverConfig } from './receiver-config.ts';
import { notificationTemplateData } from './template-data.ts';
import { templateText, type TextField } from './template-field.ts';

export interface DesktopConfig {
  title?: TextField;
  body?: TextField;
  /** Fixed urgency; by default derived from the alerts' `severity` label. */
  urgency?: DesktopUrgency;
  sendResolved: boolean;
}

const URGENCIES = ['low', 'normal', 'critical'] as const;

export function readDesktopConfig(raw: unknown, render?: TemplateRenderer): DesktopConfig {
  const schema = object({
    send_resolved: { schema: bool, default: true },
    title: templateText('desktop', render),
    body: templateText('desktop', render),
    urgency: { schema: oneOf(URGENCIES), help: 'a fixed urgency; by default it follows the severity label' },
  });
  const desktop = transform(schema, (v): DesktopConfig => {
    const config: DesktopConfig = { sendResolved: v.send_resolved };
    if (v.title) config.title = v.title;
    if (v.body) config.body = v.body;
    if (v.urgency) config.urgency = v.urgency;
    return config;
  });
  return readReceiverConfig('desktop', raw, desktop);
}

/** Lines in the default body; a notification bubble shows little more. */
const MAX_LINES = 5;

export class DesktopIntegration implements Integration {
  readonly kind = 'desktop';
  readonly sendResolved: boolean;

  constructor(
    private readonly config: DesktopConfig,
    private readonly notifier: DesktopNotifier,
  ) {
    this.sendResolved = config.sendResolved;
  }

  async send(notification: Notification): Promise<void> {
    const n = selectForSendResolved(notification, this.config.sendResolved);
    if (!n) return;
    const data = notificationTemplateData(n);
    await this.notifier.notify({
      title: this.config.title ? this.config.title(data) : defaultDesktopTitle(n),
      body: this.config.body ? this.config.body(data) : defaultDesktopBody(n),
      urgency: this.config.urgency ?? urgencyOf(n),
      id: `${n.receiver}:${n.groupKey}`,
    });
  }
}

/** `[FIRING] HostDown (2)`: status, what, and how many alerts are in that status. */
export function defaultDesktopTitle(n: Notification): string {
  const count = (n.status === 'firing' ? n.alerts.filter((a) => a.status === 'firing').length : n.alerts.length) + n.truncatedAlerts;
  return `[${n.status.toUpperCase()}] ${groupName(n)} (${count})`;
}

/** One line per alert (firing first), at most MAX_LINES, then how many more. */
export function defaultDesktopBody(n: Notification): string {
  const { firing, resolved } = firingAndResolved(n);
  const mixed = firing.length > 0 && resolved.length > 0;
  const line = (a: NotifiedAlert) => (mixed && a.status === 'resolved' ? `${alertLine(a)} (resolved)` : alertLine(a));
  const all = [...firing, ...resolved];
  const shown = all.length > MAX_LINES ? all.slice(0, MAX_LINES - 1) : all;
  const lines = shown.map(line);
  const hidden = all.length - shown.length + n.truncatedAlerts;
  if (hidden > 0) lines.push(`… and ${hidden} more`);
  return lines.join('\n');
}

const SEVERITY_URGENCY: Record<string, DesktopUrgency> = {
  critical: 'critical',
  page: 'critical',
  error: 'critical',
  warning: 'normal',
  warn: 'normal',
  info: 'low',
  informational: 'low',
  none: 'low',
};

/** The most urgent firing alert decides; a resolved notification never interrupts. */
export function urgencyOf(n: { status: AlertStatus; alerts: NotifiedAlert[] }): DesktopUrgency {
  if (n.status === 'resolved') return 'low';
  let best: DesktopUrgency = 'low';
  for (const a of n.alerts) {
    if (a.status !== 'firing') continue;
    const u = SEVERITY_URGENCY[(a.labels.severity ?? '').toLowerCase()] ?? 'normal';
    if (URGENCIES.indexOf(u) > URGENCIES.indexOf(best)) best = u;
  }
  return best;
}
