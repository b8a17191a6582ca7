// The host metric collectors' contract and runner. Collectors read /proc and /sys (under
// configurable roots, for an agent in a container with the host's trees mounted) and name
// their metrics like node_exporter, so dashboards and alerts written for it work unchanged.
import type { MetricFamily } from '@metrics-hub/expfmt';
import { cpuCollector } from './cpu.ts';
import { diskstatsCollector, type DiskstatsOptions } from './diskstats.ts';
import { filesystemCollector, type FilesystemOptions } from './filesystem.ts';
import { hwmonCollector } from './hwmon.ts';
import { loadavgCollector } from './loadavg.ts';
import { meminfoCollector } from './meminfo.ts';
import { netdevCollector, type NetdevOptions } from './netdev.ts';
import { pressureCollector } from './pressure.ts';
import { processesCollector } from './processes.ts';
import { statCollector } from './stat.ts';
import { timeCollector } from './time.ts';
import { DEFAULT_TOP_PROCESSES, topProcessesCollector } from './topprocesses.ts';
import { unameCollector } from './uname.ts';
import { vmstatCollector } from './vmstat.ts';

export interface HostPaths {
  /** Default '/proc'. */
  procfs: string;
  /** Default '/sys'. */
  sysfs: string;
  /** Default '/': where the host's root is seen (filesystem sizes, udev data). */
  rootfs: string;
}

export const DEFAULT_HOST_PATHS: HostPaths = { procfs: '/proc', sysfs: '/sys', rootfs: '/' };

/** What statfs(2) says, in blocks of `bsize` bytes and inodes. */
export interface StatFs {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

export interface CollectContext {
  paths: HostPaths;
  /** Wall-clock milliseconds since the epoch. */
  now: () => number;
  /** statfs(2) of an absolute path; default `fs.promises.statfs`. Tests inject a fake. */
  statfs?: (path: string) => Promise<StatFs>;
  /** The platform to behave as; default `process.platform`. Set to simulate another one. */
  platform?: string;
}

export interface Collector {
  /** 'cpu', 'meminfo', ... (node_exporter collector names). */
  readonly name: string;
  /** Throws (with a clear message) when the collector cannot run; the runner reports it and the others go on. */
  collect(ctx: CollectContext): Promise<MetricFamily[]>;
}

export interface LinuxCollectorsOptions {
  /** Programs per top-processes family; 0 leaves that collector out. Default 5. */
  topProcesses?: number;
  /** netdev: interfaces to leave out (none by default). */
  netdevDeviceExclude?: RegExp;
  netdevDeviceInclude?: RegExp;
  diskstats?: DiskstatsOptions;
  filesystem?: FilesystemOptions;
  /** vmstat fields to expose; default node_exporter's `^(oom_kill|pgpg|pswp|pg.*fault).*`. */
  vmstatFields?: RegExp;
}

/** A fresh set of the Linux collectors (they keep state between collections: use one set per host). */
export function linuxCollectors(options: LinuxCollectorsOptions = {}): Collector[] {
  const netdev: NetdevOptions = { deviceExclude: options.netdevDeviceExclude, deviceInclude: options.netdevDeviceInclude };
  const top = options.topProcesses ?? DEFAULT_TOP_PROCESSES;
  const list: Collector[] = [
    cpuCollector(),
    diskstatsCollector(options.diskstats),
    filesystemCollector(options.filesystem),
    hwmonCollector(),
    loadavgCollector(),
    meminfoCollector(),
    netdevCollector(netdev),
    pressureCollector(),
    processesCollector(),
    statCollector(),
    timeCollector(),
    unameCollector(),
    vmstatCollector({ fields: options.vmstatFields }),
  ];
  if (top > 0) list.push(topProcessesCollector({ n: top }));
  return list;
}

// Last failure message per collector: a collector failing the same way on every run
// (hwmon in a VM) is logged once, then again when the message changes or it recovers.
const lastFailure = new WeakMap<Collector, string>();

/**
 * Runs every collector concurrently and never throws. Adds, per collector,
 * node_scrape_collector_success{collector} and node_scrape_collector_duration_seconds{collector}
 * like node_exporter. A failure is logged through `log` (the first time it happens, when its
 * message changes, and a line when the collector recovers). On a platform other than Linux
 * every Linux collector reports "not supported yet on <platform>" (success 0) instead of crashing.
 * Families of the same name from different collectors are merged.
 */
export async function collectAll(collectors: Collector[], ctx: CollectContext, log: (line: string) => void): Promise<MetricFamily[]> {
  const results = await Promise.all(
    collectors.map(async (c) => {
      const start = performance.now();
      try {
        const families = await Promise.resolve().then(() => c.collect(ctx));
        return { c, families, seconds: (performance.now() - start) / 1000, error: undefined };
      } catch (err) {
        return {
          c,
          families: [] as MetricFamily[],
          seconds: (performance.now() - start) / 1000,
          error: err instanceof Error ? err.message : String(err),
        };
      }
    }),
  );

  const byName = new Map<string, MetricFamily>();
  const out: MetricFamily[] = [];
  const duration: MetricFamily = {
    name: 'node_scrape_collector_duration_seconds',
    type: 'gauge',
    help: 'node_exporter: Duration of a collector scrape.',
    unit: 'seconds',
    samples: [],
  };
  const success: MetricFamily = {
    name: 'node_scrape_collector_success',
    type: 'gauge',
    help: 'node_exporter: Whether a collector succeeded.',
    unit: '',
    samples: [],
  };

  for (const r of results) {
    const labels = { collector: r.c.name };
    duration.samples.push({ name: duration.name, labels, value: r.seconds });
    success.samples.push({ name: success.name, labels: { ...labels }, value: r.error === undefined ? 1 : 0 });
    const previous = lastFailure.get(r.c);
    if (r.error !== undefined) {
      if (previous !== r.error) log(`collector ${r.c.name} failed after ${r.seconds.toFixed(3)}s: ${r.error}`);
      lastFailure.set(r.c, r.error);
    } else if (previous !== undefined) {
      log(`collector ${r.c.name} succeeded again`);
      lastFailure.delete(r.c);
    }
    for (const f of r.families) {
      const same = byName.get(f.name);
      if (same) {
        same.samples.push(...f.samples);
      } else {
        const copy = { ...f, samples: [...f.samples] };
        byName.set(f.name, copy);
        out.push(copy);
      }
    }
  }
  out.push(duration, success);
  return out;
}
