// The CPU, memory and scheduler collectors (cpu, loadavg, meminfo, vmstat, stat, pressure,
// processes) against the fixture tree recorded from a real machine (fixtures/README.md):
// expected values are worked out by hand from the fixture files, quoted in the comments.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuCollector } from './cpu.ts';
import { loadavgCollector } from './loadavg.ts';
import { meminfoCollector } from './meminfo.ts';
import { pressureCollector } from './pressure.ts';
import { processesCollector } from './processes.ts';
import { statCollector } from './stat.ts';
import { vmstatCollector } from './vmstat.ts';
import { FIXTURE_PATHS, family, fixtureContext, names, tempDir, value, values, labelKey as k } from './testing/testkit.ts';

describe('cpu', () => {
  it('exposes /proc/stat per-CPU ticks as seconds at USER_HZ 100', async () => {
    const fams = await cpuCollector().collect(fixtureContext());
    const f = family(fams, 'node_cpu_seconds_total');
    expect(f.type).toBe('counter');
    expect(f.help).toBe('Seconds the CPUs spent in each mode.');
    expect(f.unit).toBe('seconds');
    // cpu0 50154 0 6981 329126 535 0 159 7 0 0
    // cpu1 72272 0 11052 302257 1217 0 271 10 0 0   (the aggregate `cpu` line is not exposed)
    expect(values(fams, 'node_cpu_seconds_total')).toEqual({
      [k({ cpu: '0', mode: 'user' })]: 501.54,
      [k({ cpu: '0', mode: 'nice' })]: 0,
      [k({ cpu: '0', mode: 'system' })]: 69.81,
      [k({ cpu: '0', mode: 'idle' })]: 3291.26,
      [k({ cpu: '0', mode: 'iowait' })]: 5.35,
      [k({ cpu: '0', mode: 'irq' })]: 0,
      [k({ cpu: '0', mode: 'softirq' })]: 1.59,
      [k({ cpu: '0', mode: 'steal' })]: 0.07,
      [k({ cpu: '1', mode: 'user' })]: 722.72,
      [k({ cpu: '1', mode: 'nice' })]: 0,
      [k({ cpu: '1', mode: 'system' })]: 110.52,
      [k({ cpu: '1', mode: 'idle' })]: 3022.57,
      [k({ cpu: '1', mode: 'iowait' })]: 12.17,
      [k({ cpu: '1', mode: 'irq' })]: 0,
      [k({ cpu: '1', mode: 'softirq' })]: 2.71,
      [k({ cpu: '1', mode: 'steal' })]: 0.1,
    });
    expect(values(fams, 'node_cpu_guest_seconds_total')).toEqual({
      [k({ cpu: '0', mode: 'user' })]: 0,
      [k({ cpu: '0', mode: 'nice' })]: 0,
      [k({ cpu: '1', mode: 'user' })]: 0,
      [k({ cpu: '1', mode: 'nice' })]: 0,
    });
    // The fixture's sysfs has topology but no thermal_throttle, and an empty isolated list.
    expect(names(fams)).toEqual(['node_cpu_seconds_total', 'node_cpu_guest_seconds_total']);
  });

  it('reads thermal throttles once per core and package, and isolated CPUs', async () => {
    const sys = tempDir();
    cpSync(FIXTURE_PATHS.sysfs, sys, { recursive: true });
    const cpu = (n: number, pkg: number, core: number, coreCount: number, pkgCount: number) => {
      const dir = path.join(sys, `devices/system/cpu/cpu${n}`);
      mkdirSync(path.join(dir, 'thermal_throttle'), { recursive: true });
      writeFileSync(path.join(dir, 'topology/physical_package_id'), `${pkg}\n`);
      writeFileSync(path.join(dir, 'topology/core_id'), `${core}\n`);
      writeFileSync(path.join(dir, 'thermal_throttle/core_throttle_count'), `${coreCount}\n`);
      writeFileSync(path.join(dir, 'thermal_throttle/package_throttle_count'), `${pkgCount}\n`);
    };
    mkdirSync(path.join(sys, 'devices/system/cpu/cpu2/topology'), { recursive: true });
    cpu(0, 0, 0, 5, 40);
    cpu(1, 0, 1, 7, 40);
    cpu(2, 0, 0, 999, 999); // SMT sibling of cpu0: its counts are the core's and package's, read once
    writeFileSync(path.join(sys, 'devices/system/cpu/isolated'), '1-2,5\n');
    const fams = await cpuCollector().collect(fixtureContext({ paths: { ...FIXTURE_PATHS, sysfs: sys } }));
    expect(values(fams, 'node_cpu_core_throttles_total')).toEqual({
      [k({ package: '0', core: '0' })]: 5,
      [k({ package: '0', core: '1' })]: 7,
    });
    expect(values(fams, 'node_cpu_package_throttles_total')).toEqual({ [k({ package: '0' })]: 40 });
    expect(values(fams, 'node_cpu_isolated')).toEqual({ [k({ cpu: '1' })]: 1, [k({ cpu: '2' })]: 1, [k({ cpu: '5' })]: 1 });
  });

  it('never lets a counter go backwards, and starts over after a hotplug-sized idle drop', async () => {
    const proc = tempDir();
    const write = (line: string) => writeFileSync(path.join(proc, 'stat'), `cpu  0 0 0 0 0 0 0 0 0 0\n${line}\nctxt 1\nbtime 1\n`);
    const c = cpuCollector();
    const ctx = fixtureContext({ paths: { ...FIXTURE_PATHS, procfs: proc } });
    const get = async (mode: string) => values(await c.collect(ctx), 'node_cpu_seconds_total')[k({ cpu: '0', mode })];
    write('cpu0 1000 0 500 10000 0 0 0 0 0 0');
    expect(await get('user')).toBe(10);
    write('cpu0 990 0 500 10050 0 0 0 0 0 0'); // user went back by 0.1 s: keep 10
    expect(await get('user')).toBe(10);
    write('cpu0 20 0 5 200 0 0 0 0 0 0'); // idle fell by 98.5 s (>= 3): CPU was replugged
    expect(await get('user')).toBe(0.2);
    expect(await get('idle')).toBe(2);
  });
});

describe('loadavg', () => {
  it('exposes the three load averages', async () => {
    // 0.26 0.79 0.75 1/83 29933
    const fams = await loadavgCollector().collect(fixtureContext());
    expect(names(fams)).toEqual(['node_load1', 'node_load5', 'node_load15']);
    expect([value(fams, 'node_load1'), value(fams, 'node_load5'), value(fams, 'node_load15')]).toEqual([0.26, 0.79, 0.75]);
    expect(family(fams, 'node_load5')).toMatchObject({ type: 'gauge', help: '5m load average.' });
  });
});

describe('meminfo', () => {
  it('names every field like node_exporter, kB → bytes', async () => {
    const fams = await meminfoCollector().collect(fixtureContext());
    expect(fams).toHaveLength(54); // every line of the fixture's /proc/meminfo
    expect(value(fams, 'node_memory_MemTotal_bytes')).toBe(24684092 * 1024);
    expect(value(fams, 'node_memory_MemAvailable_bytes')).toBe(24155296 * 1024);
    expect(value(fams, 'node_memory_Active_anon_bytes')).toBe(1520 * 1024); // Active(anon)
    expect(value(fams, 'node_memory_Inactive_file_bytes')).toBe(256292 * 1024); // Inactive(file)
    expect(value(fams, 'node_memory_Committed_AS_bytes')).toBe(53388 * 1024);
    expect(value(fams, 'node_memory_VmallocTotal_bytes')).toBe(34359738367 * 1024);
    expect(value(fams, 'node_memory_Hugepagesize_bytes')).toBe(2048 * 1024);
    // No unit on the line: no _bytes and no scaling.
    expect(value(fams, 'node_memory_HugePages_Total')).toBe(0);
    expect(family(fams, 'node_memory_MemTotal_bytes')).toMatchObject({
      type: 'gauge',
      help: 'Memory information field MemTotal_bytes.',
      unit: 'bytes',
    });
    expect(family(fams, 'node_memory_HugePages_Total')).toMatchObject({
      type: 'gauge',
      help: 'Memory information field HugePages_Total.',
      unit: '',
    });
  });

  it('makes a field named *_total a counter', async () => {
    const proc = tempDir();
    writeFileSync(path.join(proc, 'meminfo'), 'MemTotal: 100 kB\nswapped_in_total: 7\n');
    const fams = await meminfoCollector().collect(fixtureContext({ paths: { ...FIXTURE_PATHS, procfs: proc } }));
    expect(family(fams, 'node_memory_swapped_in_total')).toMatchObject({ type: 'counter', samples: [{ value: 7 }] });
  });
});

describe('vmstat', () => {
  it('exposes node_exporter’s default fields as untyped', async () => {
    const fams = await vmstatCollector().collect(fixtureContext());
    expect(names(fams)).toEqual([
      'node_vmstat_pgpgin',
      'node_vmstat_pgpgout',
      'node_vmstat_pswpin',
      'node_vmstat_pswpout',
      'node_vmstat_pgfault',
      'node_vmstat_pgmajfault',
      'node_vmstat_oom_kill',
    ]);
    expect(value(fams, 'node_vmstat_pgpgin')).toBe(2853857);
    expect(value(fams, 'node_vmstat_pgpgout')).toBe(44472268);
    expect(value(fams, 'node_vmstat_pgfault')).toBe(32708834);
    expect(value(fams, 'node_vmstat_pgmajfault')).toBe(3741);
    expect(family(fams, 'node_vmstat_oom_kill')).toMatchObject({ type: 'unknown', help: '/proc/vmstat information field oom_kill.' });
  });
});

describe('stat', () => {
  it('exposes the system-wide /proc/stat counters', async () => {
    const fams = await statCollector().collect(fixtureContext());
    expect(value(fams, 'node_intr_total')).toBe(2122037); // first number of the intr line
    expect(value(fams, 'node_context_switches_total')).toBe(5852344);
    expect(value(fams, 'node_forks_total')).toBe(29934);
    expect(value(fams, 'node_boot_time_seconds')).toBe(1795776099);
    expect(value(fams, 'node_procs_running')).toBe(1);
    expect(value(fams, 'node_procs_blocked')).toBe(0);
    expect(family(fams, 'node_forks_total')).toMatchObject({ type: 'counter', help: 'Total number of forks.' });
    expect(family(fams, 'node_boot_time_seconds')).toMatchObject({ type: 'gauge', help: 'Node boot time, in unixtime.' });
  });
});

describe('pressure', () => {
  it('exposes PSI totals in seconds', async () => {
    const fams = await pressureCollector().collect(fixtureContext());
    expect(names(fams)).toEqual([
      'node_pressure_cpu_waiting_seconds_total',
      'node_pressure_io_waiting_seconds_total',
      'node_pressure_io_stalled_seconds_total',
      'node_pressure_memory_waiting_seconds_total',
      'node_pressure_memory_stalled_seconds_total',
    ]);
    expect(value(fams, 'node_pressure_cpu_waiting_seconds_total')).toBeCloseTo(154.357305, 12); // some … total=154357305 (µs)
    expect(value(fams, 'node_pressure_io_waiting_seconds_total')).toBeCloseTo(12.836688, 12);
    expect(value(fams, 'node_pressure_io_stalled_seconds_total')).toBeCloseTo(11.390931, 12);
    expect(value(fams, 'node_pressure_memory_waiting_seconds_total')).toBe(0);
    expect(family(fams, 'node_pressure_io_stalled_seconds_total')).toMatchObject({
      type: 'counter',
      help: 'Total time in seconds no process could make progress due to IO congestion',
    });
  });

  it('says which file is missing and why', async () => {
    const proc = tempDir();
    await expect(pressureCollector().collect(fixtureContext({ paths: { ...FIXTURE_PATHS, procfs: proc } }))).rejects.toThrow(
      `pressure: ${proc}/pressure/cpu not found (kernel without PSI, or running in a container)`,
    );
  });
});

describe('processes', () => {
  it('counts processes and threads by state', async () => {
    // pids 1 S, 2 S, 15 I, 3001 R, 3002 S, 4000 Z, 29982 S, 29983 S with 9 threads (8 more, all S)
    const fams = await processesCollector().collect(fixtureContext());
    expect(value(fams, 'node_processes_pids')).toBe(8);
    expect(value(fams, 'node_processes_threads')).toBe(16);
    expect(values(fams, 'node_processes_state')).toEqual({
      [k({ state: 'I' })]: 1,
      [k({ state: 'R' })]: 1,
      [k({ state: 'S' })]: 5,
      [k({ state: 'Z' })]: 1,
    });
    expect(values(fams, 'node_processes_threads_state')).toEqual({
      [k({ thread_state: 'I' })]: 1,
      [k({ thread_state: 'R' })]: 1,
      [k({ thread_state: 'S' })]: 13,
      [k({ thread_state: 'Z' })]: 1,
    });
    expect(value(fams, 'node_processes_max_threads')).toBe(192730);
    expect(value(fams, 'node_processes_max_processes')).toBe(32768);
    expect(family(fams, 'node_processes_state')).toMatchObject({ type: 'gauge', help: 'Number of processes in each state.' });
  });
});
