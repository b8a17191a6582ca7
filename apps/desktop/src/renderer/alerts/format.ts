// Small text helpers shared by the alert lists: times left, label sets, matchers.

import type { Labels } from '@metrics-hub/hub-api';
import { h } from '../shell/view.ts';

export function until(ms: number, now = Date.now()): string {
  const s = Math.round((ms - now) / 1000);
  if (s <= 0) return 'ended';
  if (s < 3600) return `${Math.ceil(s / 60)}m left`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m left`;
}

export function timeText(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** Label chips, alertname first. */
export function labelChips(labels: Labels, skip: string[] = []): HTMLElement {
  const keys = Object.keys(labels)
    .filter((k) => !skip.includes(k))
    .sort((a, b) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a < b ? -1 : 1));
  return h('span', { class: 'labels' }, ...keys.map((k) => h('code', { text: `${k}=${labels[k]}` })));
}

/** One exact matcher per label, in the hub's matcher syntax (`name="value"`). */
export function matchersFor(labels: Labels): string[] {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
}
