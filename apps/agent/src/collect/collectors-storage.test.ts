// The storage collectors (diskstats, filesystem) against the fixture tree recorded from a
// real machine (fixtures/README.md): expected values are worked out by hand from the
// fixture files, quoted in the comments.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diskstatsCollector } from './diskstats.ts';
import { filesystemCollector } from './filesystem.ts';
import { FIXTURE_PATHS, fakeStatfs, family, fixtureContext, names, tempDir, values, labelKey as k } from './testing/testkit.ts';

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
