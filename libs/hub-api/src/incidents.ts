// Incident files: made from a dashboard over a time range, opened read-only (in memory),
// or imported into the store.
//
//   POST /api/hub/v1/incidents                IncidentRequest -> the file, as a download
//   POST /api/hub/v1/incidents/open[?name=F]  body: the file -> OpenedIncident (201)
//   GET  /api/hub/v1/incidents                OpenedIncidentsResponse
//   GET  /api/hub/v1/incidents/<id>           OpenedIncident
//   GET  /api/hub/v1/incidents/<id>/query_range?query=&start=&end=&step=   PromResponse<QueryData>
//   POST /api/hub/v1/incidents/<id>/import    IncidentImport
//   POST /api/hub/v1/incidents/import         body: the file -> IncidentImport

import type { DashboardPanel, SavedDashboard } from './dashboards.ts';

/** The dashboard an incident file carries (a SavedDashboard without its bookkeeping). */
export interface IncidentDashboard {
  id?: string;
  title: string;
  panels: DashboardPanel[];
}

/** A new incident file: a saved dashboard by id, or one given whole; times are RFC 3339 or Unix seconds. */
export interface IncidentRequest {
  dashboardId?: string;
  dashboard?: IncidentDashboard;
  title?: string;
  start: string | number;
  end: string | number;
  /** Series to include beyond the panels' queries. */
  selectors?: string[];
  gzip?: boolean;
}

/** An incident file the hub has opened (in memory, read-only). */
export interface OpenedIncident {
  id: string;
  title: string;
  /** RFC 3339, when the file was made. */
  createdAt: string;
  startMs: number;
  endMs: number;
  dashboard: IncidentDashboard;
  series: number;
  samples: number;
  /** The name of the file it was opened from, when the opener said. */
  fileName?: string;
}

export interface OpenedIncidentsResponse {
  incidents: OpenedIncident[];
}

/** What importing an incident stored: its samples, and its dashboard saved as incident-<id>. */
export interface IncidentImport {
  title: string;
  startMs: number;
  endMs: number;
  dashboard: SavedDashboard;
  summary: {
    samples: number;
    appended: number;
    series: number;
    store: { duplicates: number; conflicts: number; tooOld: number; tooFarAhead: number; rejectedSeries: number };
    /** What the store refused after the file's own checks, with the reason. */
    rejected?: { line?: number; reason: string }[];
  };
}
