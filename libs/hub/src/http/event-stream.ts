// Server-sent events for live views: fleet changes as they happen, and what was ingested
// (per agent, its newest sample time), coalesced to at most a few messages a second so a
// busy hub does not flood a browser. A slow client that stops reading is dropped rather
// than buffered without bound.

import type { ServerResponse } from 'node:http';
import type { HubEvents } from '@metrics-hub/hub-api';

/** One event of the stream: its name and its data, as @metrics-hub/hub-api's HubEvents pairs them. */
export type HubEventMessage = { [E in keyof HubEvents]: { event: E; data: HubEvents[E] } }[keyof HubEvents];

const MAX_BUFFERED_BYTES = 1024 * 1024;

export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private pendingIngest = new Map<string, { samples: number; newestMs: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(private readonly coalesceMs = 250) {
    // Comments keep proxies from closing an idle stream.
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), 15_000);
    this.keepAlive.unref();
  }

  attach(res: ServerResponse, initial: HubEventMessage[]): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    for (const m of initial) res.write(format(m.event, m.data));
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  publish<E extends keyof HubEvents>(event: E, data: HubEvents[E]): void {
    this.write(format(event, data));
  }

  noteIngest(agentId: string, samples: number, newestMs: number): void {
    const p = this.pendingIngest.get(agentId) ?? { samples: 0, newestMs: -Infinity };
    p.samples += samples;
    p.newestMs = Math.max(p.newestMs, newestMs);
    this.pendingIngest.set(agentId, p);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const agents = Object.fromEntries(this.pendingIngest);
      this.pendingIngest = new Map();
      this.publish('ingest', { agents });
    }, this.coalesceMs);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.keepAlive);
    clearTimeout(this.timer);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private write(text: string): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        res.destroy();
        this.clients.delete(res);
        continue;
      }
      res.write(text);
    }
  }
}

function format(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
