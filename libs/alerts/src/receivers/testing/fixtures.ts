// Notifications for receiver tests, written out by hand so expected payloads can be too.

import { expect } from 'vitest';
import type { Notification, TemplateRenderer } from '../../model.ts';
import { DeliveryError } from '../errors.ts';

/** 2026-01-15T10:00:00.25Z and 2026-01-15T10:02:00Z. */
export const STARTS_1 = Date.UTC(2026, 0, 15, 10, 0, 0, 250);
export const STARTS_2 = Date.UTC(2026, 0, 15, 10, 2, 0);
/** 2026-01-15T10:30:00.5Z */
export const ENDS = Date.UTC(2026, 0, 15, 10, 30, 0, 500);

export function firingNotification(): Notification {
  return {
    receiver: 'ops',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { severity: 'critical', alertname: 'HostDown', job: 'node', instance: 'web-1:9100' },
        annotations: { summary: 'web-1 is down', runbook: 'https://wiki.example/HostDown' },
        startsAt: STARTS_1,
        endsAt: 0,
        generatorURL: 'http://hub.example:9464/graph?g0.expr=up+%3D%3D+0&g0.tab=1',
        fingerprint: '1a30ba71cca2921f',
      },
      {
        status: 'firing',
        labels: { alertname: 'HostDown', instance: 'web-2:9100', job: 'node', severity: 'critical' },
        annotations: { summary: 'web-2 is down <since boot>', runbook: 'https://wiki.example/HostDown' },
        startsAt: STARTS_2,
        endsAt: 0,
        generatorURL: 'http://hub.example:9464/graph?g0.expr=up+%3D%3D+0&g0.tab=1',
        fingerprint: '2b41cb82ddb3a320',
      },
    ],
    groupLabels: { alertname: 'HostDown' },
    commonLabels: { severity: 'critical', job: 'node', alertname: 'HostDown' },
    commonAnnotations: { runbook: 'https://wiki.example/HostDown' },
    externalURL: 'http://hub.example:9464',
    groupKey: '{}:{alertname="HostDown"}',
    truncatedAlerts: 0,
  };
}

/** The same group an hour later: web-1 recovered at ENDS. */
export function resolvedNotification(): Notification {
  const n = firingNotification();
  return {
    ...n,
    status: 'resolved',
    alerts: [{ ...n.alerts[0], status: 'resolved', endsAt: ENDS }],
    commonLabels: { ...n.alerts[0].labels },
    commonAnnotations: { ...n.alerts[0].annotations },
  };
}

/** One firing and one resolved alert in the same notification. */
export function mixedNotification(): Notification {
  const n = firingNotification();
  return { ...n, alerts: [n.alerts[0], { ...n.alerts[1], status: 'resolved', endsAt: ENDS }] };
}

/**
 * Stands in for the Go-template engine: `{{ .A.b }}` looks the path up in the data,
 * `{{ len .Alerts }}` counts, `{{ .X | toUpper }}` upper-cases, `{{ fail }}` throws.
 */
export const standInRenderer: TemplateRenderer = (template, data) =>
  template.replace(/\{\{\s*(len\s+)?\.([\w.]+)\s*(\|\s*toUpper\s*)?\}\}|\{\{\s*fail\s*\}\}/g, (whole, len, path, upper) => {
    if (path === undefined) throw new Error('template: fail called');
    let v: unknown = data;
    for (const part of (path as string).split('.')) v = (v as Record<string, unknown> | undefined)?.[part];
    if (v === undefined) throw new Error(`template: no such field .${path} in ${whole}`);
    const s = len ? String((v as unknown[]).length) : String(v);
    return upper ? s.toUpperCase() : s;
  });

/** The DeliveryError a send rejected with (fails the test when it resolved or threw something else). */
export async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeliveryError);
  return err as DeliveryError;
}
