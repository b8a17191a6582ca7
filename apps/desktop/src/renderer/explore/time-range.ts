// The ranges the graph offers and the step each gets: about 1440 points per series
// (one per minute over a day), which is 1-2 points per pixel on a wide window, the most a
// line chart can show (uPlot's advice: downsample before the chart, not in it).

export const RANGES: { label: string; seconds: number }[] = [
  { label: '5m', seconds: 300 },
  { label: '15m', seconds: 900 },
  { label: '1h', seconds: 3600 },
  { label: '3h', seconds: 3 * 3600 },
  { label: '6h', seconds: 6 * 3600 },
  { label: '12h', seconds: 12 * 3600 },
  { label: '24h', seconds: 24 * 3600 },
  { label: '2d', seconds: 2 * 86400 },
  { label: '7d', seconds: 7 * 86400 },
];

export const DEFAULT_RANGE = '1h';
const POINTS = 1440;

export function rangeSeconds(label: string): number {
  return RANGES.find((r) => r.label === label)?.seconds ?? 3600;
}

/** Whole seconds, at least 1; 24h gives 60 s. */
export function stepFor(rangeS: number): number {
  return Math.max(1, Math.ceil(rangeS / POINTS));
}

/** The window ending now, aligned to the step so that refreshes reuse the same grid. */
export function windowFor(rangeS: number, stepS: number, nowMs = Date.now()): { startS: number; endS: number; stepS: number } {
  const endS = Math.floor(nowMs / 1000 / stepS) * stepS;
  return { startS: endS - rangeS, endS, stepS };
}
