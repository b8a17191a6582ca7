// The messages between the Electron main process and the hub's utility process
// (hub-process.ts), over `process.parentPort` / `UtilityProcess.postMessage`. Structured
// clone carries them; both sides check what they receive, since a message is only `unknown`.
//
//   main                                   hub process
//    │ fork(env: token, config, ui dir) ──►  │ Hub.start()
//    │ ◄── ready {url}  |  failed {message}  │
//    │ ◄── firing {count}        (on change) │ polls the rule manager
//    │ ◄── notify {id, notice}               │ DesktopNotifier.notify()
//    │ notify-result {id, ok, error?} ──►    │ resolves / rejects it
//    │ stop ──►                              │ hub.stop()
//    │ ◄── stopped                           │ exits

import type { DesktopNotice } from '@metrics-hub/alerts';

export type HubToMain =
  /** `token`: the HTTP API's bearer token the hub runs with (the data folder's, or hub.yaml's). */
  | { type: 'ready'; url: string; host: string; port: number; token: string }
  | { type: 'failed'; message: string }
  | { type: 'firing'; count: number }
  | { type: 'notify'; id: number; notice: DesktopNotice }
  | { type: 'stopped' };

export type MainToHub =
  | { type: 'stop' }
  | { type: 'notify-result'; id: number; ok: true }
  | { type: 'notify-result'; id: number; ok: false; error: string };

/** The part of Electron's `ParentPort` the hub process uses (a fake one in tests). */
export interface ParentPortLike {
  postMessage(message: HubToMain): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const URGENCIES = new Set(['low', 'normal', 'critical']);

function isNotice(x: unknown): x is DesktopNotice {
  return (
    isObject(x) &&
    typeof x.title === 'string' &&
    typeof x.body === 'string' &&
    URGENCIES.has(x.urgency as string) &&
    (x.id === undefined || typeof x.id === 'string')
  );
}

/** A message from the hub process, or undefined when it is not one. */
export function parseHubToMain(x: unknown): HubToMain | undefined {
  if (!isObject(x)) return undefined;
  switch (x.type) {
    case 'ready':
      return typeof x.url === 'string' &&
        typeof x.host === 'string' &&
        isCount(x.port) &&
        typeof x.token === 'string' &&
        x.token.length >= 32
        ? { type: 'ready', url: x.url, host: x.host, port: x.port, token: x.token }
        : undefined;
    case 'failed':
      return typeof x.message === 'string' ? { type: 'failed', message: x.message } : undefined;
    case 'firing':
      return isCount(x.count) ? { type: 'firing', count: x.count } : undefined;
    case 'notify':
      return isCount(x.id) && isNotice(x.notice)
        ? {
            type: 'notify',
            id: x.id,
            notice: {
              title: x.notice.title,
              body: x.notice.body,
              urgency: x.notice.urgency,
              ...(x.notice.id === undefined ? {} : { id: x.notice.id }),
            },
          }
        : undefined;
    case 'stopped':
      return { type: 'stopped' };
    default:
      return undefined;
  }
}

/** A message from the main process, or undefined when it is not one. */
export function parseMainToHub(x: unknown): MainToHub | undefined {
  if (!isObject(x)) return undefined;
  if (x.type === 'stop') return { type: 'stop' };
  if (x.type === 'notify-result' && isCount(x.id)) {
    if (x.ok === true) return { type: 'notify-result', id: x.id, ok: true };
    if (x.ok === false)
      return {
        type: 'notify-result',
        id: x.id,
        ok: false,
        error: typeof x.error === 'string' ? x.error : 'the notification was not shown',
      };
  }
  return undefined;
}

/** The environment variables the main process starts the hub process with. */
export const HubProcessEnv = {
  /** The HTTP API's bearer token for this run (random, made by the main process). */
  Token: 'METRICS_HUB_DESKTOP_TOKEN',
  /** The user's hub.yaml, when there is one. */
  Config: 'METRICS_HUB_DESKTOP_CONFIG',
  /** The built renderer. */
  UiDir: 'METRICS_HUB_DESKTOP_UI_DIR',
  /** The local agent's command line as a JSON array of strings. */
  AgentCommand: 'METRICS_HUB_DESKTOP_AGENT_COMMAND',
} as const;
