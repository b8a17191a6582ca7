// 1,000 alerting and recording rules over the benchmark fleet (../shared/bench dataset,
// 50 hosts), evaluated every 15 s against the real store: the share of one core it takes
// and the time per group.
//
//   npx tsx libs/alerts/bench/rules.bench.ts [--hosts 50] [--hours 2] [--rules 1000] [--per-group 20] [--rounds 8]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '@metrics-hub/promql';
import { TimeSeriesStore } from '@metrics-hub/tsdb';
import { loadFleet, parseBenchArgs, printTable, progress } from '@metrics-hub/testing';
import { RuleManager } from '../src/index.ts';

const args = parseBenchArgs(process.argv.slice(2), { hosts: 50, hours: 2, rules: 1000, perGroup: 20, rounds: 8 });
const INTERVAL = 15_000;

// Rule shapes as users write them (node_exporter style), thresholds varied per rule so no
// two are the same query.
const SHAPES: ((i: number) => string)[] = [
  (i) => `100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))) > ${50 + (i % 50)}`,
  (i) => `node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < ${(0.05 + (i % 20) / 100).toFixed(2)}`,
  (i) => `predict_linear(node_filesystem_avail_bytes{mountpoint="/"}[6h], ${4 + (i % 20)} * 3600) < 0`,
  (i) => `max by (instance) (node_load1) > ${1 + (i % 8)}`,
  (i) => `sum by (instance) (rate(node_network_receive_bytes_total[5m])) > ${1e5 * (1 + (i % 10))}`,
  (i) => `increase(node_disk_written_bytes_total[${10 + (i % 20)}m]) > ${1e8 * (1 + (i % 5))}`,
  (i) => `avg_over_time(node_load5[${10 + (i % 30)}m]) > ${1 + (i % 4)}`,
  (i) => `up{job="node"} == 0 or absent(node_load1{instance="host-${i % 60}"})`,
];

const fleet = await loadFleet(args.hosts, args.hours);
const dir = mkdtempSync(join(tmpdir(), 'rules-bench-'));
const store = TimeSeriesStore.open({ path: join(dir, 'm.db') });
progress('loading the fleet into the store');
for (let from = 0; from < fleet.steps; from += 360) {
  const to = Math.min(fleet.steps, from + 360);
  store.append(
    fleet.series.map((s) => ({ labels: s.labels, timestamps: s.timestamps.subarray(from, to), values: s.values.subarray(from, to) })),
  );
}
const groups: string[] = [];
for (let g = 0; g * args.perGroup < args.rules; g++) {
  const rules: string[] = [];
  for (let r = 0; r < args.perGroup && g * args.perGroup + r < args.rules; r++) {
    const i = g * args.perGroup + r;
    const expr = SHAPES[i % SHAPES.length](i);
    rules.push(
      i % 5 === 4
        ? `      - record: bench:rule_${i}\n        expr: ${JSON.stringify(expr.replace(/ [<>]=? .*$| == 0 .*$/, ''))}`
        : `      - alert: Bench${i}\n        expr: ${JSON.stringify(expr)}\n        for: ${i % 3 === 0 ? '0s' : '5m'}\n        labels: { severity: warning }\n        annotations: { summary: "{{ $labels.instance }} at {{ $value }}" }`,
    );
  }
  groups.push(`  - name: group-${g}\n    rules:\n${rules.join('\n')}`);
}
writeFileSync(join(dir, 'bench.rules.yml'), `groups:\n${groups.join('\n')}\n`);
let notified = 0;
const manager = new RuleManager(store.database, {
  engine: new Engine(),
  queryable: store,
  appender: store,
  notify: (alerts) => (notified += alerts.length),
  paths: [join(dir, 'bench.rules.yml')],
  defaultIntervalMs: INTERVAL,
  log: (l) => process.stderr.write(`${l}\n`),
});
const roundMs: number[] = [];
const cpuMs: number[] = [];
const start = Math.floor(fleet.end / INTERVAL) * INTERVAL - args.rounds * INTERVAL;
for (let r = 0; r < args.rounds; r++) {
  progress(`round ${r + 1} / ${args.rounds}`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  manager.tick(start + r * INTERVAL);
  roundMs.push(performance.now() - t0);
  const cpu = process.cpuUsage(cpu0);
  cpuMs.push((cpu.user + cpu.system) / 1000);
}
progress('');
const groupTimes = manager
  .groupList()
  .map((g) => g.evaluationMs)
  .sort((a, b) => a - b);
const errors = manager.groupList().flatMap((g) => g.rules.filter((r) => r.health === 'err').map((r) => `${r.name}: ${r.lastError}`));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const steady = roundMs.slice(1);
printTable(
  `alert rules: ${args.rules} rules in ${groupTimes.length} groups, every 15 s, over ${fleet.series.length} series (${args.hosts} hosts)`,
  [
    [
      'one round of every group',
      `median ${median(steady).toFixed(0)} ms (first, with JIT warm-up: ${roundMs[0].toFixed(0)} ms); CPU ${median(cpuMs.slice(1)).toFixed(0)} ms`,
    ],
    ['share of one core at 15 s', `${((median(steady) / INTERVAL) * 100).toFixed(1)}% (target <= 20%)`],
    ['per group (last round)', `median ${median(groupTimes).toFixed(1)} ms, max ${groupTimes[groupTimes.length - 1].toFixed(1)} ms`],
    ['alerts sent, rule errors', `${notified} alerts; ${errors.length} errors${errors.length ? ` (first: ${errors[0]})` : ''}`],
  ],
);
store.close();
rmSync(dir, { recursive: true, force: true });
