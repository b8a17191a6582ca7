// Host metric collectors (Linux /proc and /sys), named like node_exporter's.
export {
  collectAll,
  DEFAULT_HOST_PATHS,
  linuxCollectors,
  type CollectContext,
  type Collector,
  type HostPaths,
  type LinuxCollectorsOptions,
  type StatFs,
} from './collector.ts';
export { cpuCollector, USER_HZ } from './cpu.ts';
export { DEFAULT_DISKSTATS_EXCLUDE, diskstatsCollector, type DiskstatsOptions } from './diskstats.ts';
export {
  DEFAULT_FS_TYPES_EXCLUDE,
  DEFAULT_MOUNT_POINTS_EXCLUDE,
  defaultStatfs,
  filesystemCollector,
  type FilesystemOptions,
} from './filesystem.ts';
export { hwmonCollector } from './hwmon.ts';
export { loadavgCollector } from './loadavg.ts';
export { meminfoCollector } from './meminfo.ts';
export { netdevCollector, type NetdevOptions } from './netdev.ts';
export { pressureCollector } from './pressure.ts';
export { processesCollector } from './processes.ts';
export { statCollector } from './stat.ts';
export { localZone, timeCollector, type ZoneInfo } from './time.ts';
export { DEFAULT_TOP_PROCESSES, topProcessesCollector, type TopProcessesOptions } from './topprocesses.ts';
export { unameCollector } from './uname.ts';
export { DEFAULT_VMSTAT_FIELDS, vmstatCollector } from './vmstat.ts';
