import { describe, expect, it } from 'vitest';
import type { Notification } from '../model.ts';
import { createIntegration } from './create-integration.ts';
import type { DesktopNotice, DesktopNotifier } from './desktop-notifier.ts';
import { firingNotification, mixedNotification, resolvedNotification, standInRenderer } from './testing/fixtures.ts';

/** Records what the integration asks the platform to show. */
class RecordingNotifier implements DesktopNotifier {
  readonly shown: DesktopNotice[] = [];
  async notify(notice: DesktopNotice): Promise<void> {
    this.shown.push(notice);
  }
}

function withSeverities(n: Notification, severities: (string | undefined)[]): Notification {
  return {
    ...n,
    alerts: severities.map((severity, i) => {
      const { severity: _, ...labels } = n.alerts[i % n.alerts.length].labels;
      return { ...n.alerts[i % n.alerts.length], labels: severity === undefined ? labels : { ...labels, severity } };
    }),
  };
}

describe('desktop receiver', () => {
  it('shows one notification per notification: status, alertname and count over one line per alert', async () => {
    const desktop = new RecordingNotifier();
    await createIntegration('desktop', {}, { desktop }).send(firingNotification());
    expect(desktop.shown).toEqual([
      {
        title: '[FIRING] HostDown (2)',
        body: 'web-1:9100: web-1 is down\nweb-2:9100: web-2 is down <since boot>',
        urgency: 'critical',
        id: 'ops:{}:{alertname="HostDown"}',
      },
    ]);
  });

  it('shows resolved notifications by default, quietly, under the same id so they replace the firing one', async () => {
    const desktop = new RecordingNotifier();
    const integration = createIntegration('desktop', undefined, { desktop });
    expect(integration.sendResolved).toBe(true);
    await integration.send(firingNotification());
    await integration.send(resolvedNotification());
    expect(desktop.shown[1]).toEqual({
      title: '[RESOLVED] HostDown (1)',
      body: 'web-1:9100: web-1 is down',
      urgency: 'low',
      id: desktop.shown[0].id,
    });
  });

  it('marks resolved lines when a notification holds both, and counts only firing alerts in the title', async () => {
    const desktop = new RecordingNotifier();
    await createIntegration('desktop', {}, { desktop }).send(mixedNotification());
    expect(desktop.shown[0].title).toBe('[FIRING] HostDown (1)');
    expect(desktop.shown[0].body).toBe('web-1:9100: web-1 is down\nweb-2:9100: web-2 is down <since boot> (resolved)');
  });

  it('lists at most five lines and says how many more there are', async () => {
    const desktop = new RecordingNotifier();
    const n = firingNotification();
    const many = {
      ...n,
      alerts: Array.from({ length: 7 }, (_, i) => ({
        ...n.alerts[0],
        labels: { ...n.alerts[0].labels, instance: `web-${i}:9100` },
        annotations: {},
      })),
      truncatedAlerts: 3,
    };
    await createIntegration('desktop', {}, { desktop }).send(many);
    expect(desktop.shown[0].title).toBe('[FIRING] HostDown (10)');
    expect(desktop.shown[0].body).toBe(
      'web-0:9100: HostDown\nweb-1:9100: HostDown\nweb-2:9100: HostDown\nweb-3:9100: HostDown\n… and 6 more',
    );
  });

  it('takes the urgency from the most severe firing alert, or from the config', async () => {
    const cases: [(string | undefined)[], string][] = [
      [['warning', 'info'], 'normal'],
      [['info'], 'low'],
      [['info', 'critical'], 'critical'],
      [['page'], 'critical'],
      [[undefined], 'normal'],
    ];
    for (const [severities, urgency] of cases) {
      const desktop = new RecordingNotifier();
      await createIntegration('desktop', {}, { desktop }).send(withSeverities(firingNotification(), severities));
      expect([severities, desktop.shown[0].urgency]).toEqual([severities, urgency]);
    }
    const desktop = new RecordingNotifier();
    await createIntegration('desktop', { urgency: 'low' }, { desktop }).send(firingNotification());
    expect(desktop.shown[0].urgency).toBe('low');
  });

  it('renders title and body templates', async () => {
    const desktop = new RecordingNotifier();
    await createIntegration(
      'desktop',
      { title: '{{ .CommonLabels.alertname }} {{ .Status }}', body: '{{ len .Alerts }} hosts down' },
      { desktop, render: standInRenderer },
    ).send(firingNotification());
    expect(desktop.shown[0]).toMatchObject({ title: 'HostDown firing', body: '2 hosts down' });
  });

  it('gives templates Alertmanager’s data: Go field names, Alerts.Firing and Alerts.Resolved, times as dates', async () => {
    const desktop = new RecordingNotifier();
    const render = (template: string, data: unknown) => {
      const d = data as {
        Alerts: { Firing: unknown[]; Resolved: { EndsAt: Date }[]; length: number } & { StartsAt: Date; EndsAt: Date }[];
      };
      return `${template}: ${d.Alerts.length} ${d.Alerts.Firing.length} ${d.Alerts.Resolved.length} ${d.Alerts[0].StartsAt.toISOString()} ${d.Alerts[0].EndsAt.toISOString()} ${d.Alerts.Resolved[0].EndsAt.toISOString()} ${JSON.stringify(Object.keys(d.Alerts))}`;
    };
    await createIntegration('desktop', { title: '{{ x }}' }, { desktop, render }).send(mixedNotification());
    expect(desktop.shown[0].title).toBe(
      '{{ x }}: 2 1 1 2026-01-15T10:00:00.250Z 0001-01-01T00:00:00.000Z 2026-01-15T10:30:00.500Z ["0","1"]',
    );
  });

  it('with send_resolved: false, shows nothing for resolved alerts', async () => {
    const desktop = new RecordingNotifier();
    await createIntegration('desktop', { send_resolved: false }, { desktop }).send(resolvedNotification());
    expect(desktop.shown).toEqual([]);
  });
});
