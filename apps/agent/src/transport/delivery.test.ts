// Delivery order after an outage, through a real broker: live batches go at once, the
// backlog follows oldest first at its byte rate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { SegmentQueue } from '../buffer/segment-queue.ts';
import { startAedes } from '../testing/brokers.ts';
import { Delivery } from './delivery.ts';
import { MqttLink } from './mqtt-link.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('delivery', () => {
  it('sends live batches first and replays the backlog oldest first at its rate', async () => {
    const broker = await startAedes({ a: 't', hub: 'h' });
    cleanups.push(() => broker.stop());
    const arrived: string[] = [];
    const hub = mqtt.connect(broker.url, { username: 'hub', password: 'h', protocolVersion: 4 });
    await new Promise<void>((resolve) => hub.once('connect', () => hub.subscribe('m/a/samples', { qos: 1 }, () => resolve())));
    hub.on('message', (_t, payload) => arrived.push(payload.toString().split('.')[0]));
    cleanups.push(() => hub.end(true));
    const dir = mkdtempSync(join(tmpdir(), 'delivery-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let now = 1_000_000;
    const queue = SegmentQueue.open(dir, { now: () => now, sync: false });
    cleanups.push(() => queue.close());
    // Twenty batches from an outage, 1 KB each.
    for (let i = 0; i < 20; i++) queue.append(new TextEncoder().encode(`backlog-${String(i).padStart(2, '0')}`.padEnd(1000, '.')));
    const link = new MqttLink({
      url: broker.url,
      agentId: 'a',
      topicPrefix: 'm',
      username: 'a',
      password: 't',
      protocolVersion: 4,
      keepaliveSeconds: 30,
      connectTimeoutMs: 5000,
      backoff: { initialMs: 100, maxMs: 500 },
      birth: () => new Uint8Array(),
      log: () => undefined,
    });
    cleanups.push(() => link.stop());
    // 2 KB/s: about two backlog batches a second.
    const delivery = new Delivery(queue, link, { topic: 'm/a/samples', maxInflight: 8, backlogBytesPerSecond: 2000, ackTimeoutMs: 10_000, now: () => now });
    await new Promise<void>((resolve) => {
      link.onState((s) => {
        if (s.kind !== 'connected') return;
        now += 1000;
        delivery.connected();
        resolve();
      });
      link.start();
    });
    for (let i = 0; i < 3; i++) queue.append(new TextEncoder().encode(`live-${i}`.padEnd(1000, '.')));
    // Two simulated seconds of pumping.
    for (let step = 0; step < 20; step++) {
      now += 100;
      delivery.pump();
      await new Promise((r) => setTimeout(r, 20));
    }
    const live = arrived.filter((a) => a.startsWith('live'));
    const backlog = arrived.filter((a) => a.startsWith('backlog'));
    expect(live, JSON.stringify(arrived)).toEqual(['live-0', 'live-1', 'live-2']);
    // The backlog in order, and only what 2 s at 2 KB/s (plus the bucket) allow.
    expect(backlog).toEqual(backlog.slice().sort());
    expect(backlog.length).toBeGreaterThanOrEqual(3);
    expect(backlog.length).toBeLessThanOrEqual(8);
    expect(arrived.indexOf('live-2')).toBeLessThan(arrived.indexOf(backlog[backlog.length - 1]));
    expect(queue.pendingIds().length).toBe(20 - backlog.length);
  });
});
