// The host view's time ranges and the picker that chooses one. A range resolves to an
// aligned start, end and step: steps grow with the range (about 300 points a chart) and
// are whole minutes or hours for long ranges, so that the engine answers from its 1 m and
// 1 h rollups instead of raw samples. Live ranges stream at 1 s.

import { h } from '../shell/view.ts';

export type RangeId = 'live' | 'live1h' | '15m' | '1h' | '24h' | '7d' | 'custom';

export interface RangeChoice {
  id: RangeId;
  /** For custom: the picked bounds in ms. */
  fromMs?: number;
  toMs?: number;
}

export interface ResolvedRange {
  live: boolean;
  startMs: number;
  endMs: number;
  stepMs: number;
}

const PRESETS: { id: RangeId; label: string; spanMs: number; stepMs: number; live?: boolean }[] = [
  { id: 'live', label: 'Live 5 m', spanMs: 5 * 60_000, stepMs: 1000, live: true },
  { id: 'live1h', label: 'Live 1 h', spanMs: 3600_000, stepMs: 1000, live: true },
  { id: '15m', label: '15 m', spanMs: 15 * 60_000, stepMs: 5000 },
  { id: '1h', label: '1 h', spanMs: 3600_000, stepMs: 15_000 },
  { id: '24h', label: '24 h', spanMs: 86_400_000, stepMs: 5 * 60_000 },
  { id: '7d', label: '7 d', spanMs: 7 * 86_400_000, stepMs: 3600_000 },
];

export function isRangeId(s: string | undefined): s is RangeId {
  return s === 'custom' || PRESETS.some((p) => p.id === s);
}

/** A step for a custom span: ~300 points, rounded to a step the rollups can serve. */
export function stepFor(spanMs: number, minStepMs: number): number {
  const raw = Math.max(minStepMs, spanMs / 300);
  const nice = [
    1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000,
    86_400_000,
  ];
  return nice.find((s) => s >= raw) ?? 86_400_000;
}

/** Bounds on the step grid (multiples of the step), the end at or before now. */
export function resolveRange(choice: RangeChoice, nowMs: number, minStepMs = 1000): ResolvedRange {
  if (choice.id === 'custom') {
    const to = Math.min(choice.toMs ?? nowMs, nowMs);
    const from = Math.min(choice.fromMs ?? to - 3600_000, to - 60_000);
    const stepMs = stepFor(to - from, minStepMs);
    return { live: false, startMs: Math.ceil(from / stepMs) * stepMs, endMs: Math.floor(to / stepMs) * stepMs, stepMs };
  }
  const p = PRESETS.find((x) => x.id === choice.id) ?? PRESETS[0];
  const stepMs = p.live ? p.stepMs : Math.max(p.stepMs, minStepMs >= 60_000 ? Math.ceil(minStepMs / 60_000) * 60_000 : minStepMs);
  const endMs = Math.floor(nowMs / stepMs) * stepMs;
  return { live: !!p.live, startMs: endMs - p.spanMs, endMs, stepMs };
}

/** The range window of a live choice, in seconds. */
export function liveWindowSec(choice: RangeChoice): number {
  return (PRESETS.find((p) => p.id === choice.id)?.spanMs ?? 300_000) / 1000;
}

/** Buttons for the presets and two datetime inputs for a custom range. */
export function rangePicker(current: RangeChoice, onPick: (c: RangeChoice) => void): HTMLElement {
  const bar = h('div', { class: 'range-picker', role: 'group', 'aria-label': 'Time range' });
  const from = h('input', { type: 'datetime-local', 'aria-label': 'From', step: '60' });
  const to = h('input', { type: 'datetime-local', 'aria-label': 'To', step: '60' });
  const apply = h('button', { type: 'button', text: 'Apply', 'data-range': 'custom' });
  const now = Date.now();
  from.value = toLocalInput(current.fromMs ?? now - 3600_000);
  to.value = toLocalInput(current.toMs ?? now);
  const buttons = PRESETS.map((p) =>
    h('button', { type: 'button', 'data-range': p.id, text: p.label, 'aria-pressed': String(p.id === current.id) }),
  );
  const mark = (id: RangeId) => {
    for (const b of [...buttons, apply]) b.setAttribute('aria-pressed', String(b.dataset.range === id));
  };
  buttons.forEach((b, i) =>
    b.addEventListener('click', () => {
      mark(PRESETS[i].id);
      onPick({ id: PRESETS[i].id });
    }),
  );
  apply.addEventListener('click', () => {
    const f = new Date(from.value).getTime();
    const t = new Date(to.value).getTime();
    if (!(t > f)) {
      to.setCustomValidity('must be after From');
      to.reportValidity();
      return;
    }
    to.setCustomValidity('');
    mark('custom');
    onPick({ id: 'custom', fromMs: f, toMs: t });
  });
  mark(current.id);
  bar.append(...buttons, h('span', { class: 'range-custom' }, from, h('span', { class: 'muted', text: '–' }), to, apply));
  return bar;
}

function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}
