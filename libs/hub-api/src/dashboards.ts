// User dashboards, kept in the hub so that every window and browser sees the same ones.
//
//   GET    /api/hub/v1/dashboards          DashboardsResponse
//   PUT    /api/hub/v1/dashboards/<id>     DashboardSave -> SavedDashboard
//   DELETE /api/hub/v1/dashboards/<id>     DashboardDeleted

export interface DashboardPanel {
  title: string;
  /** PromQL. */
  expr: string;
  unit?: string;
}

/** A dashboard as the hub keeps it. */
export interface SavedDashboard {
  id: string;
  title: string;
  panels: DashboardPanel[];
  updatedMs: number;
}

export interface DashboardsResponse {
  dashboards: SavedDashboard[];
}

/** PUT's body: the id is the path's ([A-Za-z0-9._-], at most 64). */
export interface DashboardSave {
  title: string;
  panels: DashboardPanel[];
}

export interface DashboardDeleted {
  id: string;
  deleted: true;
}
