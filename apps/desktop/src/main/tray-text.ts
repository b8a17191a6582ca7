// What the tray icon says about the alerts: the tooltip, the title (macOS shows it beside
// the icon) and the menu's first line.

export function trayTooltip(firing: number | undefined, hubUrl: string | undefined): string {
  if (!hubUrl) return 'Metrics hub: starting';
  if (firing === undefined) return `Metrics hub at ${hubUrl}`;
  return `Metrics hub: ${firing === 0 ? 'no alerts firing' : `${firing} alert${firing === 1 ? '' : 's'} firing`}`;
}

/** The short title next to the icon: the count when something fires, else nothing. */
export function trayTitle(firing: number | undefined): string {
  return firing ? String(firing) : '';
}
