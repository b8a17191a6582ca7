// What anyone who can reach the broker's port gets before logging in: a 64 KiB first
// packet that must be CONNECT, log lines that show their user name escaped, a connection
// cap that fits a desktop. Real sockets on 127.0.0.1 against the hub's embedded broker.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeBatch } from '@metrics-hub/wire';
import { Hub } from '../hub.ts';
import { testHubConfig, publishAsAgent } from '../testing/test-hub-config.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startHub(): Promise<{ hub: Hub; lines: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-unauth-'));
  const lines: string[] = [];
  const hub = await Hub.start(testHubConfig(dir), { log: (l) => lines.push(l) });
  cleanups.push(async () => {
    await hub.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  return { hub, lines };
}

function rawSocket(hub: Hub): Promise<Socket> {
  const url = new URL(hub.localBrokerUrl);
  return new Promise((resolve, reject) => {
    const s = netConnect(Number(url.port), url.hostname, () => resolve(s));
    s.once('error', reject);
    cleanups.push(() => void s.destroy());
  });
}

/** The fixed header of a packet of `type` announcing `length` bytes (remaining length varint). */
function header(type: number, length: number): Buffer {
  const bytes = [type << 4];
  let n = length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

describe('the embedded broker before a client logs in', () => {
  it('drops unfinished 16 MiB CONNECTs at their header, not at the 10 s connect timeout', async () => {
    const { hub, lines } = await startHub();
    const started = Date.now();
    const sockets = await Promise.all(Array.from({ length: 12 }, () => rawSocket(hub)));
    const closed = sockets.map((s) => new Promise<number>((r) => s.once('close', () => r(Date.now() - started))));
    // 16 MiB announced (within broker.max_packet), 32 KiB of it sent, the rest never.
    for (const s of sockets) s.write(Buffer.concat([header(1, 16 * 1024 * 1024), Buffer.alloc(32 * 1024, 0x41)]));
    const after = await Promise.all(closed);
    // Well under the 10 s the broker would otherwise hold each one (generous for a loaded machine).
    expect(Math.max(...after)).toBeLessThan(8_000);
    expect(lines.filter((l) => /announced a 16777216 byte CONNECT, over the 65536 bytes allowed before logging in/.test(l))).toHaveLength(
      12,
    );
  });

  it('drops a client whose first packet is not CONNECT', async () => {
    const { hub, lines } = await startHub();
    const s = await rawSocket(hub);
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.write(header(3, 1000)); // PUBLISH
    await closed;
    expect(lines.some((l) => /sent a packet of type 3 before CONNECT; disconnected/.test(l))).toBe(true);
  });

  it('lets a logged-in agent publish batches far over 64 KiB', async () => {
    const { hub } = await startHub();
    const t = Date.now() - 60_000;
    const series = Array.from({ length: 4000 }, (_, i) => ({
      labels: { __name__: 'wide_batch', instance: 'edge-1', n: `series-number-${i}` },
      timestamps: Float64Array.of(t),
      values: Float64Array.of(i),
    }));
    expect(encodeBatch({ agentId: 'edge-1', firstSeq: 1, lastSeq: 1, createdMs: t, series }).length).toBeGreaterThan(128 * 1024);
    await publishAsAgent(hub, 'edge-1', { firstSeq: 1, lastSeq: 1, createdMs: t, series });
    expect(hub.store.select([{ type: '=', name: '__name__', value: 'wide_batch' }], 0, Infinity)).toHaveLength(4000);
  });

  it('logs a user name with a newline and ANSI escapes escaped, on one line', async () => {
    const { hub, lines } = await startHub();
    const username = 'evil\n2026-01-01T00:00:00.000Z hub: forged line\u001b[2J\r';
    await expect(
      mqtt.connectAsync(hub.localBrokerUrl, { clientId: 'agent-x', username, password: 'nope', protocolVersion: 4, reconnectPeriod: 0 }),
    ).rejects.toThrow();
    const refused = lines.filter((l) => l.includes('refused agent'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain('"evil\\n2026-01-01T00:00:00.000Z hub: forged line\\u001b[2J\\r"');
    for (const l of lines) expect(l).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('caps connections at 1,000 by default', async () => {
    const { hub } = await startHub();
    expect(hub.config.broker.mode === 'embedded' && hub.config.broker.maxConnections).toBe(1000);
  });
});
