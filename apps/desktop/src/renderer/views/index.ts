// The views, in navigation order. Each lives in its own module.
import type { View } from '../shell/view.ts';
import { fleetView } from './fleet.ts';
import { hostView } from './host.ts';
import { exploreView } from './explore.ts';
import { alertsView } from './alerts.ts';
import { dashboardsView } from './dashboards.ts';
import { incidentsView } from './incidents.ts';
import { settingsView } from './settings/index.ts';

export const VIEWS: View[] = [fleetView, hostView, exploreView, alertsView, dashboardsView, incidentsView, settingsView];
