// The host view's twelve charts as PromQL over node_exporter's metric names (what our
// agent collects). `s` is the host's selector (job="node",instance="<id>",exported_instance="") and `w` the
// rate window, which the view sizes from the step and the agent's interval.

import type { ChartSpec } from './time-series-chart.ts';

export interface PanelQuery {
  expr: (s: string, w: string) => string;
  /** Legend template: `{{label}}` from the result's labels, or a fixed name. */
  legend: string;
}

export interface Panel extends ChartSpec {
  queries: PanelQuery[];
}

// Pseudo and virtual file systems hide real disks' numbers.
const FS = 'fstype!~"tmpfs|devtmpfs|ramfs|squashfs|overlay|nsfs|proc|sysfs|cgroup2?|autofs|fuse\\\\..*"';
const NIC = 'device!~"lo|veth.*|docker.*|br-.*"';

export const NODE_PANELS: Panel[] = [
  {
    title: 'CPU by mode',
    unit: 'percent',
    yMin: 0,
    queries: [
      {
        expr: (s, w) =>
          `sum by (mode) (rate(node_cpu_seconds_total{${s}}[${w}])) / scalar(count(node_cpu_seconds_total{${s},mode="idle"})) * 100`,
        legend: '{{mode}}',
      },
    ],
  },
  {
    title: 'CPU busy',
    unit: 'percent',
    yMin: 0,
    yMax: 100,
    queries: [{ expr: (s, w) => `100 * (1 - avg(rate(node_cpu_seconds_total{${s},mode="idle"}[${w}])))`, legend: 'busy' }],
  },
  {
    title: 'Load average',
    unit: 'count',
    yMin: 0,
    queries: [
      { expr: (s) => `node_load1{${s}}`, legend: 'load1' },
      { expr: (s) => `node_load5{${s}}`, legend: 'load5' },
      { expr: (s) => `node_load15{${s}}`, legend: 'load15' },
    ],
  },
  {
    title: 'Memory',
    unit: 'bytes',
    yMin: 0,
    queries: [
      { expr: (s) => `node_memory_MemTotal_bytes{${s}} - node_memory_MemAvailable_bytes{${s}}`, legend: 'used' },
      { expr: (s) => `node_memory_MemAvailable_bytes{${s}}`, legend: 'available' },
    ],
  },
  {
    title: 'Swap',
    unit: 'bytes',
    yMin: 0,
    queries: [
      { expr: (s) => `node_memory_SwapTotal_bytes{${s}} - node_memory_SwapFree_bytes{${s}}`, legend: 'used' },
      { expr: (s) => `node_memory_SwapTotal_bytes{${s}}`, legend: 'total' },
    ],
  },
  {
    title: 'Disk I/O',
    unit: 'bytes/s',
    yMin: 0,
    queries: [
      { expr: (s, w) => `sum(rate(node_disk_read_bytes_total{${s}}[${w}]))`, legend: 'read' },
      { expr: (s, w) => `sum(rate(node_disk_written_bytes_total{${s}}[${w}]))`, legend: 'written' },
    ],
  },
  {
    title: 'Disk space used',
    unit: 'percent',
    yMin: 0,
    yMax: 100,
    queries: [
      {
        expr: (s) => `100 * (1 - node_filesystem_avail_bytes{${s},${FS}} / node_filesystem_size_bytes{${s},${FS}})`,
        legend: '{{mountpoint}}',
      },
    ],
  },
  {
    title: 'Filesystem free',
    unit: 'bytes',
    yMin: 0,
    queries: [{ expr: (s) => `node_filesystem_avail_bytes{${s},${FS}}`, legend: '{{mountpoint}}' }],
  },
  {
    title: 'Network traffic',
    unit: 'bytes/s',
    yMin: 0,
    queries: [
      { expr: (s, w) => `sum(rate(node_network_receive_bytes_total{${s},${NIC}}[${w}]))`, legend: 'received' },
      { expr: (s, w) => `sum(rate(node_network_transmit_bytes_total{${s},${NIC}}[${w}]))`, legend: 'sent' },
    ],
  },
  {
    title: 'Network errors and drops',
    unit: 'per-second',
    yMin: 0,
    queries: [
      { expr: (s, w) => `sum(rate(node_network_receive_errs_total{${s}}[${w}]))`, legend: 'rx errors' },
      { expr: (s, w) => `sum(rate(node_network_transmit_errs_total{${s}}[${w}]))`, legend: 'tx errors' },
      { expr: (s, w) => `sum(rate(node_network_receive_drop_total{${s}}[${w}]))`, legend: 'rx drops' },
      { expr: (s, w) => `sum(rate(node_network_transmit_drop_total{${s}}[${w}]))`, legend: 'tx drops' },
    ],
  },
  {
    title: 'Context switches and interrupts',
    unit: 'per-second',
    yMin: 0,
    queries: [
      { expr: (s, w) => `rate(node_context_switches_total{${s}}[${w}])`, legend: 'context switches' },
      { expr: (s, w) => `rate(node_intr_total{${s}}[${w}])`, legend: 'interrupts' },
    ],
  },
  {
    title: 'Processes',
    unit: 'count',
    yMin: 0,
    queries: [
      { expr: (s) => `node_procs_running{${s}}`, legend: 'running' },
      { expr: (s) => `node_procs_blocked{${s}}`, legend: 'blocked' },
    ],
  },
];

/**
 * The selector of one agent's own node series, with the id escaped for PromQL: not the
 * series the hub moved aside under it (exported_instance: a scrape target's, or a forgery).
 */
export function hostSelector(agentId: string): string {
  return `job="node",instance="${agentId.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}",exported_instance=""`;
}

/**
 * A rate window like Grafana's $__rate_interval: at least four scrapes and at least one
 * step; from 1 m steps on, whole steps, so the engine can read its rollups.
 */
export function rateWindow(stepMs: number, intervalMs: number): string {
  const min = Math.max(4 * intervalMs, stepMs);
  const ms = stepMs >= 60_000 ? Math.ceil(min / stepMs) * stepMs : min;
  return `${Math.round(ms / 1000)}s`;
}
