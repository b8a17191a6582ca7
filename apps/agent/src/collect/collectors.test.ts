// Every collector against the fixture tree recorded from a real machine (fixtures/README.md):
// expected values are worked out by hand from the fixture files, quoted in the comments.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricFamily } from '@metrics-hub/expfmt';
import { cpuCollector } from './cpu.ts';
import { diskstatsCollector } from './diskstats.ts';
import { filesystemCollector } from './filesystem.ts';
import { hwmonCollector } from './hwmon.ts';
import { linuxCollectors } from './collector.ts';
import { loadavgCollector } from './loadavg.ts';
import { meminfoCollector } from './meminfo.ts';
import { netdevCollector } from './netdev.ts';
import { pressureCollector } from './pressure.ts';
import { processesCollector } from './processes.ts';
import { statCollector } from './stat.ts';
import { timeCollector } from './time.ts';
import { unameCollector } from './uname.ts';
import { vmstatCollector } from './vmstat.ts';
import { FIXTURE_PATHS, fakeStatfs, family, fixtureContext, labelKey, tempDir, value, values } from './testing/testkit.ts';

const names = (fams: MetricFamily[]) => fams.map((f) => f.name);
const k = labelKey;

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

describe('diskstats', () => {
  it('exposes whole disks, not partitions, loop, ram or zram devices', async () => {
    const fams = await diskstatsCollector().collect(fixtureContext());
    const devices = family(fams, 'node_disk_reads_completed_total').samples.map((s) => s.labels.device);
    expect(devices).toEqual(['vda', 'sda', 'nvme0n1', 'dm-0']);
  });

  it('converts sectors to bytes and milliseconds to seconds', async () => {
    // vda 91877 13411 5707714 69199 332678 37777 88944536 402220 0 32836 474801 23727 56 25415456 2242 33815 1138
    const fams = await diskstatsCollector().collect(fixtureContext());
    const vda = (name: string) => values(fams, name)[k({ device: 'vda' })];
    expect(vda('node_disk_reads_completed_total')).toBe(91877);
    expect(vda('node_disk_reads_merged_total')).toBe(13411);
    expect(vda('node_disk_read_bytes_total')).toBe(5707714 * 512);
    expect(vda('node_disk_read_time_seconds_total')).toBeCloseTo(69.199, 12);
    expect(vda('node_disk_writes_completed_total')).toBe(332678);
    expect(vda('node_disk_writes_merged_total')).toBe(37777);
    expect(vda('node_disk_written_bytes_total')).toBe(88944536 * 512);
    expect(vda('node_disk_write_time_seconds_total')).toBeCloseTo(402.22, 12);
    expect(vda('node_disk_io_now')).toBe(0);
    expect(vda('node_disk_io_time_seconds_total')).toBeCloseTo(32.836, 12);
    expect(vda('node_disk_io_time_weighted_seconds_total')).toBeCloseTo(474.801, 12);
    expect(vda('node_disk_discards_completed_total')).toBe(23727);
    expect(vda('node_disk_discards_merged_total')).toBe(56);
    expect(vda('node_disk_discarded_sectors_total')).toBe(25415456);
    expect(vda('node_disk_discard_time_seconds_total')).toBeCloseTo(2.242, 12);
    expect(vda('node_disk_flush_requests_total')).toBe(33815);
    expect(vda('node_disk_flush_requests_time_seconds_total')).toBeCloseTo(1.138, 12);
    expect(values(fams, 'node_disk_io_now')[k({ device: 'nvme0n1' })]).toBe(2);
    expect(family(fams, 'node_disk_io_now').type).toBe('gauge');
    expect(family(fams, 'node_disk_read_bytes_total')).toMatchObject({
      type: 'counter',
      help: 'The total number of bytes read successfully.',
      unit: 'bytes',
    });
  });

  it('labels node_disk_info from udev and sysfs', async () => {
    const fams = await diskstatsCollector().collect(fixtureContext());
    const none = { path: '', wwn: '', model: '', serial: '', revision: '' };
    expect(values(fams, 'node_disk_info')).toEqual({
      [k({ device: 'vda', major: '254', minor: '0', ...none, rotational: '1' })]: 1,
      [k({
        device: 'sda',
        major: '8',
        minor: '0',
        path: 'pci-0000:00:17.0-ata-1',
        wwn: '0x5002538e40a1b2c3',
        model: 'Samsung_SSD_860_EVO_500GB',
        serial: 'S3Z2NB0K123456A',
        revision: 'RVT04B6Q',
        rotational: '1',
      })]: 1,
      [k({ device: 'nvme0n1', major: '259', minor: '0', ...none, rotational: '0' })]: 1,
      [k({ device: 'dm-0', major: '253', minor: '1', ...none, rotational: '0' })]: 1,
    });
    expect(values(fams, 'node_disk_filesystem_info')).toEqual({
      [k({ device: 'dm-0', type: 'xfs', usage: 'filesystem', uuid: '6f1e0c1a-3c2b-4f8e-9a77-0d2b6c1e9f10', version: '' })]: 1,
    });
    expect(values(fams, 'node_disk_device_mapper_info')).toEqual({
      [k({
        device: 'dm-0',
        name: 'vg0-data',
        uuid: 'LVM-Xq3v7yJk2bGmC9cKzJ0u1f2r3s4t5u6v7w8x9y0z1a2b3c4d5e6f7g8h9i0j1k2',
        vg_name: 'vg0',
        lv_name: 'data',
        lv_layer: '',
      })]: 1,
    });
    expect(values(fams, 'node_disk_device_mapper_backing_device_info')).toEqual({
      [k({ device: 'dm-0', backing_device: 'nvme0n1p1' })]: 1,
    });
    expect(values(fams, 'node_disk_ata_write_cache')).toEqual({ [k({ device: 'sda' })]: 1 });
    expect(values(fams, 'node_disk_ata_write_cache_enabled')).toEqual({ [k({ device: 'sda' })]: 1 });
    expect(values(fams, 'node_disk_ata_rotation_rate_rpm')).toEqual({ [k({ device: 'sda' })]: 0 });
  });

  it('exposes only the fields an older kernel prints', async () => {
    const proc = tempDir();
    // 4.18 ≤ kernel < 5.5: discards but no flushes; kernel < 4.18: neither.
    writeFileSync(path.join(proc, 'diskstats'), '   8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n   8 16 sdb 1 2 3 4 5 6 7 8 9 10 11\n');
    const fams = await diskstatsCollector().collect(fixtureContext({ paths: { ...FIXTURE_PATHS, procfs: proc } }));
    expect(values(fams, 'node_disk_discard_time_seconds_total')).toEqual({ [k({ device: 'sda' })]: 0.015 });
    expect(names(fams)).not.toContain('node_disk_flush_requests_total');
    expect(Object.keys(values(fams, 'node_disk_io_time_weighted_seconds_total'))).toEqual([k({ device: 'sda' }), k({ device: 'sdb' })]);
    expect(Object.keys(values(fams, 'node_disk_discards_completed_total'))).toEqual([k({ device: 'sda' })]);
  });

  it('takes include and exclude patterns', async () => {
    const inc = await diskstatsCollector({ deviceInclude: /^sda1?$/ }).collect(fixtureContext());
    expect(family(inc, 'node_disk_reads_completed_total').samples.map((s) => s.labels.device)).toEqual(['sda', 'sda1']);
    const exc = await diskstatsCollector({ deviceExclude: /^(loop|ram|zram)\d+$/ }).collect(fixtureContext());
    expect(family(exc, 'node_disk_reads_completed_total').samples.map((s) => s.labels.device)).toEqual([
      'vda',
      'sda',
      'sda1',
      'nvme0n1',
      'nvme0n1p1',
      'dm-0',
    ]);
  });
});

describe('filesystem', () => {
  const rootfs = FIXTURE_PATHS.rootfs;
  const table = {
    '/': { bsize: 4096, blocks: 66052045, bfree: 60104030, bavail: 20649228, files: 16777216, ffree: 16354276 },
    '/run': { bsize: 4096, blocks: 617103, bfree: 616800, bavail: 616800, files: 3085511, ffree: 3084700 },
    '/boot': { bsize: 1024, blocks: 498900, bfree: 380000, bavail: 350000, files: 128016, ffree: 127600 },
    '/srv/my data': { bsize: 4096, blocks: 1000, bfree: 500, bavail: 500, files: 64, ffree: 60 },
    '/run/user/1000': { bsize: 4096, blocks: 617102, bfree: 617090, bavail: 617090, files: 617102, ffree: 617080 },
    '/mnt/nas': Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }),
  };

  it('skips pseudo filesystems and excluded mount points, once per mount', async () => {
    const fams = await filesystemCollector().collect(fixtureContext({ statfs: fakeStatfs(rootfs, table) }));
    expect(Object.keys(values(fams, 'node_filesystem_device_error'))).toEqual([
      k({ device: 'tmpfs', mountpoint: '/run', fstype: 'tmpfs' }),
      k({ device: '/dev/vda', mountpoint: '/', fstype: 'ext4' }),
      k({ device: '/dev/sda1', mountpoint: '/boot', fstype: 'ext4' }),
      k({ device: '/dev/mapper/vg0-data', mountpoint: '/srv/my data', fstype: 'xfs' }), // \040 decoded
      k({ device: 'tmpfs', mountpoint: '/run/user/1000', fstype: 'tmpfs' }),
      k({ device: 'nas:/export', mountpoint: '/mnt/nas', fstype: 'nfs4' }),
    ]);
  });

  it('computes bytes from blocks × block size, and flags errors and read-only mounts', async () => {
    const fams = await filesystemCollector().collect(fixtureContext({ statfs: fakeStatfs(rootfs, table) }));
    const root = k({ device: '/dev/vda', mountpoint: '/', fstype: 'ext4' });
    const boot = k({ device: '/dev/sda1', mountpoint: '/boot', fstype: 'ext4' });
    const data = k({ device: '/dev/mapper/vg0-data', mountpoint: '/srv/my data', fstype: 'xfs' });
    const nas = k({ device: 'nas:/export', mountpoint: '/mnt/nas', fstype: 'nfs4' });
    expect(values(fams, 'node_filesystem_size_bytes')[root]).toBe(66052045 * 4096);
    expect(values(fams, 'node_filesystem_free_bytes')[root]).toBe(60104030 * 4096);
    expect(values(fams, 'node_filesystem_avail_bytes')[root]).toBe(20649228 * 4096);
    expect(values(fams, 'node_filesystem_files')[root]).toBe(16777216);
    expect(values(fams, 'node_filesystem_files_free')[root]).toBe(16354276);
    expect(values(fams, 'node_filesystem_size_bytes')[boot]).toBe(498900 * 1024);
    expect(values(fams, 'node_filesystem_readonly')[data]).toBe(1);
    expect(values(fams, 'node_filesystem_readonly')[root]).toBe(0);
    // statfs failed: device_error 1 and read-only status, no sizes.
    expect(values(fams, 'node_filesystem_device_error')[nas]).toBe(1);
    expect(values(fams, 'node_filesystem_readonly')[nas]).toBe(0);
    expect(values(fams, 'node_filesystem_size_bytes')[nas]).toBeUndefined();
    expect(values(fams, 'node_filesystem_device_error')[root]).toBe(0);
    expect(family(fams, 'node_filesystem_avail_bytes')).toMatchObject({
      type: 'gauge',
      help: 'Filesystem space available to non-root users in bytes.',
    });
  });

  it('gives up on a hanging statfs and does not ask that mount again until it returns', async () => {
    let release!: () => void;
    let calls = 0;
    const hanging = new Promise<void>((r) => (release = r));
    const statfs = async (p: string) => {
      if (p.endsWith('/mnt/nas')) {
        calls++;
        await hanging;
      }
      return { bsize: 1, blocks: 1, bfree: 1, bavail: 1, files: 1, ffree: 1 };
    };
    const c = filesystemCollector({ mountTimeoutMs: 30 });
    const ctx = fixtureContext({ statfs });
    const nas = k({ device: 'nas:/export', mountpoint: '/mnt/nas', fstype: 'nfs4' });
    expect(values(await c.collect(ctx), 'node_filesystem_device_error')[nas]).toBe(1);
    expect(values(await c.collect(ctx), 'node_filesystem_device_error')[nas]).toBe(1);
    expect(calls).toBe(1);
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(values(await c.collect(ctx), 'node_filesystem_device_error')[nas]).toBe(0);
    expect(calls).toBe(2);
  });

  it('strips the rootfs prefix from mount points seen from a container, and falls back to /proc/mounts', async () => {
    const proc = tempDir();
    writeFileSync(path.join(proc, 'mounts'), '/dev/vda /host ext4 rw 0 0\n/dev/vdb /host/data ext4 ro 0 0\noverlay / overlay rw 0 0\n');
    const seen: string[] = [];
    const statfs = async (p: string) => {
      seen.push(p);
      return { bsize: 1, blocks: 2, bfree: 1, bavail: 1, files: 1, ffree: 1 };
    };
    const fams = await filesystemCollector().collect({
      paths: { procfs: proc, sysfs: '/nonexistent', rootfs: '/host' },
      now: Date.now,
      statfs,
      platform: 'linux',
    });
    expect(Object.keys(values(fams, 'node_filesystem_size_bytes'))).toEqual([
      k({ device: '/dev/vda', mountpoint: '/', fstype: 'ext4' }),
      k({ device: '/dev/vdb', mountpoint: '/data', fstype: 'ext4' }),
    ]);
    expect(seen).toEqual(['/host', '/host/data']);
  });
});

describe('netdev', () => {
  it('exposes every /proc/net/dev column per interface, plus rx_nohandler from sysfs', async () => {
    const fams = await netdevCollector().collect(fixtureContext());
    expect(names(fams)).toHaveLength(17);
    const rx = values(fams, 'node_network_receive_bytes_total');
    // eth0: 405099084   13721 … | 1229788    9583 …
    expect(rx).toEqual({
      [k({ device: 'lo' })]: 30951633,
      [k({ device: 'ifb0' })]: 0,
      [k({ device: 'ifb1' })]: 0,
      [k({ device: 'eth0' })]: 405099084,
    });
    expect(values(fams, 'node_network_transmit_packets_total')[k({ device: 'eth0' })]).toBe(9583);
    expect(values(fams, 'node_network_receive_multicast_total')[k({ device: 'lo' })]).toBe(0);
    expect(values(fams, 'node_network_transmit_colls_total')[k({ device: 'eth0' })]).toBe(0);
    // Only eth0 has statistics in the fixture's sysfs.
    expect(values(fams, 'node_network_receive_nohandler_total')).toEqual({ [k({ device: 'eth0' })]: 3 });
    expect(family(fams, 'node_network_receive_bytes_total')).toMatchObject({
      type: 'counter',
      help: 'Network device statistic receive_bytes.',
      unit: 'bytes',
    });
    expect(names(fams)).toEqual([...names(fams)].sort());
  });

  it('leaves out excluded interfaces', async () => {
    const fams = await netdevCollector({ deviceExclude: /^(lo|ifb\d+)$/ }).collect(fixtureContext());
    expect(Object.keys(values(fams, 'node_network_receive_packets_total'))).toEqual([k({ device: 'eth0' })]);
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

describe('uname', () => {
  it('labels node_uname_info from /proc/sys/kernel', async () => {
    const fams = await unameCollector().collect(fixtureContext());
    expect(family(fams, 'node_uname_info')).toMatchObject({
      type: 'gauge',
      help: 'Labeled system information as provided by the uname system call.',
      samples: [
        {
          name: 'node_uname_info',
          value: 1,
          labels: {
            sysname: 'Linux',
            release: '6.18.44-fc-v657',
            version: '#1 SMP PREEMPT_DYNAMIC @0',
            machine: 'x86_64',
            nodename: 'vm',
            domainname: '(none)',
          },
        },
      ],
    });
  });
});

describe('time', () => {
  it('exposes the context clock, the zone and the clock sources', async () => {
    const at = Date.UTC(2026, 0, 15, 10, 30, 0, 250);
    const fams = await timeCollector({ zone: () => ({ name: 'CET', offsetSeconds: 3600 }) }).collect(fixtureContext({ now: () => at }));
    expect(value(fams, 'node_time_seconds')).toBe(at / 1000);
    expect(values(fams, 'node_time_zone_offset_seconds')).toEqual({ [k({ time_zone: 'CET' })]: 3600 });
    // available_clocksource: "tsc kvm-clock", current_clocksource: "tsc"
    expect(values(fams, 'node_time_clocksource_available_info')).toEqual({
      [k({ clocksource: 'tsc', device: '0' })]: 1,
      [k({ clocksource: 'kvm-clock', device: '0' })]: 1,
    });
    expect(values(fams, 'node_time_clocksource_current_info')).toEqual({ [k({ clocksource: 'tsc', device: '0' })]: 1 });
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

describe('hwmon', () => {
  it('names chips after their device, with human-readable chip names beside', async () => {
    const fams = await hwmonCollector().collect(fixtureContext());
    expect(values(fams, 'node_hwmon_chip_names')).toEqual({
      [k({ chip: 'acpitz', chip_name: 'acpitz' })]: 1, // no device link: the name file
      [k({ chip: 'platform_coretemp_0', chip_name: 'coretemp' })]: 1, // device → …/platform/coretemp.0
      [k({ chip: 'nvme_nvme0', chip_name: 'nvme' })]: 1, // device → …/nvme/nvme0
      [k({ chip: 'platform_nct6775_656', chip_name: 'nct6775' })]: 1,
    });
    expect(family(fams, 'node_hwmon_chip_names')).toMatchObject({ type: 'gauge', help: 'Annotation metric for human-readable chip names' });
  });

  it('converts temperatures from millidegrees and keeps crit/max/min', async () => {
    const fams = await hwmonCollector().collect(fixtureContext());
    const close = (name: string, expected: Record<string, number>) => {
      const got = values(fams, name);
      expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
      for (const [key, v] of Object.entries(expected)) expect(got[key]).toBeCloseTo(v, 12);
    };
    close('node_hwmon_temp_celsius', {
      [k({ chip: 'acpitz', sensor: 'temp1' })]: 27.8,
      [k({ chip: 'platform_coretemp_0', sensor: 'temp1' })]: 45,
      [k({ chip: 'platform_coretemp_0', sensor: 'temp2' })]: 43,
      [k({ chip: 'nvme_nvme0', sensor: 'temp1' })]: 38.85,
      [k({ chip: 'nvme_nvme0', sensor: 'temp2' })]: 41.85,
      [k({ chip: 'platform_nct6775_656', sensor: 'temp7' })]: 38,
    });
    close('node_hwmon_temp_crit_celsius', {
      [k({ chip: 'acpitz', sensor: 'temp1' })]: 105,
      [k({ chip: 'platform_coretemp_0', sensor: 'temp1' })]: 100,
      [k({ chip: 'platform_coretemp_0', sensor: 'temp2' })]: 100,
    });
    close('node_hwmon_temp_max_celsius', {
      [k({ chip: 'platform_coretemp_0', sensor: 'temp1' })]: 80,
      [k({ chip: 'platform_coretemp_0', sensor: 'temp2' })]: 80,
      [k({ chip: 'nvme_nvme0', sensor: 'temp1' })]: 84.85,
    });
    close('node_hwmon_temp_min_celsius', { [k({ chip: 'nvme_nvme0', sensor: 'temp1' })]: -273.15 });
    expect(family(fams, 'node_hwmon_temp_celsius')).toMatchObject({
      type: 'gauge',
      help: 'Hardware monitor for temperature (input)',
      unit: 'celsius',
    });
    expect(family(fams, 'node_hwmon_temp_crit_celsius').help).toBe('Hardware monitor for temperature (crit)');
    // node_exporter treats crit_alarm as a temperature too; kept for compatibility.
    expect(values(fams, 'node_hwmon_temp_crit_alarm_celsius')).toEqual({ [k({ chip: 'platform_coretemp_0', sensor: 'temp1' })]: 0 });
    expect(family(fams, 'node_hwmon_temp_alarm')).toMatchObject({
      help: 'Hardware sensor alarm status (temp)',
      samples: [{ labels: { chip: 'nvme_nvme0', sensor: 'temp1' }, value: 0 }],
    });
  });

  it('exposes sensor labels, fans, voltages, pwm and intrusion like node_exporter', async () => {
    const fams = await hwmonCollector().collect(fixtureContext());
    expect(values(fams, 'node_hwmon_sensor_label')).toEqual({
      [k({ chip: 'platform_coretemp_0', sensor: 'temp1', label: 'package_id_0' })]: 1,
      [k({ chip: 'platform_coretemp_0', sensor: 'temp2', label: 'core_0' })]: 1,
      [k({ chip: 'nvme_nvme0', sensor: 'temp1', label: 'composite' })]: 1,
      [k({ chip: 'nvme_nvme0', sensor: 'temp2', label: 'sensor_1' })]: 1,
      [k({ chip: 'platform_nct6775_656', sensor: 'temp7', label: 'systin' })]: 1,
    });
    const nct = (sensor: string) => k({ chip: 'platform_nct6775_656', sensor });
    expect(values(fams, 'node_hwmon_fan_rpm')).toEqual({ [nct('fan2')]: 1150 });
    expect(values(fams, 'node_hwmon_fan_min_rpm')).toEqual({ [nct('fan2')]: 0 });
    expect(family(fams, 'node_hwmon_fan_pulses')).toMatchObject({ help: 'Hardware monitor fan element pulses', samples: [{ value: 2 }] });
    expect(values(fams, 'node_hwmon_in_volts')[nct('in0')]).toBeCloseTo(1.04, 12);
    expect(values(fams, 'node_hwmon_in_max_volts')[nct('in0')]).toBeCloseTo(1.744, 12);
    expect(values(fams, 'node_hwmon_in_min_volts')[nct('in0')]).toBe(0);
    expect(values(fams, 'node_hwmon_pwm')).toEqual({ [nct('pwm2')]: 128 });
    expect(values(fams, 'node_hwmon_pwm_enable')).toEqual({ [nct('pwm2')]: 5 });
    expect(family(fams, 'node_hwmon_intrusion_alarm')).toMatchObject({
      help: 'Hardware sensor alarm status (intrusion)',
      samples: [{ labels: { sensor: 'intrusion0' }, value: 1 }],
    });
    expect(values(fams, 'node_hwmon_temp_type')).toEqual({ [nct('temp7')]: 4 });
  });

  it('says when there is no /sys/class/hwmon', async () => {
    const sys = tempDir();
    await expect(hwmonCollector().collect(fixtureContext({ paths: { ...FIXTURE_PATHS, sysfs: sys } }))).rejects.toThrow(
      `hwmon: ${sys}/class/hwmon not found (`,
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

describe('missing files', () => {
  it('every collector that needs a file says which one is missing', async () => {
    const root = tempDir();
    const paths = { procfs: path.join(root, 'proc'), sysfs: path.join(root, 'sys'), rootfs: root };
    mkdirSync(paths.procfs);
    mkdirSync(paths.sysfs);
    const ctx = { paths, now: Date.now, platform: 'linux' };
    const outcome: Record<string, string> = {};
    for (const c of linuxCollectors()) {
      try {
        await c.collect(ctx);
        outcome[c.name] = 'ok';
      } catch (err) {
        outcome[c.name] = (err as Error).message;
      }
    }
    const p = paths.procfs;
    expect(outcome).toEqual({
      cpu: `cpu: ${p}/stat not found`,
      diskstats: `diskstats: ${p}/diskstats not found (kernel without block device statistics)`,
      filesystem: `filesystem: ${p}/mounts not found`,
      hwmon: `hwmon: ${paths.sysfs}/class/hwmon not found (no hardware monitoring drivers, as in most virtual machines and containers)`,
      loadavg: `loadavg: ${p}/loadavg not found`,
      meminfo: `meminfo: ${p}/meminfo not found`,
      netdev: `netdev: ${p}/net/dev not found`,
      pressure: `pressure: ${p}/pressure/cpu not found (kernel without PSI, or running in a container)`,
      processes: `processes: ${p}/sys/kernel/threads-max not found`,
      stat: `stat: ${p}/stat not found`,
      time: 'ok', // needs nothing but the clock
      uname: `uname: ${p}/sys/kernel/ostype not found`,
      vmstat: `vmstat: ${p}/vmstat not found`,
      top_processes: 'ok', // no processes: nothing to rank
    });
  });
});

describe('hwmon chip names', () => {
  it('keep colons (PCI addresses) and turn dots and blanks into underscores', async () => {
    const { cleanName } = await import('./hwmon.ts');
    expect(cleanName('0000:00:18.3')).toBe('0000:00:18_3');
    expect(cleanName('Package id 0\n')).toBe('package_id_0');
    expect(cleanName('  --Tctl--  ')).toBe('tctl');
  });
});
