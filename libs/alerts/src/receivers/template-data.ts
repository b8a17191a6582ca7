// The data a receiver's templates see: Alertmanager's template.Data with its Go field names,
// so templates written for Alertmanager (`{{ .Status }}`, `{{ .CommonLabels.alertname }}`,
// `{{ range .Alerts.Firing }}`) work unchanged with the Go-template engine.

import type { AlertStatus, Notification } from '../model.ts';

export interface TemplateAlert {
  Status: AlertStatus;
  Labels: Record<string, string>;
  Annotations: Record<string, string>;
  /** Go's time.Time; Date here, the engine formats it. */
  StartsAt: Date;
  /** Go's zero time (0001-01-01T00:00:00Z) while the alert fires. */
  EndsAt: Date;
  GeneratorURL: string;
  Fingerprint: string;
}

/** Alertmanager's Alerts type: a list with `Firing` and `Resolved` views. */
export type TemplateAlerts = TemplateAlert[] & { readonly Firing: TemplateAlert[]; readonly Resolved: TemplateAlert[] };

export interface TemplateData {
  Receiver: string;
  Status: AlertStatus;
  Alerts: TemplateAlerts;
  GroupLabels: Record<string, string>;
  CommonLabels: Record<string, string>;
  CommonAnnotations: Record<string, string>;
  ExternalURL: string;
}

const GO_ZERO = new Date('0001-01-01T00:00:00Z');

export function notificationTemplateData(n: Notification): TemplateData {
  const list = n.alerts.map(
    (a): TemplateAlert => ({
      Status: a.status,
      Labels: { ...a.labels },
      Annotations: { ...a.annotations },
      StartsAt: new Date(a.startsAt),
      EndsAt: a.status === 'firing' || a.endsAt === 0 ? new Date(GO_ZERO) : new Date(a.endsAt),
      GeneratorURL: a.generatorURL,
      Fingerprint: a.fingerprint,
    }),
  );
  // Non-enumerable, so the list still serialises (and iterates) as a plain array.
  Object.defineProperties(list, {
    Firing: { get: () => list.filter((a) => a.Status === 'firing') },
    Resolved: { get: () => list.filter((a) => a.Status === 'resolved') },
  });
  return {
    Receiver: n.receiver,
    Status: n.status,
    Alerts: list as TemplateAlerts,
    GroupLabels: { ...n.groupLabels },
    CommonLabels: { ...n.commonLabels },
    CommonAnnotations: { ...n.commonAnnotations },
    ExternalURL: n.externalURL,
  };
}
