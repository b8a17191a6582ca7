// Importing an incident into a store: the file is checked whole first (openIncident),
// then its mhb-json part goes through importText, all or nothing, so an incident import
// and a plain mhb-json import store exactly the same samples. The dashboard is handed
// back for the caller to save (the store knows nothing of dashboards).

import { importText } from '../import/import-text.ts';
import type { Appender, ImportOptions, ImportSummary } from '../import/types.ts';
import { IncidentError, type IncidentDashboard, type IncidentHeader } from './format.ts';
import { openIncident, type IncidentInput, type OpenedIncident } from './open.ts';

export interface IncidentImportSummary {
  header: IncidentHeader;
  dashboard: IncidentDashboard;
  samples: ImportSummary;
}

/** Throws IncidentError when the file is damaged or unknown; nothing is appended then. */
export async function importIncident(
  input: IncidentInput,
  appender: Appender,
  options: Pick<ImportOptions, 'retention'> = {},
): Promise<IncidentImportSummary> {
  return importOpenedIncident(openIncident(input), appender, options);
}

/** Stores an incident already opened (and checked) by openIncident. */
export async function importOpenedIncident(
  opened: OpenedIncident,
  appender: Appender,
  options: Pick<ImportOptions, 'retention'> = {},
): Promise<IncidentImportSummary> {
  const samples = await importText({ text: opened.body }, appender, { format: 'mhb-json', ...options });
  if (!samples.committed)
    throw new IncidentError(
      'bad_file',
      `the samples were not imported: ${samples.error ?? samples.rejected[0]?.reason ?? 'unknown reason'}`,
    );
  return { header: opened.header, dashboard: opened.header.dashboard, samples };
}
