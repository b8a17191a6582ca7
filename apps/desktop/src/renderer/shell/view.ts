// What every view is: a title for the navigation and a mount function that fills its
// element. What it starts (timers, subscriptions, charts, reads) registers with its
// context's scope, which the shell disposes when the user leaves the view.

import type { HubApi } from '../api/hub-api.ts';
import type { Scope } from '../lifecycle/scope.ts';
import type { FileTransfers } from '../transfers/file-transfers.ts';

export interface ViewContext {
  /** The hub, for this view: its reads are aborted when the view is left. */
  api: HubApi;
  /** The view's lifetime: disposed when the user leaves it. */
  scope: Scope;
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
  mount(root: HTMLElement, ctx: ViewContext): void;
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
