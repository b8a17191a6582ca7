// What every view is: a title for the navigation and a mount function that fills its
// element and returns how to stop it (timers, subscriptions, charts).

import type { HubApi } from '../api/hub-api.ts';
import type { FileTransfers } from '../transfers/file-transfers.ts';

export interface ViewContext {
  api: HubApi;
  /** Saving the hub's files and sending the user's (exports, incidents, imports). */
  transfers: FileTransfers;
  /** The route's parameters, e.g. the host id of #/host/<id>. */
  params: string[];
  /** Goes to another route (#/<path>). */
  navigate: (path: string) => void;
  /** Subscribes to the hub's live events for as long as the view is mounted. */
  onHubEvent: (listener: (event: string, data: unknown) => void) => void;
}

export interface View {
  id: string;
  title: string;
  /** Shown in the navigation (views reached only by link, like a host, are not). */
  inNav: boolean;
  mount(root: HTMLElement, ctx: ViewContext): () => void;
}

/** Creates an element with attributes and children: the views build their DOM with it. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'text') el.textContent = String(v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}
