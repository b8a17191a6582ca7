import { afterEach, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@metrics-hub/testing';
import { MetricsPush } from './push-client.ts';
import { ZeroMqIntake } from './zeromq-intake.ts';

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

describe('ZeroMQ push intake', () => {
  it('takes metric lines from local programs, keeps good lines, counts bad ones', async () => {
    const endpoint = `tcp://127.0.0.1:${await freePort()}`;
    const logs: string[] = [];
    const intake = new ZeroMqIntake(
      endpoint,
      1000,
      { instance: 'edge-1', job: 'push' },
      () => 1767225600000,
      (l) => logs.push(l),
    );
    await intake.start();
    stops.push(() => intake.stop());
    const push = await MetricsPush.connect(endpoint);
    stops.push(() => push.close());
    await push.send(
      '# TYPE jobs_done_total counter\n# HELP jobs_done_total Jobs done.\njobs_done_total{queue="mail"} 42\nbroken line {\nqueue_depth 7 1767225500000\n',
    );
    await waitFor(() => intake.stats.messages === 1, 'the intake to take the message', { timeoutMs: 5000 });
    const samples = intake.drain();
    expect(samples).toEqual([
      { labels: { instance: 'edge-1', job: 'push', queue: 'mail', __name__: 'jobs_done_total' }, timestampMs: 1767225600000, value: 42 },
      { labels: { instance: 'edge-1', job: 'push', __name__: 'queue_depth' }, timestampMs: 1767225500000, value: 7 },
    ]);
    expect(intake.stats.malformedLines).toBe(1);
    expect(logs.join('\n')).toMatch(/1 malformed line\(s\) skipped, first: line 4/);
    expect(intake.metadata().find((f) => f.name === 'jobs_done_total')).toMatchObject({ type: 'counter', help: 'Jobs done.' });
    expect(intake.drain()).toEqual([]);
  });

  it('says clearly when it cannot listen', async () => {
    const port = await freePort();
    const a = new ZeroMqIntake(`tcp://127.0.0.1:${port}`, 10, {}, Date.now, () => undefined);
    await a.start();
    stops.push(() => a.stop());
    const b = new ZeroMqIntake(`tcp://127.0.0.1:${port}`, 10, {}, Date.now, () => undefined);
    await expect(b.start()).rejects.toThrow(/cannot listen for pushes on tcp:\/\/127\.0\.0\.1:\d+ .*choose another push.zeromq_endpoint/);
  });
});
