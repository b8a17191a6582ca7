// The window's place and size between runs: a small JSON file in userData. What is read
// back is checked and moved onto a display that exists now (a monitor may have gone since);
// a broken or missing file means the default place.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const MIN_WIDTH = 640;
export const MIN_HEIGHT = 400;
const DEFAULT_SIZE = { width: 1280, height: 820 };

/** Centred on the primary work area, at most its size. */
export function defaultWindowState(primary: Rect): WindowState {
  const width = Math.min(DEFAULT_SIZE.width, primary.width);
  const height = Math.min(DEFAULT_SIZE.height, primary.height);
  return {
    bounds: {
      x: primary.x + Math.round((primary.width - width) / 2),
      y: primary.y + Math.round((primary.height - height) / 2),
      width,
      height,
    },
    maximized: false,
  };
}

function isRect(x: unknown): x is Rect {
  const r = x as Rect;
  return typeof r === 'object' && r !== null && [r.x, r.y, r.width, r.height].every((n) => typeof n === 'number' && Number.isFinite(n));
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Bounds that fit the work areas: on the display the window overlaps most (the primary,
 * the first, when it overlaps none), no bigger than it, no smaller than the minimum, and
 * wholly inside it.
 */
export function clampToDisplays(bounds: Rect, workAreas: readonly Rect[]): Rect {
  if (workAreas.length === 0) return bounds;
  let area = workAreas[0];
  let best = 0;
  for (const a of workAreas) {
    const o = overlap(bounds, a);
    if (o > best) {
      best = o;
      area = a;
    }
  }
  const width = Math.round(Math.min(Math.max(bounds.width, MIN_WIDTH), area.width));
  const height = Math.round(Math.min(Math.max(bounds.height, MIN_HEIGHT), area.height));
  const x = Math.round(Math.min(Math.max(bounds.x, area.x), area.x + area.width - width));
  const y = Math.round(Math.min(Math.max(bounds.y, area.y), area.y + area.height - height));
  return { x, y, width, height };
}

/** The saved state fitted to today's displays (work areas, the primary first), or the default. */
export function loadWindowState(file: string, workAreas: readonly Rect[]): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return defaultWindowState(primary);
  }
  const s = saved as Partial<WindowState> | null;
  if (!s || !isRect(s.bounds) || s.bounds.width <= 0 || s.bounds.height <= 0) return defaultWindowState(primary);
  return { bounds: clampToDisplays(s.bounds, workAreas), maximized: s.maximized === true };
}

/** Writes the state atomically (a crash mid-write leaves the old file). */
export function saveWindowState(file: string, state: WindowState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ bounds: state.bounds, maximized: state.maximized })}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
