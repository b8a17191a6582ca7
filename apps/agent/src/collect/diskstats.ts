// diskstats: per block device I/O counters from /proc/diskstats, plus node_disk_info and the
// udev-derived info metrics, like node_exporter's diskstats collector.
// Field meanings: https://www.kernel.org/doc/Documentation/iostats.txt
import path from 'node:path';
import type { Collector } from './collector.ts';
import {
  type FamilyBuilder,
  counter,
  fields,
  gauge,
  linuxCollector,
  listOptional,
  procPath,
  readOptional,
  readText,
  rootPath,
  sysPath,
} from './util.ts';

/** node_exporter's default --collector.diskstats.device-exclude: partitions, ram, zram, loop and floppy devices. */
export const DEFAULT_DISKSTATS_EXCLUDE = /^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;

/** Sectors in /proc/diskstats are always 512 bytes, whatever the device's block size. */
const SECTOR_BYTES = 512;
/** Times are in milliseconds (node_exporter multiplies by 1/1000). */
const SECONDS_PER_TICK = 1.0 / 1000.0;

export interface DiskStatsLine {
  major: number;
  minor: number;
  device: string;
  /** The counters after the device name: 11 (kernel < 4.18), 15 (< 5.5) or 17. */
  stats: number[];
}

export function parseDiskstats(text: string, file = '/proc/diskstats'): DiskStatsLine[] {
  const out: DiskStatsLine[] = [];
  for (const line of text.split('\n')) {
    const parts = fields(line);
    if (parts.length === 0) continue;
    if (parts.length < 14) throw new Error(`diskstats: ${file}: malformed line ${JSON.stringify(line)}`);
    const nums = parts.slice(3).map(Number);
    if (nums.some(Number.isNaN)) throw new Error(`diskstats: ${file}: malformed line ${JSON.stringify(line)}`);
    out.push({ major: Number(parts[0]), minor: Number(parts[1]), device: parts[2], stats: nums });
  }
  return out;
}

// In the order of the /proc/diskstats fields: [name, help, type, scale].
const STATS: Array<[string, string, 'counter' | 'gauge', number]> = [
  ['node_disk_reads_completed_total', 'The total number of reads completed successfully.', 'counter', 1],
  ['node_disk_reads_merged_total', 'The total number of reads merged.', 'counter', 1],
  ['node_disk_read_bytes_total', 'The total number of bytes read successfully.', 'counter', SECTOR_BYTES],
  ['node_disk_read_time_seconds_total', 'The total number of seconds spent by all reads.', 'counter', SECONDS_PER_TICK],
  ['node_disk_writes_completed_total', 'The total number of writes completed successfully.', 'counter', 1],
  ['node_disk_writes_merged_total', 'The number of writes merged.', 'counter', 1],
  ['node_disk_written_bytes_total', 'The total number of bytes written successfully.', 'counter', SECTOR_BYTES],
  ['node_disk_write_time_seconds_total', 'This is the total number of seconds spent by all writes.', 'counter', SECONDS_PER_TICK],
  ['node_disk_io_now', 'The number of I/Os currently in progress.', 'gauge', 1],
  ['node_disk_io_time_seconds_total', 'Total seconds spent doing I/Os.', 'counter', SECONDS_PER_TICK],
  ['node_disk_io_time_weighted_seconds_total', 'The weighted # of seconds spent doing I/Os.', 'counter', SECONDS_PER_TICK],
  ['node_disk_discards_completed_total', 'The total number of discards completed successfully.', 'counter', 1],
  ['node_disk_discards_merged_total', 'The total number of discards merged.', 'counter', 1],
  // node_exporter keeps these in sectors.
  ['node_disk_discarded_sectors_total', 'The total number of sectors discarded successfully.', 'counter', 1],
  ['node_disk_discard_time_seconds_total', 'This is the total number of seconds spent by all discards.', 'counter', SECONDS_PER_TICK],
  ['node_disk_flush_requests_total', 'The total number of flush requests completed successfully', 'counter', 1],
  [
    'node_disk_flush_requests_time_seconds_total',
    'This is the total number of seconds spent by all flush requests.',
    'counter',
    SECONDS_PER_TICK,
  ],
];

/** `E:KEY=VALUE` properties of a udev database entry (/run/udev/data/b<major>:<minor>). */
export function parseUdevData(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('E:')) continue;
    const eq = line.indexOf('=');
    if (eq > 2) out.set(line.slice(2, eq), line.slice(eq + 1));
  }
  return out;
}

export interface DiskstatsOptions {
  /** Devices to leave out; default {@link DEFAULT_DISKSTATS_EXCLUDE}. */
  deviceExclude?: RegExp;
  /** If set, only these devices (and deviceExclude is ignored), like --collector.diskstats.device-include. */
  deviceInclude?: RegExp;
  /** udev's database, relative to rootfs; default run/udev/data. */
  udevDataPath?: string;
}

export function diskstatsCollector(options: DiskstatsOptions = {}): Collector {
  const exclude = options.deviceExclude ?? DEFAULT_DISKSTATS_EXCLUDE;
  const include = options.deviceInclude;
  const ignored = (dev: string) => (include ? !include.test(dev) : exclude.test(dev));

  return linuxCollector('diskstats', async (ctx) => {
    const file = procPath(ctx, 'diskstats');
    const lines = parseDiskstats(await readText('diskstats', file, 'kernel without block device statistics'), file);
    const stats = STATS.map(([name, help, type]) => (type === 'counter' ? counter(name, help) : gauge(name, help)));
    const info = gauge('node_disk_info', 'Info of /sys/block/<block_device>.');
    const fsInfo = gauge('node_disk_filesystem_info', 'Info about disk filesystem.');
    const dmInfo = gauge('node_disk_device_mapper_info', 'Info about disk device mapper.');
    const dmBacking = gauge(
      'node_disk_device_mapper_backing_device_info',
      'Info about the underlying block devices of a device mapper device.',
    );
    const ata: Array<[string, FamilyBuilder]> = [
      ['ID_ATA_WRITE_CACHE', gauge('node_disk_ata_write_cache', 'ATA disk has a write cache.')],
      ['ID_ATA_WRITE_CACHE_ENABLED', gauge('node_disk_ata_write_cache_enabled', 'ATA disk has its write cache enabled.')],
      ['ID_ATA_ROTATION_RATE_RPM', gauge('node_disk_ata_rotation_rate_rpm', 'ATA disk rotation rate in RPMs (0 for SSDs).')],
    ];
    const udevDir = rootPath(ctx, options.udevDataPath ?? 'run/udev/data');

    for (const d of lines) {
      const dev = d.device;
      if (ignored(dev)) continue;
      const udev = parseUdevData((await readOptional(path.join(udevDir, `b${d.major}:${d.minor}`))) ?? '');
      const rotational = ((await readOptional(sysPath(ctx, 'block', dev, 'queue/rotational'))) ?? '0').trim() === '1' ? '1' : '0';
      info.add(1, {
        device: dev,
        major: String(d.major),
        minor: String(d.minor),
        path: udev.get('ID_PATH') ?? '',
        wwn: udev.get('ID_WWN') ?? '',
        model: udev.get('ID_MODEL') ?? '',
        // The serial printed on the label, else the short one, else ID_SERIAL (virtio).
        serial: udev.get('SCSI_IDENT_SERIAL') || udev.get('ID_SERIAL_SHORT') || udev.get('ID_SERIAL') || '',
        revision: udev.get('ID_REVISION') ?? '',
        rotational,
      });
      // Only as many fields as this kernel prints (11, 15 or 17 after the name).
      d.stats.slice(0, STATS.length).forEach((v, i) => stats[i].add(v * STATS[i][3], { device: dev }));

      const fsType = udev.get('ID_FS_TYPE');
      if (fsType) {
        fsInfo.add(1, {
          device: dev,
          type: fsType,
          usage: udev.get('ID_FS_USAGE') ?? '',
          uuid: udev.get('ID_FS_UUID') ?? '',
          version: udev.get('ID_FS_VERSION') ?? '',
        });
      }
      const dmName = udev.get('DM_NAME');
      if (dmName) {
        dmInfo.add(1, {
          device: dev,
          name: dmName,
          uuid: udev.get('DM_UUID') ?? '',
          vg_name: udev.get('DM_VG_NAME') ?? '',
          lv_name: udev.get('DM_LV_NAME') ?? '',
          lv_layer: udev.get('DM_LV_LAYER') ?? '',
        });
        for (const backing of ((await listOptional(sysPath(ctx, 'block', dev, 'slaves'))) ?? []).sort()) {
          dmBacking.add(1, { device: dev, backing_device: backing });
        }
      }
      if (udev.get('ID_ATA')) {
        for (const [prop, fam] of ata) {
          const raw = udev.get(prop);
          const v = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
          if (!Number.isNaN(v)) fam.add(v, { device: dev });
        }
      }
    }
    return [info, ...stats, fsInfo, dmInfo, dmBacking, ...ata.map(([, f]) => f)];
  });
}
