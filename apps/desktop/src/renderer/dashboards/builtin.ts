// Dashboards that ship with the renderer, over the agent's node_exporter-style metrics
// and the hub's own. Read-only; "Copy" makes an editable user dashboard of one. Their
// ids contain ':' which user dashboard ids cannot (the hub allows [A-Za-z0-9._-]), so
// the two never collide.

import type { Dashboard } from './dashboard.ts';

export const BUILTIN_DASHBOARDS: Dashboard[] = [
  {
    id: 'builtin:fleet',
    title: 'Fleet overview',
    builtIn: true,
    panels: [
      {
        title: 'CPU busy by instance',
        expr: '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m])))',
        unit: 'percent',
      },
      {
        title: 'Memory used by instance',
        expr: '100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)',
        unit: 'percent',
      },
      // The fullest real filesystem per instance: pseudo filesystems report no useful size.
      {
        title: 'Disk used by instance (fullest filesystem)',
        expr: 'max by (instance) (100 * (1 - node_filesystem_avail_bytes{fstype!~"tmpfs|ramfs|overlay|squashfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|ramfs|overlay|squashfs"}))',
        unit: 'percent',
      },
      {
        title: 'Network received by instance',
        expr: 'sum by (instance) (rate(node_network_receive_bytes_total{device!="lo"}[1m]))',
        unit: 'bytes/s',
      },
    ],
  },
  {
    id: 'builtin:hub',
    title: 'Hub health',
    builtIn: true,
    panels: [
      { title: 'Samples ingested per second', expr: 'rate(metrics_hub_ingest_samples_total[1m])' },
      { title: 'Series in the store', expr: 'metrics_hub_store_series' },
      { title: 'Pending ingest batches', expr: 'metrics_hub_ingest_pending_batches' },
      { title: 'Agents up', expr: 'up' },
    ],
  },
];

/** A user dashboard id from a title: the hub's allowed characters, unique enough. */
export function newDashboardId(title: string): string {
  const slug =
    title
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'dashboard';
  return `${slug}-${Date.now().toString(36)}`;
}
