// Side by side with node_exporter on this machine: starts prometheus-node-exporter on a free
// local port with the same configurable defaults as ours (device and mount exclusions,
// processes collector on), scrapes it while our collectors run, and prints per area the
// share of node_exporter's series (name + labels) that we expose too, the missing ones, and
// the relative difference of the values present on both. Figures only, nothing asserted.
//
//   node --import tsx apps/agent/bench/node-exporter-compare.ts [--bin /path/to/node_exporter] [--missing 20] [--own-defaults]
//
// --own-defaults leaves node_exporter with its own (possibly distribution-patched) exclusion
// defaults instead of ours.
//
// Without node_exporter installed it says how to get it (Debian/Ubuntu:
// `apt-get install -y prometheus-node-exporter`) and exits.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { MetricFamily } from '@metrics-hub/expfmt';
import { freePort, waitFor } from '@metrics-hub/testing';
import {
  collectAll,
  DEFAULT_DISKSTATS_EXCLUDE,
  DEFAULT_FS_TYPES_EXCLUDE,
  DEFAULT_HOST_PATHS,
  DEFAULT_MOUNT_POINTS_EXCLUDE,
  DEFAULT_VMSTAT_FIELDS,
  linuxCollectors,
} from '../src/collect/index.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const bin = arg('bin', process.env.NODE_EXPORTER ?? '/usr/bin/prometheus-node-exporter');
const showMissing = Number(arg('missing', '20'));
const ownDefaults = process.argv.includes('--own-defaults');

// Our collectors and the node_exporter metric names each one stands for.
const AREAS: Array<[string, RegExp]> = [
  ['cpu', /^node_cpu_(seconds_total|guest_seconds_total|core_throttles_total|package_throttles_total|isolated)$/],
  ['diskstats', /^node_disk_/],
  ['filesystem', /^node_filesystem_/],
  ['hwmon', /^node_hwmon_/],
  ['loadavg', /^node_load(1|5|15)$/],
  ['meminfo', /^node_memory_/],
  ['netdev', /^node_network_(receive|transmit)_[a-z]+_total$/],
  ['pressure', /^node_pressure_/],
  ['processes', /^node_processes_/],
  ['stat', /^node_(boot_time_seconds|context_switches_total|intr_total|forks_total|procs_running|procs_blocked)$/],
  ['time', /^node_time_/],
  ['uname', /^node_uname_info$/],
  ['vmstat', /^node_vmstat_/],
];

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
  type: string;
}

const key = (name: string, labels: Record<string, string>) =>
  `${name}{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}}`;

/** Just enough of the text format for node_exporter's output: TYPE lines and samples. */
function parseText(text: string): Map<string, Series> {
  const types = new Map<string, string>();
  const out = new Map<string, Series>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name, type);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    if (m[2]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      for (let l; (l = re.exec(m[2])); ) labels[l[1]] = l[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    out.set(key(m[1], labels), { name: m[1], labels, value, type: types.get(m[1]) ?? 'untyped' });
  }
  return out;
}

function ours(families: MetricFamily[]): Map<string, Series> {
  const out = new Map<string, Series>();
  for (const f of families)
    for (const s of f.samples) out.set(key(s.name, s.labels), { name: s.name, labels: s.labels, value: s.value, type: f.type });
  return out;
}

const relDiff = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (x: number) => (Number.isNaN(x) ? '-' : `${(x * 100).toFixed(x !== 0 && x < 0.001 ? 4 : 2)}%`);

async function main(): Promise<void> {
  if (!existsSync(bin)) {
    console.log(`node_exporter not found at ${bin}. On Debian/Ubuntu: apt-get install -y prometheus-node-exporter (or pass --bin).`);
    return;
  }
  const port = await freePort();
  const flags = [`--web.listen-address=127.0.0.1:${port}`, '--collector.processes'];
  if (!ownDefaults) {
    // Our defaults, which are upstream's (a distribution may patch its own in).
    flags.push(
      `--collector.filesystem.mount-points-exclude=${DEFAULT_MOUNT_POINTS_EXCLUDE.source}`,
      `--collector.filesystem.fs-types-exclude=${DEFAULT_FS_TYPES_EXCLUDE.source}`,
      `--collector.diskstats.device-exclude=${DEFAULT_DISKSTATS_EXCLUDE.source}`,
      '--collector.netdev.device-exclude=',
      `--collector.vmstat.fields=${DEFAULT_VMSTAT_FIELDS.source}`,
    );
  }
  console.log(`${bin} ${flags.join(' ')}`);
  const child = spawn(bin, flags, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}/metrics`;
  try {
    // Refused until it listens: waitFor tries again.
    await waitFor(async () => (await fetch(url)).ok, `node_exporter to answer on ${url}`, { timeoutMs: 10_000, intervalMs: 100 });
    const collectors = linuxCollectors();
    const ctx = { paths: DEFAULT_HOST_PATHS, now: Date.now };
    const logs: string[] = [];
    // A first run so that the top-processes CPU figures have a previous sample; then both at once.
    await collectAll(collectors, ctx, () => {});
    await new Promise((r) => setTimeout(r, 1000));
    const [text, mine] = await Promise.all([fetch(url).then((r) => r.text()), collectAll(collectors, ctx, (l) => logs.push(l))]);
    const theirs = parseText(text);
    const ourSeries = ours(mine);
    for (const l of logs) console.log(`our log: ${l}`);
    const version = /node_exporter_build_info\{[^}]*version="([^"]+)"/.exec(text)?.[1] ?? '?';
    console.log(`node_exporter ${version}: ${theirs.size} series; ours: ${ourSeries.size} series\n`);

    const rows: string[][] = [
      [
        'area',
        'node_exporter',
        'shared',
        'share',
        'ours only',
        'gauges: median diff',
        'max diff',
        'counters+untyped: median diff',
        'max diff',
      ],
    ];
    const missingByArea: Array<[string, string[]]> = [];
    const worst: Array<[string, string, number, number]> = [];
    let totalNe = 0;
    let totalShared = 0;
    for (const [area, re] of AREAS) {
      const ne = [...theirs.values()].filter((s) => re.test(s.name));
      const ourArea = [...ourSeries.values()].filter((s) => re.test(s.name));
      const shared = ne.filter((s) => ourSeries.has(key(s.name, s.labels)));
      const missing = ne.filter((s) => !ourSeries.has(key(s.name, s.labels))).map((s) => key(s.name, s.labels));
      const extra = ourArea.filter((s) => !theirs.has(key(s.name, s.labels))).length;
      const diffs = { gauge: [] as number[], counter: [] as number[] };
      let worstGauge: [string, number, number, number] | undefined;
      for (const s of shared) {
        const o = ourSeries.get(key(s.name, s.labels))!;
        const d = relDiff(s.value, o.value);
        if (s.type === 'gauge') {
          diffs.gauge.push(d);
          if (!worstGauge || d > worstGauge[1]) worstGauge = [key(s.name, s.labels), d, s.value, o.value];
        } else if (s.type === 'counter' || s.type === 'untyped') diffs.counter.push(d);
      }
      if (worstGauge && worstGauge[1] > 0) worst.push([area, worstGauge[0], worstGauge[2], worstGauge[3]]);
      totalNe += ne.length;
      totalShared += shared.length;
      rows.push([
        area,
        String(ne.length),
        String(shared.length),
        ne.length ? pct(shared.length / ne.length) : '-',
        String(extra),
        pct(median(diffs.gauge)),
        pct(diffs.gauge.length ? Math.max(...diffs.gauge) : NaN),
        pct(median(diffs.counter)),
        pct(diffs.counter.length ? Math.max(...diffs.counter) : NaN),
      ]);
      if (missing.length) missingByArea.push([area, missing]);
    }
    rows.push(['all', String(totalNe), String(totalShared), totalNe ? pct(totalShared / totalNe) : '-', '', '', '', '', '']);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));

    console.log('\nlargest gauge difference per area (node_exporter vs ours):');
    for (const [area, series, a, b] of worst) console.log(`  ${area}: ${series} ${a} vs ${b}`);
    console.log('\nmissing (node_exporter has, we do not):');
    if (missingByArea.length === 0) console.log('  none');
    for (const [area, missing] of missingByArea) {
      console.log(`  ${area} (${missing.length}):`);
      for (const m of missing.slice(0, showMissing)) console.log(`    ${m}`);
      if (missing.length > showMissing) console.log(`    … ${missing.length - showMissing} more`);
    }
    const ours2 = mine.filter((f) => f.name.startsWith('agent_'));
    if (ours2.length) console.log(`\nagent-only families: ${ours2.map((f) => `${f.name} (${f.samples.length})`).join(', ')}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    if (stderr) console.error(stderr.split('\n').slice(-10).join('\n'));
    process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
  }
}

await main();
