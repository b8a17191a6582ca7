// Time is checked at the door: a sample dated 2100-01-01 sent through every way into a real
// hub (an agent's batch over the embedded broker, remote write, import, incident import, a
// recording rule) is refused with its reason where that way reports refusals, and every
// series the hub held before is still there afterwards.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRemoteWriteBody } from '@metrics-hub/remote-write';
import { createIncident } from '@metrics-hub/snapshot';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { tempDir, waitFor, type TempDir } from '@metrics-hub/testing';
import { decodeRefusedNotice, encodeBatch, topics } from '@metrics-hub/wire';
import { Hub } from './hub.ts';
import { connectAsAgent, publishAsAgent, testHubConfig } from './testing/test-hub-config.ts';

/** 2100-01-01T00:00:00Z, the sample of the report. */
const Y2100 = 4102444800000;
const NOW = Math.floor(Date.now() / 1000) * 1000;

let dir: TempDir;
let hub: Hub;
let base: string;
const lines: string[] = [];

async function query(promql: string, timeMs: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}&time=${timeMs / 1000}`);
  const body = (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return body.data.result;
}

/** When the series are counted: after the set-up, before the attacks. */
let countAt: number;
/** Series with a sample in the five minutes before `countAt`: what the report counted. */
const seriesNow = async () => Number((await query('count({__name__=~".+"})', countAt))[0]?.value[1] ?? 0);
/** Series named `name` with a sample stamped in the future (the recording rule also runs on the real clock: only its 2100 output counts). */
const future = async (name: string) =>
  hub.store.select([{ type: '=', name: '__name__', value: name }], Date.now() + 3_600_000, Infinity).length;
const stored = async (name: string) => hub.store.select([{ type: '=', name: '__name__', value: name }], 0, Infinity).length;

let before: number;
beforeAll(async () => {
  dir = tempDir('hub-clock-');
  writeFileSync(
    dir.file('recording.yml'),
    'groups:\n  - name: rec\n    interval: 15s\n    rules:\n      - record: x_future_rule\n        expr: vector(1)\n',
  );
  hub = await Hub.start(testHubConfig(dir.path, ['alerting:', `  rules: [${dir.file('recording.yml')}]`]), { log: (l) => lines.push(l) });
  base = `http://127.0.0.1:${hub.httpAddress.port}`;
  // What the hub holds before: an agent's series (and its `up`), the hub's own metrics.
  await publishAsAgent(hub, 'web-1', {
    firstSeq: 1,
    lastSeq: 1,
    createdMs: NOW - 60_000,
    series: ['node_load1', 'node_load5', 'node_load15'].map((name, i) => ({
      labels: { __name__: name, job: 'node', instance: 'web-1' },
      timestamps: Float64Array.of(NOW - 60_000),
      values: Float64Array.of(i),
    })),
  });
  hub.fleet.heartbeat(NOW - 30_000);
  // The recording rule also runs on the real clock (its output is stamped at the start of its
  // interval): counted from after its first evaluation, its series is in `before`.
  await waitFor(() => hub.alerting.rules.groupList()[0]?.lastEvaluationMs !== undefined, 'the first rule evaluation');
  countAt = Date.now();
  before = await seriesNow();
  // The agent's three, its up, and the hub's own metrics.
  expect(before).toBeGreaterThan(10);
});
afterAll(async () => {
  await hub?.stop();
  dir?.remove();
});

describe('the year-2100 sample, through every way in', () => {
  it('an agent batch over MQTT: refused and counted for that agent, the agent told, the rest of the batch stored', async () => {
    const client = await connectAsAgent(hub, 'web-1');
    try {
      const notices: string[] = [];
      client.on('message', (_topic, payload) => notices.push(payload.toString()));
      await client.subscribeAsync(topics.ack(hub.config.topicPrefix, 'web-1'), { qos: 1 });
      const batch = encodeBatch({
        agentId: 'web-1',
        firstSeq: 2,
        lastSeq: 2,
        createdMs: NOW,
        series: [
          {
            labels: { __name__: 'x_future_mqtt', job: 'node', instance: 'web-1' },
            timestamps: Float64Array.of(Y2100),
            values: Float64Array.of(1),
          },
          {
            labels: { __name__: 'node_load1', job: 'node', instance: 'web-1' },
            timestamps: Float64Array.of(NOW - 50_000),
            values: Float64Array.of(7),
          },
        ],
      });
      await client.publishAsync(topics.samples(hub.config.topicPrefix, 'web-1'), Buffer.from(batch), { qos: 1 });
      await waitFor(() => notices.some((n) => n.startsWith('refused')), 'the hub\'s "refused" notice on the ack topic');
      const notice = decodeRefusedNotice(Buffer.from(notices.find((n) => n.startsWith('refused'))!));
      expect(notice).toMatchObject({ firstSeq: 2, lastSeq: 2, samples: 1, reason: 'too_far_ahead' });
      expect(Math.abs(notice!.hubMs - Date.now())).toBeLessThan(60_000);
      expect(notices).toContain('stored 2 2');
    } finally {
      await client.endAsync(true);
    }
    expect(await future('x_future_mqtt')).toBe(0);
    expect((await query('node_load1{instance="web-1"}', NOW))[0].value[1]).toBe('7');
    const agent = hub.fleet.get('web-1')!;
    expect(agent.samplesTooFarAhead).toBe(1);
    expect(agent.lastRejection).toMatch(
      /1 samples refused: stamped up to .* ahead of the hub's clock, more than store.max_future \(5 min\)/,
    );
    // The clock offset measured from that live batch is what the fleet shows: about 73 years.
    expect(agent.clockOffsetMs).toBeGreaterThan(Y2100 - NOW - 120_000);
    expect(lines.some((l) => /^agent web-1: 1 samples refused: stamped up to \d+ years ahead of the hub's clock/.test(l))).toBe(true);
    expect(hub.ingester.stats.samplesTooFarAhead).toBe(1);
  });

  it('remote write in: 400 naming what was refused, after storing the rest', async () => {
    const res = await fetch(`${base}/api/v1/write`, {
      method: 'POST',
      headers: { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf', 'x-prometheus-remote-write-version': '0.1.0' },
      body: encodeRemoteWriteBody({
        timeseries: [
          { labels: { __name__: 'x_future_rw' }, timestamps: Float64Array.of(Y2100), values: Float64Array.of(1) },
          { labels: { __name__: 'rw_now' }, timestamps: Float64Array.of(NOW - 10_000), values: Float64Array.of(2) },
        ],
        metadata: [],
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/1 of 2 samples refused: 1 samples too far ahead of the hub's clock \(store.max_future\)/);
    expect(await future('x_future_rw')).toBe(0);
    expect(await stored('rw_now')).toBe(1);
  });

  it('import (POST /api/hub/v1/import, what `hub import` sends): the refusal in the summary', async () => {
    const res = await fetch(`${base}/api/hub/v1/import?format=prometheus`, {
      method: 'POST',
      // What `hub import` sends: a program, not a web page (the browser guard wants the sign).
      headers: { 'content-type': 'text/plain', 'x-metrics-hub': '1' },
      body: `x_future 1 ${Y2100}\nimport_now 1 ${NOW - 20_000}\n`,
    });
    const summary = (await res.json()) as { appended: number; store: { tooFarAhead: number }; rejected: { reason: string }[] };
    expect(summary.appended).toBe(1);
    expect(summary.store.tooFarAhead).toBe(1);
    expect(summary.rejected.map((r) => r.reason)).toEqual([
      "1 samples refused by the store: stamped too far ahead of the hub's clock (store.max_future); check the clock of the system that wrote them",
    ]);
    expect(await future('x_future')).toBe(0);
  });

  it('incident import: the refusal in the summary', async () => {
    const other = TimeSeriesStore.open({ path: dir.file('other.db'), maxFutureMs: Infinity });
    other.append([{ labels: { __name__: 'x_future_incident' }, timestamps: [Y2100], values: [1] }]);
    let file = '';
    createIncident(
      other,
      {
        title: 'From a wrong clock',
        dashboard: { id: 'wrong', title: 'Wrong', panels: [{ title: 'x', expr: 'x_future_incident' }] },
        startMs: Y2100 - 60_000,
        endMs: Y2100 + 60_000,
      },
      (c) => (file += c),
    );
    other.close();
    const res = await fetch(`${base}/api/hub/v1/incidents/import`, { method: 'POST', headers: { 'x-metrics-hub': '1' }, body: file });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { summary: { appended: number; store: { tooFarAhead: number }; rejected: { reason: string }[] } };
    expect(body.summary).toMatchObject({ appended: 0, store: { tooFarAhead: 1 } });
    expect(body.summary.rejected[0].reason).toMatch(/stamped too far ahead of the hub's clock/);
    expect(await future('x_future_incident')).toBe(0);
  });

  it('a recording rule evaluated at 2100: its output refused and logged', async () => {
    await hub.alerting.tick(Y2100);
    expect(await future('x_future_rule')).toBe(0);
    expect(lines.some((l) => /alerting: the store refused rule output: 1 samples stamped too far ahead of the hub's clock/.test(l))).toBe(
      true,
    );
  });

  it('afterwards: every series from before is still there, and the refusals are counted by reason', async () => {
    hub.store.applyRetention();
    expect(await seriesNow()).toBe(before + 2); // + rw_now and import_now
    expect(await stored('node_load5')).toBe(1);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // remote write 1 + import 1 + incident 1 + rule 1 (the agent's was refused by the ingester, counted there).
    expect(metrics).toMatch(/^metrics_hub_store_samples_rejected_total\{reason="too_far_ahead"\} 4$/m);
    expect(metrics).toMatch(/^metrics_hub_ingest_samples_too_far_ahead_total 1$/m);
  });
});
