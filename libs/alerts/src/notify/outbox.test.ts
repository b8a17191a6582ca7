import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY } from './outbox.ts';
import { firing, HOUR, MIN, openHarness, SEC, T0, type Harness } from './testing/notifier-harness.ts';

const TWO_HOOKS = `
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: team
    webhook_configs: [{ url: a }, { url: b }]
`;

let h: Harness;
afterEach(() => h?.close());

const A = { alertname: 'Down', instance: 'a' };
const B = { alertname: 'Down', instance: 'b' };

describe('backoff', () => {
  it('doubles from the initial delay up to the cap, shortened by up to the jitter', () => {
    const p = { ...DEFAULT_RETRY, initialBackoff: 1000, maxBackoff: 300_000, jitter: 0.2 };
    expect([1, 2, 3, 4, 9, 10, 30].map((n) => backoffDelay(n, p, () => 0))).toEqual([1000, 2000, 4000, 8000, 256_000, 300_000, 300_000]);
    expect(backoffDelay(1, p, () => 1)).toBe(800);
    expect(backoffDelay(10, p, () => 0.5)).toBe(270_000);
  });
});

describe('the outbox', () => {
  it('retries only the failing integration, with backoff, and delivers it exactly once after recovery', async () => {
    h = openHarness(TWO_HOOKS);
    const [a, b] = [h.fake('team', 'a'), h.fake('team', 'b')];
    b.failNext = 3;
    h.notifier.put([firing(A, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    expect([a.attempts, a.sent.length, b.attempts, b.sent.length]).toEqual([1, 1, 1, 0]);
    // failures at 30s, 31s, 33s: retries 1s, 2s, 4s later
    for (const [at, attempts] of [
      [31 * SEC - 1, 1],
      [31 * SEC, 2],
      [33 * SEC - 1, 2],
      [33 * SEC, 3],
      [37 * SEC - 1, 3],
    ] as const) {
      await h.tickAt(T0 + at);
      expect([at, b.attempts]).toEqual([at, attempts]);
    }
    expect(b.sent).toHaveLength(0);
    await h.tickAt(T0 + 37 * SEC);
    expect([b.attempts, b.sent.length, b.sent[0].at]).toEqual([4, 1, T0 + 37 * SEC]);
    for (const t of [38 * SEC, MIN, 5 * MIN + 30 * SEC, 10 * MIN + 30 * SEC]) await h.tickAt(T0 + t);
    expect([a.attempts, a.sent.length, b.attempts, b.sent.length]).toEqual([1, 1, 4, 1]);
    expect(h.notifier.outbox().map((o) => [o.integration, o.state, o.attempts])).toEqual([
      ['webhook[0]', 'delivered', 1],
      ['webhook[1]', 'delivered', 4],
    ]);
  });

  it('keeps retrying after a restart in the middle, and delivers once', async () => {
    h = openHarness(TWO_HOOKS);
    const b = h.fake('team', 'b');
    b.failing = true;
    h.notifier.put([firing(A, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    await h.tickAt(T0 + 31 * SEC);
    expect(b.attempts).toBe(2);
    h.restart();
    b.failing = false;
    await h.tickAt(T0 + 33 * SEC - 1);
    expect(b.attempts).toBe(2);
    await h.tickAt(T0 + 33 * SEC);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect([b.attempts, b.sent.length, h.fake('team', 'a').sent.length]).toEqual([3, 1, 1]);
  });

  it('sends again after a restart when the process died mid-send (at least once)', async () => {
    h = openHarness(TWO_HOOKS);
    const [a, b] = [h.fake('team', 'a'), h.fake('team', 'b')];
    a.hang = true;
    b.hang = true;
    h.notifier.put([firing(A, T0)], T0);
    void h.notifier.tick(T0 + 30 * SEC);
    await new Promise((r) => setImmediate(r));
    expect([a.attempts, b.attempts]).toEqual([1, 1]);
    h.restart();
    a.hang = b.hang = false;
    await h.tickAt(T0 + 31 * SEC);
    expect([a.sent.length, b.sent.length]).toEqual([1, 1]);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect([a.sent.length, b.sent.length]).toEqual([1, 1]);
  });

  it("delivers a group's notifications in order once the far end is back", async () => {
    h = openHarness(TWO_HOOKS);
    const b = h.fake('team', 'b');
    b.failing = true;
    h.notifier.put([firing(A, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    h.notifier.put([firing(B, T0 + MIN)], T0 + MIN);
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    b.failing = false;
    await h.tickAt(T0 + 6 * MIN);
    expect(b.summary()).toEqual(['firing Down@a=firing', 'firing Down@a=firing,Down@b=firing']);
    expect(b.sent.map((s) => s.at)).toEqual([T0 + 6 * MIN, T0 + 6 * MIN]);
  });

  it('gives up at maxAge, records it, and lets the next flush try afresh', async () => {
    h = openHarness(TWO_HOOKS, { retry: { maxAge: 10 * SEC } });
    const b = h.fake('team', 'b');
    b.failing = true;
    h.notifier.put([firing(A, T0)], T0);
    // attempts at 30s, 31s, 33s, 37s, then the deadline (30s + 10s) caps the next wait
    for (const t of [30, 31, 33, 37, 39]) await h.tickAt(T0 + t * SEC);
    expect(b.attempts).toBe(4);
    await h.tickAt(T0 + 40 * SEC);
    expect(b.attempts).toBe(5);
    expect(h.notifier.outbox().map((o) => [o.integration, o.state, o.attempts, o.lastError])).toEqual([
      ['webhook[0]', 'delivered', 1, undefined],
      ['webhook[1]', 'gave_up', 5, '503 Service Unavailable'],
    ]);
    expect(h.logs.at(-1)).toBe('notifier: gave up on team/webhook[1] for {}:{alertname="Down"} after 5 attempts: 503 Service Unavailable');
    await h.tickAt(T0 + 2 * MIN);
    expect(b.attempts).toBe(5);
    b.failing = false;
    await h.tickAt(T0 + 5 * MIN + 30 * SEC);
    expect([b.sent.length, h.fake('team', 'a').sent.length]).toEqual([1, 1]);
    const [gaveUp] = h.notifier.history.search({ kind: 'gave_up' });
    expect(gaveUp).toMatchObject({
      at: T0 + 40 * SEC,
      receiver: 'team',
      integration: 'webhook[1]',
      error: '503 Service Unavailable',
      detail: { attempts: 5, queuedAt: T0 + 30 * SEC },
    });
  });
});

describe('de-duplication across restarts', () => {
  it('never sends the same set twice within repeat_interval, with restarts in between', async () => {
    h = openHarness(TWO_HOOKS);
    const a = h.fake('team', 'a');
    h.notifier.put([firing(A, T0)], T0);
    await h.tickAt(T0 + 30 * SEC);
    h.restart();
    // the group's timer survived: next flush 5m30s, nothing new
    expect(h.notifier.groups(T0 + MIN).map((g) => g.nextFlushAt - T0)).toEqual([5 * MIN + 30 * SEC]);
    for (let t = T0 + 5 * MIN + 30 * SEC; t <= T0 + 2 * HOUR; t += 5 * MIN) await h.tickAt(t);
    h.restart();
    // the evaluator sends the same alert again after the restart: same set, no news
    h.notifier.put([firing(A, T0)], T0 + 2 * HOUR + MIN);
    // up to and including the flush at exactly 30s + 4h: not strictly after repeat_interval
    for (let t = T0 + 2 * HOUR + 5 * MIN + 30 * SEC; t <= T0 + 4 * HOUR + 30 * SEC; t += 5 * MIN) await h.tickAt(t);
    expect(a.sent).toHaveLength(1);
    await h.tickAt(T0 + 4 * HOUR + 5 * MIN + 30 * SEC);
    expect(a.sent.map((s) => s.at - T0)).toEqual([30 * SEC, 4 * HOUR + 5 * MIN + 30 * SEC]);
  });

  it('catches up on a flush missed while the notifier was down', async () => {
    h = openHarness(TWO_HOOKS);
    h.notifier.put([firing(A, T0)], T0);
    h.restart();
    await h.tickAt(T0 + 3 * MIN);
    expect(h.fake('team', 'a').sent.map((s) => s.at - T0)).toEqual([3 * MIN]);
    expect(h.notifier.groups(T0 + 3 * MIN)[0].nextFlushAt).toBe(T0 + 8 * MIN);
  });
});
