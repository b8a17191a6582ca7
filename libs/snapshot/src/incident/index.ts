// Incident snapshots: a window of chosen series plus the dashboard that shows them, as
// one file another hub opens read-only or imports.
export { createIncident, INCIDENT_LOOKBACK_MS, type CreateIncidentOptions, type CreateIncidentSummary } from './create.ts';
export { openIncident, incidentText, type IncidentInput, type OpenedIncident } from './open.ts';
export { importIncident, importOpenedIncident, type IncidentImportSummary } from './import.ts';
export { IncidentQueryable, type IncidentSeries } from './queryable.ts';
export { dashboardSelectors, type SelectorNeed } from './selectors.ts';
export {
  IncidentError,
  INCIDENT_FORMAT,
  INCIDENT_VERSION,
  type IncidentDashboard,
  type IncidentHeader,
  type IncidentPanel,
} from './format.ts';
