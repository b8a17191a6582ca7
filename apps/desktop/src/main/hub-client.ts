// The main process's side of the hub's HTTP API: a request with the run's bearer token,
// answered in the shape the preload bridge promises, and the server-sent events as a
// stream of (event, data). Plain Node (fetch), tested against a real hub.

import type { BridgeResponse } from '../common/ipc-channels.ts';
import { CLIENT_HEADERS, type HubMethod } from '../common/transport.ts';

export interface HubEndpoint {
  /** http://127.0.0.1:PORT */
  url: string;
  token: string;
}

/** Forwards one request; never throws: a hub that does not answer is a 503 with the reason. */
export async function hubRequest(
  hub: HubEndpoint,
  method: HubMethod,
  path: string,
  body?: unknown,
  timeoutMs = 120_000,
): Promise<BridgeResponse> {
  let res: Response;
  try {
    res = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        ...CLIENT_HEADERS,
        authorization: `Bearer ${hub.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    return {
      ok: false,
      status: 503,
      body: { status: 'error', errorType: 'unavailable', error: `the hub does not answer: ${(e as Error).message}` },
    };
  }
  const text = await res.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = res.ok ? text : { status: 'error', error: text.slice(0, 300) };
  }
  return { ok: res.ok, status: res.status, body: parsed };
}

/**
 * Server-sent events, split as the EventSource spec says: `event:` and `data:` lines,
 * a blank line ends an event, `:` lines are comments. Feed it chunks in any split.
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  constructor(private readonly onEvent: (event: string, data: string) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const width = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      // A lone \r at the end of a chunk may be half of \r\n: wait for the next chunk.
      if (this.buffer[nl] === '\r' && width === 1 && nl === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(nl + width);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length) this.onEvent(this.event || 'message', this.data.join('\n'));
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}

/**
 * Follows /api/hub/v1/events with the token and calls onEvent with each event's parsed
 * JSON; reconnects after retryMs when the stream ends. Returns the function that stops it.
 */
export function followHubEvents(
  hub: HubEndpoint,
  onEvent: (event: string, data: unknown) => void,
  o: { retryMs?: number; log?: (line: string) => void } = {},
): () => void {
  const abort = new AbortController();
  const parser = () =>
    new SseParser((event, data) => {
      try {
        onEvent(event, JSON.parse(data));
      } catch {
        o.log?.(`hub events: an event ${event} whose data is not JSON`);
      }
    });
  void (async () => {
    while (!abort.signal.aborted) {
      try {
        const res = await fetch(`${hub.url}/api/hub/v1/events`, {
          headers: { ...CLIENT_HEADERS, authorization: `Bearer ${hub.token}`, accept: 'text/event-stream' },
          signal: abort.signal,
        });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        const p = parser();
        const decoder = new TextDecoder();
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) p.push(decoder.decode(chunk, { stream: true }));
      } catch (e) {
        if (abort.signal.aborted) return;
        o.log?.(`hub events: ${(e as Error).message}; reconnecting`);
      }
      await new Promise((r) => setTimeout(r, o.retryMs ?? 2000));
    }
  })();
  return () => abort.abort();
}
