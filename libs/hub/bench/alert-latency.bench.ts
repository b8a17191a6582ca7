// From a threshold crossed in an agent's data to the notification at a real webhook
// receiver, through the whole hub (broker, ingest, rules, notifier, receiver).
//
//   npx tsx libs/hub/bench/alert-latency.bench.ts [--crossings 12] [--interval-seconds 15]
//
// Each crossing is a new host, so a new alert and group (group_by host, group_wait 0,
// for 0): the time is the wait for the next evaluation (0 .. interval) plus the hub's own
// work. Target: at most one evaluation interval + 1 s.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { encodeBatch, topics } from '@metrics-hub/wire';
import { parseBenchArgs, printTable, progress } from '@metrics-hub/testing';
import { Hub } from '../src/index.ts';
import { testHubConfig } from '../src/testing/index.ts';

const args = parseBenchArgs(process.argv.slice(2), { crossings: 12, intervalSeconds: 15 });
const interval = args.intervalSeconds * 1000;
const dir = mkdtempSync(join(tmpdir(), 'alert-latency-'));
const received = new Map<string, number>();
const server = createServer((req, res) => {
  let text = '';
  req.on('data', (d) => (text += d));
  req.on('end', () => {
    const body = JSON.parse(text) as { alerts: { labels: Record<string, string> }[] };
    for (const a of body.alerts) if (!received.has(a.labels.host)) received.set(a.labels.host, Date.now());
    res.end();
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
writeFileSync(
  join(dir, 'bench.rules.yml'),
  [
    'groups:',
    '  - name: bench',
    `    interval: ${args.intervalSeconds}s`,
    '    rules:',
    '      - alert: Crossed',
    '        expr: bench_value > 10',
  ].join('\n'),
);
writeFileSync(
  join(dir, 'alerting.yml'),
  [
    'route:',
    '  receiver: hook',
    '  group_by: [alertname, host]',
    '  group_wait: 0s',
    'receivers:',
    '  - name: hook',
    '    webhook_configs:',
    `      - url: http://127.0.0.1:${(server.address() as { port: number }).port}/`,
  ].join('\n'),
);
const hub = await Hub.start(
  testHubConfig(join(dir, 'data'), [
    'alerting:',
    `  rules: [${join(dir, 'bench.rules.yml')}]`,
    `  notifier_config: ${join(dir, 'alerting.yml')}`,
  ]),
  { log: () => undefined },
);
const token = hub.tokens.issue('bench');
const client = await new Promise<mqtt.MqttClient>((resolve, reject) => {
  const c = mqtt.connect(hub.localBrokerUrl, {
    clientId: 'agent-bench',
    username: 'bench',
    password: token,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  c.once('connect', () => resolve(c));
  c.once('error', reject);
});
const crossed = new Map<string, number>();
for (let i = 0; i < args.crossings; i++) {
  progress(`crossing ${i + 1} / ${args.crossings}`);
  // Spread the crossings over the evaluation cycle.
  await new Promise((r) => setTimeout(r, interval / 3 + Math.random() * interval));
  const instance = `host-${i}`;
  const t = Date.now();
  crossed.set(instance, t);
  const batch = encodeBatch({
    agentId: 'bench',
    firstSeq: i + 1,
    lastSeq: i + 1,
    createdMs: t,
    // A label of its own: `instance` is the agent's id, whatever it sends (agents speak for themselves).
    series: [{ labels: { __name__: 'bench_value', host: instance }, timestamps: Float64Array.of(t), values: Float64Array.of(42) }],
  });
  await new Promise<void>((resolve, reject) =>
    client.publish(topics.samples('metrics', 'bench'), Buffer.from(batch), { qos: 1 }, (e) => (e ? reject(e) : resolve())),
  );
}
const deadline = Date.now() + interval + 5000;
while (received.size < crossed.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
progress('');
const latencies: number[] = [];
const overheads: number[] = [];
for (const [instance, t] of crossed) {
  const got = received.get(instance);
  if (got === undefined) continue;
  latencies.push(got - t);
  // The evaluation that sees it: the first interval boundary after the sample.
  const evalAt = Math.ceil(t / interval) * interval;
  overheads.push(got - evalAt);
}
latencies.sort((a, b) => a - b);
overheads.sort((a, b) => a - b);
client.end(true);
await hub.stop();
server.close();
rmSync(dir, { recursive: true, force: true });
printTable(`alert latency: threshold crossed -> webhook received (rule interval ${args.intervalSeconds} s, for 0, group_wait 0)`, [
  ['notifications received', `${latencies.length} of ${crossed.size}`],
  [
    'crossed -> received',
    `median ${(latencies[Math.floor(latencies.length / 2)] / 1000).toFixed(2)} s, max ${(latencies[latencies.length - 1] / 1000).toFixed(2)} s (target <= ${args.intervalSeconds + 1} s)`,
  ],
  [
    'evaluation time -> received',
    `median ${overheads[Math.floor(overheads.length / 2)]} ms, max ${overheads[overheads.length - 1]} ms (the hub's clock ticks each second)`,
  ],
]);
process.exit(0);
