// cpu: node_cpu_seconds_total and node_cpu_guest_seconds_total from /proc/stat, thermal
// throttle counters and isolated CPUs from sysfs, like node_exporter's cpu collector.
import path from 'node:path';
import type { Collector } from './collector.ts';
import { counter, fields, gauge, linuxCollector, listOptional, procPath, readOptional, readText, sysPath } from './util.ts';

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture node_exporter supports. */
export const USER_HZ = 100;

/** If idle goes back by this many seconds, node_exporter assumes a CPU hotplug and starts over. */
const JUMP_BACK_SECONDS = 3;

const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
type CpuTimes = Record<(typeof MODES)[number] | 'guest' | 'guest_nice', number>;
const FIELDS = [...MODES, 'guest', 'guest_nice'] as const;

/** Per-CPU lines of /proc/stat (`cpu0 …`), in seconds. The aggregate `cpu` line is skipped. */
export function parseProcStatCpus(text: string, file = '/proc/stat'): Map<string, CpuTimes> {
  const cpus = new Map<string, CpuTimes>();
  for (const line of text.split('\n')) {
    const m = /^cpu(\d+)\s/.exec(line);
    if (!m) continue;
    const parts = fields(line);
    const times = {} as CpuTimes;
    FIELDS.forEach((f, i) => {
      const raw = parts[i + 1];
      // Older kernels lack the trailing fields (steal, guest, guest_nice): they read as 0.
      const v = raw === undefined ? 0 : Number(raw);
      if (Number.isNaN(v)) throw new Error(`cpu: ${file}: malformed ${f} ${JSON.stringify(raw)} for cpu${m[1]}`);
      times[f] = v / USER_HZ;
    });
    cpus.set(String(Number(m[1])), times);
  }
  return cpus;
}

/** "0-2,5" → [0, 1, 2, 5] (sysfs CPU lists). */
export function parseCpuList(text: string): number[] {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    if (part === '') continue;
    const [a, b] = part.split('-').map(Number);
    if (Number.isNaN(a) || (b !== undefined && Number.isNaN(b))) continue;
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}

export function cpuCollector(): Collector {
  // Last values exposed per CPU: counters never go backwards (a kernel quirk on some
  // hypervisors), and a large jump back of idle resets the CPU like node_exporter.
  const last = new Map<string, CpuTimes>();

  return linuxCollector('cpu', async (ctx) => {
    const file = procPath(ctx, 'stat');
    const cpus = parseProcStatCpus(await readText('cpu', file), file);

    const seconds = counter('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.');
    const guest = counter('node_cpu_guest_seconds_total', 'Seconds the CPUs spent in guests (VMs) for each mode.');
    for (const [cpu, now] of cpus) {
      let prev = last.get(cpu);
      if (prev && prev.idle - now.idle >= JUMP_BACK_SECONDS) prev = undefined;
      const cur = { ...now };
      if (prev) for (const f of FIELDS) cur[f] = Math.max(prev[f], now[f]);
      last.set(cpu, cur);
      for (const mode of MODES) seconds.add(cur[mode], { cpu, mode });
      // Guest time is also counted in user and nice; exposed separately as in node_exporter.
      guest.add(cur.guest, { cpu, mode: 'user' });
      guest.add(cur.guest_nice, { cpu, mode: 'nice' });
    }

    const [throttles, isolated] = await Promise.all([
      thermalThrottles(sysPath(ctx, 'devices/system/cpu')),
      isolatedCpus(sysPath(ctx, 'devices/system/cpu/isolated')),
    ]);
    return [seconds, guest, ...throttles, isolated];
  });
}

async function readUint(file: string): Promise<number | undefined> {
  const text = await readOptional(file);
  if (text === undefined) return undefined;
  const v = Number(text.trim());
  return text.trim() === '' || !Number.isInteger(v) || v < 0 ? undefined : v;
}

/** node_cpu_core_throttles_total / node_cpu_package_throttles_total from cpu*\/thermal_throttle. */
async function thermalThrottles(cpuDir: string) {
  const core = counter('node_cpu_core_throttles_total', 'Number of times this CPU core has been throttled.');
  const pkg = counter('node_cpu_package_throttles_total', 'Number of times this CPU package has been throttled.');
  const entries = ((await listOptional(cpuDir)) ?? [])
    .filter((e) => /^cpu\d+$/.test(e))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
  const coreSeen = new Set<string>();
  const pkgSeen = new Set<number>();
  for (const entry of entries) {
    const dir = path.join(cpuDir, entry);
    const packageId = await readUint(path.join(dir, 'topology/physical_package_id'));
    const coreId = await readUint(path.join(dir, 'topology/core_id'));
    if (packageId === undefined || coreId === undefined) continue;
    // Several logical CPUs (SMT siblings) share a core: read each core and package once.
    const coreKey = `${packageId}/${coreId}`;
    if (!coreSeen.has(coreKey)) {
      coreSeen.add(coreKey);
      const n = await readUint(path.join(dir, 'thermal_throttle/core_throttle_count'));
      if (n !== undefined) core.add(n, { package: String(packageId), core: String(coreId) });
    }
    if (!pkgSeen.has(packageId)) {
      pkgSeen.add(packageId);
      const n = await readUint(path.join(dir, 'thermal_throttle/package_throttle_count'));
      if (n !== undefined) pkg.add(n, { package: String(packageId) });
    }
  }
  return [pkg, core];
}

async function isolatedCpus(file: string) {
  const fam = gauge('node_cpu_isolated', 'Whether each core is isolated, information from /sys/devices/system/cpu/isolated.');
  const text = await readOptional(file);
  if (text !== undefined) for (const cpu of parseCpuList(text)) fam.add(1, { cpu: String(cpu) });
  return fam;
}
