// The hub's utility process, seen from the main process: starting it, what it reports
// (ready, failed, alerts firing, notifications to show), and stopping it on quit (it
// commits what is pending; killed when it takes longer than 20 s). Plain Node: the child
// is anything shaped like Electron's UtilityProcess, so tests drive a fake one.

import type { DesktopNotice } from '@metrics-hub/alerts';
import { parseHubToMain, type MainToHub } from '../hub-process/protocol.ts';
import type { HubEndpoint } from './hub-client.ts';

/** The part of Electron's UtilityProcess the supervisor uses. */
export interface HubChild {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
  postMessage(message: MainToHub): void;
  kill(): boolean;
}

export type NotifyResult = { ok: true } | { ok: false; error: string };

export interface HubSupervisorDeps {
  /** Forks the hub process. */
  spawn: () => HubChild;
  log: (line: string) => void;
  /** Whether the app is quitting (an exit then is expected, not news). */
  quitting: () => boolean;
  /** The address or the firing count changed (the tray shows both). */
  changed: () => void;
  /** The hub cannot start, and why. */
  failed: (message: string) => void;
  /** Shows a notification the hub asks for. */
  notify: (notice: DesktopNotice) => NotifyResult;
  killAfterMs?: number;
}

export class HubSupervisor {
  /** The hub's address once it is ready; undefined while starting or after it went away. */
  url: string | undefined;
  /** Alerts firing, as the hub last said; undefined until it says. */
  firing: number | undefined;
  /** The hub's address and token once it is ready, undefined when it failed or exited first. */
  readonly ready: Promise<HubEndpoint | undefined>;
  private resolveReady!: (hub: HubEndpoint | undefined) => void;
  private child: HubChild | undefined;
  private stopped = false;

  constructor(private readonly deps: HubSupervisorDeps) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
  }

  /** Whether quitting must wait for the hub to stop. */
  get running(): boolean {
    return !!this.child && !this.stopped;
  }

  start(): void {
    const child = this.deps.spawn();
    this.child = child;
    child.on('message', (raw) => this.receive(raw));
    child.on('exit', (code) => {
      this.stopped = true;
      this.child = undefined;
      this.resolveReady(undefined);
      if (!this.deps.quitting()) {
        this.deps.log(`the hub process exited (code ${code})`);
        this.url = undefined;
        this.deps.changed();
      }
    });
  }

  /** Asks the hub to stop (it commits what is pending); kills it after 20 s. */
  stop(): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.deps.log('the hub did not stop within 20 s: killing it');
        child.kill();
      }, this.deps.killAfterMs ?? 20_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.postMessage({ type: 'stop' });
    });
  }

  private receive(raw: unknown): void {
    const m = parseHubToMain(raw);
    if (!m) return this.deps.log('a message from the hub process that is not one');
    switch (m.type) {
      case 'ready':
        this.url = m.url;
        // The hub's token (the data folder's, for Grafana and scripts too), not only this run's.
        this.resolveReady({ url: m.url, token: m.token });
        this.deps.changed();
        break;
      case 'failed':
        this.deps.log(`the hub cannot start: ${m.message}`);
        this.resolveReady(undefined);
        this.deps.failed(m.message);
        break;
      case 'firing':
        this.firing = m.count;
        this.deps.changed();
        break;
      case 'notify':
        this.child?.postMessage({ type: 'notify-result', id: m.id, ...this.deps.notify(m.notice) });
        break;
      case 'stopped':
        this.stopped = true;
        break;
    }
  }
}
