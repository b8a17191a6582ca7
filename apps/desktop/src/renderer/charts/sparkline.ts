// A sparkline on a plain canvas: a fleet table has four per agent, and a uPlot instance
// each (DOM, legend, cursor) would cost far more than drawing one polyline.

import { h } from '../shell/view.ts';
import { formatValue, type Unit } from './format.ts';

const WIDTH = 96;
const HEIGHT = 24;

/** A cell's content: the sparkline and the newest value beside it. */
export function sparkline(values: (number | null)[], unit: Unit, max?: number): HTMLElement {
  const canvas = h('canvas', { class: 'sparkline', width: String(WIDTH * devicePixelRatio), height: String(HEIGHT * devicePixelRatio) });
  canvas.style.width = `${WIDTH}px`;
  canvas.style.height = `${HEIGHT}px`;
  draw(canvas, values, max);
  const last = lastValue(values);
  return h(
    'span',
    { class: 'spark', title: `${formatValue(last, unit)} now` },
    canvas,
    h('span', { class: 'spark-value', text: formatValue(last, unit) }),
  );
}

export function lastValue(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
  return null;
}

function draw(canvas: HTMLCanvasElement, values: (number | null)[], fixedMax?: number): void {
  const ctx = canvas.getContext('2d');
  if (!ctx || values.length === 0) return;
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return;
  const max = Math.max(fixedMax ?? 0, ...present) || 1;
  const w = canvas.width;
  const hgt = canvas.height;
  const pad = 2 * devicePixelRatio;
  const x = (i: number) => (values.length === 1 ? w / 2 : (i / (values.length - 1)) * (w - 1));
  const y = (v: number) => hgt - pad - (v / max) * (hgt - 2 * pad);
  const stroke = getComputedStyle(canvas).color || '#2f6fed';
  // Area first (faint), then the line; gaps (null) break both.
  ctx.lineWidth = 1.25 * devicePixelRatio;
  ctx.strokeStyle = stroke;
  ctx.fillStyle = stroke;
  let open = false;
  let startX = 0;
  let prevX = 0;
  const closeArea = () => {
    ctx.stroke();
    ctx.lineTo(prevX, hgt);
    ctx.lineTo(startX, hgt);
    ctx.globalAlpha = 0.15;
    ctx.fill();
    ctx.globalAlpha = 1;
  };
  const isolated = (i: number) => !(Number.isFinite(values[i - 1] ?? NaN) || Number.isFinite(values[i + 1] ?? NaN));
  values.forEach((v, i) => {
    // A lone sample (a new agent, or between gaps) as a dot: a line needs two.
    if (v !== null && Number.isFinite(v) && isolated(i)) {
      if (open) closeArea();
      open = false;
      ctx.fillRect(x(i) - pad, y(v) - pad, 2 * pad, 2 * pad);
      return;
    }
    if (v === null || !Number.isFinite(v)) {
      if (open) closeArea();
      open = false;
      return;
    }
    if (!open) {
      ctx.beginPath();
      ctx.moveTo(x(i), y(v));
      startX = x(i);
      open = true;
    } else ctx.lineTo(x(i), y(v));
    prevX = x(i);
  });
  if (open) closeArea();
}
