// Delivery order after an outage, through a real broker: live batches go at once, the
// backlog follows oldest first at its byte rate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch, encodeStoredAck, topics } from '@metrics-hub/wire';
import { SegmentQueue } from '../buffer/segment-queue.ts';
import { startAedes } from '../testing/brokers.ts';
import type { TestBroker } from '@metrics-hub/testing';
import { Delivery } from './delivery.ts';
import { MqttLink, type LinkOptions } from './mqtt-link.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A broker with agent `a` and a `hub` subscribed to a's samples; each message is passed to `onMessage`. */
async function brokerWithHub(onMessage: (payload: Buffer) => void): Promise<{ broker: TestBroker; hub: mqtt.MqttClient }> {
  const broker = await startAedes({ a: 't', hub: 'h' });
  cleanups.push(() => broker.stop());
  const hub = mqtt.connect(broker.url, { username: 'hub', password: 'h', protocolVersion: 4 });
  await new Promise<void>((resolve) => hub.once('connect', () => hub.subscribe('m/a/samples', { qos: 1 }, () => resolve())));
  hub.on('message', (_t, payload) => onMessage(payload));
  cleanups.push(() => hub.end(true));
  return { broker, hub };
}

/** An outbox in a fresh folder, on a clock the test moves. */
function outbox(clock: { now: number }): SegmentQueue {
  const dir = mkdtempSync(join(tmpdir(), 'delivery-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const queue = SegmentQueue.open(dir, { now: () => clock.now, sync: false });
  cleanups.push(() => queue.close());
  return queue;
}

/** Agent a's link to the broker. */
function agentLink(broker: TestBroker, extra: Partial<LinkOptions> = {}): MqttLink {
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
    ...extra,
  });
  cleanups.push(() => link.stop());
  return link;
}

describe('delivery', () => {
  it('sends live batches first and replays the backlog oldest first at its rate', async () => {
    const arrived: string[] = [];
    const { broker } = await brokerWithHub((payload) => arrived.push(payload.toString().split('.')[0]));
    const clock = { now: 1_000_000 };
    const queue = outbox(clock);
    // Twenty batches from an outage, 1 KB each.
    for (let i = 0; i < 20; i++) queue.append(new TextEncoder().encode(`backlog-${String(i).padStart(2, '0')}`.padEnd(1000, '.')));
    const link = agentLink(broker);
    // 2 KB/s: about two backlog batches a second.
    const delivery = new Delivery(queue, link, {
      topic: 'm/a/samples',
      maxInflight: 8,
      backlogBytesPerSecond: 2000,
      ackTimeoutMs: 10_000,
      now: () => clock.now,
    });
    await new Promise<void>((resolve) => {
      link.onState((s) => {
        if (s.kind !== 'connected') return;
        clock.now += 1000;
        delivery.connected();
        resolve();
      });
      link.start();
    });
    for (let i = 0; i < 3; i++) queue.append(new TextEncoder().encode(`live-${i}`.padEnd(1000, '.')));
    // Two simulated seconds of pumping.
    for (let step = 0; step < 20; step++) {
      clock.now += 100;
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

  it('with hub confirmation, keeps a batch the broker took until the hub says "stored", sending it again meanwhile', async () => {
    const received: string[] = [];
    const { broker, hub } = await brokerWithHub(() => received.push('batch'));
    const clock = { now: 1_000_000 };
    const queue = outbox(clock);
    for (const seq of [1, 2]) queue.append(encodeBatch({ agentId: 'a', firstSeq: seq, lastSeq: seq, createdMs: clock.now, series: [] }));
    let delivery: Delivery | undefined;
    const link = agentLink(broker, { onHubAck: (payload) => delivery!.hubAck(payload) });
    delivery = new Delivery(queue, link, {
      topic: 'm/a/samples',
      maxInflight: 8,
      backlogBytesPerSecond: 1e6,
      ackTimeoutMs: 1000,
      confirm: 'hub',
      now: () => clock.now,
    });
    await new Promise<void>((resolve) => {
      link.onState((s) => s.kind === 'connected' && resolve());
      link.start();
    });
    delivery.connected();
    await new Promise((r) => setTimeout(r, 100));
    delivery.pump();
    await new Promise((r) => setTimeout(r, 200));
    // The broker has both (and PUBACKed them): they stay in the outbox all the same.
    expect(received.length).toBe(2);
    expect(queue.pendingIds().length).toBe(2);
    hub.publish(topics.ack('m', 'a'), Buffer.from(encodeStoredAck(1, 1)), { qos: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(queue.pendingIds().length).toBe(1);
    expect(delivery.stats.batchesSent).toBe(1);
    // No word on the second within the timeout: it goes again.
    clock.now += 1500;
    delivery.pump();
    await new Promise((r) => setTimeout(r, 200));
    expect(received.length).toBe(3);
    hub.publish(topics.ack('m', 'a'), Buffer.from(encodeStoredAck(2, 2)), { qos: 1 });
    // An acknowledgement of something this agent never sent changes nothing.
    hub.publish(topics.ack('m', 'a'), Buffer.from(encodeStoredAck(7, 9)), { qos: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(queue.pendingIds()).toEqual([]);
    expect(delivery.stats.batchesSent).toBe(2);
  });
});
