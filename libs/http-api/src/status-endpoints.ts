// /status/buildinfo, /status/runtimeinfo, /rules and /alerts. Grafana calls buildinfo
// when a data source is saved and reads `version` to decide which features it may use;
// rules and alerts belong to the rule evaluator, which fills them in through the backend.

import type { BuildInfoData, RuntimeInfo } from '@metrics-hub/hub-api';
import type { EndpointRequest, EndpointResult } from './endpoint.ts';

export function buildInfo(req: EndpointRequest): EndpointResult {
  const b = req.backend.buildInfo;
  const data: BuildInfoData = {
    version: b.version,
    revision: b.revision ?? '',
    branch: b.branch ?? '',
    buildUser: b.buildUser ?? '',
    buildDate: b.buildDate ?? '',
    goVersion: b.goVersion ?? '',
  };
  return { dataJson: JSON.stringify(data) };
}

/** The fields of Prometheus's RuntimeInfo that mean something here; the backend adds the rest. */
export function runtimeInfo(req: EndpointRequest): EndpointResult {
  const started = new Date(req.startedAt).toISOString();
  const data: RuntimeInfo = {
    startTime: started,
    CWD: process.cwd(),
    reloadConfigSuccess: true,
    lastConfigTime: started,
    corruptionCount: 0,
    storageRetention: '',
    ...req.backend.runtimeInfo?.(),
  };
  return { dataJson: JSON.stringify(data) };
}

export function rules(req: EndpointRequest): EndpointResult {
  return { dataJson: JSON.stringify(req.backend.rules?.(req.form) ?? { groups: [] }) };
}

export function alerts(req: EndpointRequest): EndpointResult {
  return { dataJson: JSON.stringify(req.backend.alerts?.(req.form) ?? { alerts: [] }) };
}
