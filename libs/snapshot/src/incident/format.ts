// The incident file: one NDJSON (optionally gzipped) file that carries a time window of
// series together with the dashboard that shows them.
//
//   {"format":"metrics-hub-incident","version":1,"title":..,"createdAt":..,"startMs":..,"endMs":..,"dashboard":{..}}
//   {"format":"mhb-json","version":1}            <- from here on, the lossless export as is
//   {"metadata":..} / {"labels":..,"timestamps":..,"values":..} ...
//
// The header comes first so a reader can refuse an unknown file after one line, and the
// rest is byte-for-byte an mhb-json export so the existing import path reads it.

export const INCIDENT_FORMAT = 'metrics-hub-incident';
export const INCIDENT_VERSION = 1;

export interface IncidentPanel {
  title: string;
  expr: string;
  unit?: string;
}

/** The dashboard carried in the file (the hub's Dashboard without its bookkeeping). */
export interface IncidentDashboard {
  id?: string;
  title: string;
  panels: IncidentPanel[];
}

export interface IncidentHeader {
  format: typeof INCIDENT_FORMAT;
  version: typeof INCIDENT_VERSION;
  title: string;
  /** RFC 3339, when the file was made. */
  createdAt: string;
  startMs: number;
  endMs: number;
  dashboard: IncidentDashboard;
}

export class IncidentError extends Error {
  constructor(
    readonly code: 'bad_file' | 'bad_version' | 'bad_request' | 'too_large',
    message: string,
    /** 1-based line of the file the problem is on, where there is one. */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'IncidentError';
  }
}

/** Checks line 1 of a file and returns it typed; throws IncidentError naming what is wrong. */
export function parseHeader(line: string): IncidentHeader {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(line) as Record<string, unknown>;
  } catch (e) {
    throw new IncidentError('bad_file', `not an incident file: the first line is not JSON (${(e as Error).message})`, 1);
  }
  if (typeof obj !== 'object' || obj === null || obj.format !== INCIDENT_FORMAT) {
    throw new IncidentError('bad_file', `not an incident file: the first line must be {"format":"${INCIDENT_FORMAT}",...}`, 1);
  }
  if (obj.version !== INCIDENT_VERSION) {
    throw new IncidentError(
      'bad_version',
      `incident file version ${JSON.stringify(obj.version)} is not supported: this hub reads version ${INCIDENT_VERSION}`,
      1,
    );
  }
  const { title, createdAt, startMs, endMs } = obj;
  if (typeof title !== 'string' || typeof createdAt !== 'string')
    throw new IncidentError('bad_file', 'the header needs string "title" and "createdAt"', 1);
  if (!Number.isSafeInteger(startMs) || !Number.isSafeInteger(endMs) || (endMs as number) < (startMs as number)) {
    throw new IncidentError('bad_file', 'the header needs integer "startMs" <= "endMs"', 1);
  }
  return {
    format: INCIDENT_FORMAT,
    version: INCIDENT_VERSION,
    title,
    createdAt,
    startMs: startMs as number,
    endMs: endMs as number,
    dashboard: checkDashboard(obj.dashboard, 1),
  };
}

/** A dashboard as given by a caller or read from a file; throws IncidentError when it is not one. */
export function checkDashboard(d: unknown, line?: number): IncidentDashboard {
  const o = d as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || typeof o.title !== 'string' || !Array.isArray(o.panels)) {
    throw new IncidentError(line ? 'bad_file' : 'bad_request', 'a dashboard needs {"title", "panels": [{"title", "expr"}]}', line);
  }
  const panels = (o.panels as Record<string, unknown>[]).map((p, i) => {
    if (typeof p?.expr !== 'string')
      throw new IncidentError(line ? 'bad_file' : 'bad_request', `dashboard panel #${i + 1} needs a string "expr"`, line);
    return { title: typeof p.title === 'string' ? p.title : p.expr, expr: p.expr, ...(typeof p.unit === 'string' ? { unit: p.unit } : {}) };
  });
  return { ...(typeof o.id === 'string' ? { id: o.id } : {}), title: o.title, panels };
}
