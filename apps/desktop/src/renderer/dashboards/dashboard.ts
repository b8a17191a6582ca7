// A dashboard as the app shows it: a user dashboard the hub keeps (SavedDashboard), or
// one of the renderer's own built-in ones (builtin.ts: read-only, never saved, so no updatedMs).

import type { SavedDashboard } from '@metrics-hub/hub-api';

export interface Dashboard extends Omit<SavedDashboard, 'updatedMs'> {
  updatedMs?: number;
  builtIn?: boolean;
}
