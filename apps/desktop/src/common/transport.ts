// The one way the renderer reaches the hub, whatever hosts it: over HTTP in a browser
// (the headless hub serves the same renderer), or over Electron IPC through the preload
// script. Deliberately tiny: a JSON request and a subscription to the hub's events (files
// go through FileTransfers instead, renderer/transfers/). No DOM and no Node here; both
// sides import it.

export type HubMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Sent with every request to the hub: a header no HTML form or no-cors fetch() can set, so
 * the hub knows a change comes from its own page or a program (libs/hub browser-guard.ts).
 */
export const CLIENT_HEADERS: Readonly<Record<string, string>> = { 'x-metrics-hub': '1' };

export interface HubTransport {
  /**
   * A request to the hub's HTTP API (paths under /api/); resolves to the parsed JSON body.
   * An abort of `signal` rejects it with the signal's reason (an AbortError).
   */
  request<T = unknown>(method: HubMethod, path: string, body?: unknown, signal?: AbortSignal): Promise<T>;
  /** The hub's server-sent events (`fleet`, `ingest`); returns the unsubscribe function. */
  subscribe(onEvent: (event: string, data: unknown) => void): () => void;
}

/** A failed request: the hub's error text and HTTP status. */
export class HubRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorType?: string,
    /** The whole error body (e.g. a config's `problems`). */
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'HubRequestError';
  }
}

/** Paths the renderer may ask for; the Electron main process refuses anything else. */
export function isHubApiPath(path: string): boolean {
  return /^\/api\/(v1|hub\/v1)\/[A-Za-z0-9_./%-]*(\?[^#]*)?$/.test(path) && !path.includes('..');
}
