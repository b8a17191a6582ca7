// Data in and out as users move it, beside VictoriaMetrics: the shared fleet
// (../shared/bench/dataset.mjs, jittered timestamps) is imported into a real `hub serve`
// with the real `hub import` (all or nothing, timed from start to exit) and into
// VictoriaMetrics through its import API (timed until queries see every sample); then the
// same day is exported from each (`hub export --format openmetrics`, VictoriaMetrics'
// /api/v1/export); then both stop and their data folders are measured. Prints samples/s
// in and out, each server's resident memory while importing, and bytes per sample on disk.
//
//   npx tsx apps/desktop/bench/import.bench.ts [--hosts 50] [--hours 24] [--jitter-ms 250] [--peers auto|none] [--dir DIR]
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  fleetFile,
  fleetStartMs,
  importIntoVictoriaMetrics,
  installedPeers,
  parseBenchArgs,
  printTable,
  progress,
  sampleRss,
  startVictoriaMetrics,
  storedSamples,
  type PeerServer,
} from '@metrics-hub/testing';
import { hubExport, hubImport, startHubServe, type HubServe } from './hub-cli.ts';

const args = parseBenchArgs(process.argv.slice(2), { hosts: 50, hours: 24, jitterMs: 250, peers: 'auto' });
const withVm = args.peers !== 'none' && installedPeers().victoriaMetrics;
const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
const rate = (samples: number, seconds: number) => `${(samples / seconds / 1e6).toFixed(2)} M samples/s`;

const om = await fleetFile({ hosts: args.hosts, hours: args.hours, jitterMs: args.jitterMs, format: 'openmetrics' });
const promText = withVm
  ? await fleetFile({ hosts: args.hosts, hours: args.hours, jitterMs: args.jitterMs, format: 'prometheus' })
  : undefined;
const firstDue = await fleetStartMs();
const span = { startMs: firstDue - 60_000, endMs: firstDue + args.hours * 3_600_000 };

const work = mkdtempSync(join(args.dir ?? tmpdir(), 'import-bench-'));
const running: (HubServe | PeerServer)[] = [];
const rows: [string, string][] = [];
try {
  // The fleet is dated 2026-01-01: the hub keeps it (raw data for ten years) rather than
  // refusing it as older than retention.
  mkdirSync(join(work, 'hub'));
  const hub = await startHubServe(join(work, 'hub'), ['store:', '  retention: 3650d']);
  running.push(hub);
  const hubRss = sampleRss(hub.pid);
  const imported = await hubImport(hub.config, om.path);
  const hubMemory = hubRss.stop();
  const kept = await storedSamples(hub.http, span.startMs, span.endMs);
  if (kept.samples !== om.samples) throw new Error(`the hub answers with ${kept.samples} samples; the file holds ${om.samples}`);
  const hubOut = join(work, 'hub-export.om');
  const exportSeconds = await hubExport(hub.config, hubOut, span.startMs, span.endMs);
  // The hub's own lossless format: JSON lines of a series' timestamps and values, the
  // shape of VictoriaMetrics' export (about the same size), where OpenMetrics spells a
  // line per sample (almost five times the text).
  const lossless = join(work, 'hub-export.mhb');
  const losslessSeconds = await hubExport(hub.config, lossless, span.startMs, span.endMs, 'mhb-json');
  rows.push(
    [
      'hub: hub import',
      `${rate(om.samples, imported.seconds)} (${imported.seconds.toFixed(1)} s, ${mb(om.bytes)} of OpenMetrics, all or nothing)`,
    ],
    ['hub: RSS while importing', `median ${mb(hubMemory.medianBytes)}, max ${mb(hubMemory.maxBytes)}`],
    ['hub: hub export', `${rate(om.samples, exportSeconds)} (${exportSeconds.toFixed(1)} s, ${mb(statSync(hubOut).size)} of OpenMetrics)`],
    [
      'hub: hub export --format mhb-json',
      `${rate(om.samples, losslessSeconds)} (${losslessSeconds.toFixed(1)} s, ${mb(statSync(lossless).size)} of JSON lines)`,
    ],
  );
  rmSync(hubOut);
  rmSync(lossless);
  await hub.stop();
  running.splice(running.indexOf(hub), 1);
  const hubBytes = folderBytes(join(work, 'hub', 'data'));
  rows.push(['hub: on disk after a clean stop', `${(hubBytes / om.samples).toFixed(2)} bytes/sample (${mb(hubBytes)})`]);

  if (withVm && promText) {
    const vm = await startVictoriaMetrics(join(work, 'victoria-metrics'));
    running.push(vm);
    const vmRss = sampleRss(vm.pid);
    const seconds = await importIntoVictoriaMetrics(vm, promText.path, { series: promText.series, samples: promText.samples, ...span });
    const vmMemory = vmRss.stop();
    const vmOut = join(work, 'vm-export.prom');
    const t0 = performance.now();
    progress('VictoriaMetrics: exporting');
    const res = await fetch(
      `${vm.url}/api/v1/export?match[]=${encodeURIComponent('{__name__!=""}')}&start=${span.startMs / 1000}&end=${span.endMs / 1000}`,
    );
    await pipeline(Readable.fromWeb(res.body as never), createWriteStream(vmOut));
    const vmExport = (performance.now() - t0) / 1000;
    progress('');
    rows.push(
      [
        'VictoriaMetrics: import API',
        `${rate(promText.samples, seconds)} (${seconds.toFixed(1)} s, ${mb(promText.bytes)} of Prometheus text, until queries see every sample)`,
      ],
      ['VictoriaMetrics: RSS while importing', `median ${mb(vmMemory.medianBytes)}, max ${mb(vmMemory.maxBytes)}`],
      [
        'VictoriaMetrics: /api/v1/export',
        `${rate(promText.samples, vmExport)} (${vmExport.toFixed(1)} s, ${mb(statSync(vmOut).size)} of JSON lines)`,
      ],
    );
    rmSync(vmOut);
    await vm.stop();
    running.splice(running.indexOf(vm), 1);
    const vmBytes = folderBytes(join(work, 'victoria-metrics'));
    rows.push(['VictoriaMetrics: on disk after a clean stop', `${(vmBytes / promText.samples).toFixed(2)} bytes/sample (${mb(vmBytes)})`]);
  }
  printTable(
    `Data in and out: ${args.hosts} hosts x ${args.hours} h (${om.series} series, ${om.samples.toLocaleString('en')} samples, ${args.jitterMs} ms jitter)`,
    rows,
  );
} finally {
  progress('stopping');
  for (const server of running.reverse()) await server.stop().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
  progress('');
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}
