import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.ts';

describe('waitFor', () => {
  it('returns the first answer other than undefined or false, sync or async', async () => {
    let n = 0;
    expect(await waitFor(() => ++n >= 3, 'three probes', { intervalMs: 1 })).toBe(true);
    expect(n).toBe(3);
    let m = 0;
    expect(await waitFor(async () => (++m === 2 ? { m } : undefined), 'the second probe', { intervalMs: 1 })).toEqual({ m: 2 });
  });

  it('times out with a message naming the timeout and what it waited for', async () => {
    const started = Date.now();
    await expect(waitFor(() => false, 'the queue to drain', { timeoutMs: 50, intervalMs: 5 })).rejects.toThrow(
      'timed out after 50 ms waiting for the queue to drain',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('describes the state at the timeout when `what` is a function', async () => {
    let seen = 0;
    await expect(
      waitFor(
        () => void ++seen,
        () => `5 notifications (saw ${seen})`,
        { timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow(new RegExp(`^timed out after 30 ms waiting for 5 notifications \\(saw ${'\\d+'}\\)$`));
    expect(seen).toBeGreaterThan(1);
  });

  it('tries a probe that throws again, and names its last error when it never succeeds', async () => {
    let n = 0;
    const got = await waitFor(
      () => {
        if (++n < 3) throw new Error('connection refused');
        return n;
      },
      'the server',
      { intervalMs: 1 },
    );
    expect(got).toBe(3);
    await expect(
      waitFor(
        () => {
          throw new Error('connection refused');
        },
        'the server',
        { timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow('timed out after 30 ms waiting for the server: connection refused');
  });
});
