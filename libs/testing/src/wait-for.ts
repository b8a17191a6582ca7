// Polling until something happened, for tests and benchmarks that watch other processes,
// sockets or background work.

export interface WaitForOptions {
  /** Give up after this long (default 20 s). */
  timeoutMs?: number;
  /** Pause between two probes (default 20 ms). */
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns something other than `undefined` or `false`, and returns
 * that. A probe that throws is tried again (a server still starting refuses connections).
 * Past `timeoutMs` it throws `timed out after <timeoutMs> ms waiting for <what>`, with the
 * probe's last error when it threw; `what` may be a function, to describe the state at
 * that moment (e.g. how many of the expected items came).
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string | (() => string),
  { timeoutMs = 20_000, intervalMs = 20 }: WaitForOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const reason = lastError === undefined ? '' : `: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}${reason}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
