// HubTransport over the hub's HTTP API, for a browser served by the headless hub. Same
// origin, so the browser sends X-Metrics-Hub without asking; EventSource (a GET) needs none.

import { CLIENT_HEADERS, HubRequestError, type HubMethod, type HubTransport } from '../../common/transport.ts';

export class HttpTransport implements HubTransport {
  constructor(private readonly base = '') {}

  async request<T>(method: HubMethod, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      signal,
      headers: body === undefined ? CLIENT_HEADERS : { ...CLIENT_HEADERS, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (an export as CSV or text): the text itself, as the Electron bridge gives it.
      parsed = res.ok ? text : undefined;
    }
    if (!res.ok) {
      const e = parsed as { error?: string; errorType?: string } | undefined;
      throw new HubRequestError(res.status, e?.error ?? `${res.status} ${res.statusText}`, e?.errorType, parsed);
    }
    return parsed as T;
  }

  subscribe(onEvent: (event: string, data: unknown) => void): () => void {
    const source = new EventSource(`${this.base}/api/hub/v1/events`);
    const handler = (e: MessageEvent) => onEvent(e.type, JSON.parse(e.data as string));
    for (const name of ['fleet', 'ingest']) source.addEventListener(name, handler as EventListener);
    return () => source.close();
  }
}
