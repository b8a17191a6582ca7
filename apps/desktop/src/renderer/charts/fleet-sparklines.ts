// The fleet's four sparkline metrics over the last 15 minutes: one range query per
// metric for all agents, grouped by instance, so a fleet of a hundred hosts still costs
// four requests per refresh.

import type { HubApi } from '../api/hub-api.ts';
import type { Unit } from './format.ts';

export const SPARK_SPAN_MS = 15 * 60_000;
export const SPARK_STEP_MS = 15_000;

const FS = 'fstype!~"tmpfs|devtmpfs|ramfs|squashfs|overlay|nsfs|proc|sysfs|cgroup2?|autofs|fuse\\\\..*"';

export interface SparkMetric {
  key: 'cpu' | 'mem' | 'disk' | 'net';
  title: string;
  unit: Unit;
  max?: number;
  expr: string;
}

/**
 * The agent's own host series: job="node", and no instance it sent moved aside by the hub
 * (a scrape target's, or one naming another host: see the hub's ingest/agent-identity.ts).
 */
const OWN = 'job="node",exported_instance=""';

export const SPARK_METRICS: SparkMetric[] = [
  {
    key: 'cpu',
    title: 'CPU',
    unit: 'percent',
    max: 100,
    expr: `100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{${OWN},mode="idle"}[1m])))`,
  },
  {
    key: 'mem',
    title: 'Memory',
    unit: 'percent',
    max: 100,
    expr: `100 * (1 - max by (instance) (node_memory_MemAvailable_bytes{${OWN}}) / max by (instance) (node_memory_MemTotal_bytes{${OWN}}))`,
  },
  {
    key: 'disk',
    title: 'Disk',
    unit: 'percent',
    max: 100,
    expr: `max by (instance) (100 * (1 - node_filesystem_avail_bytes{${OWN},${FS}} / node_filesystem_size_bytes{${OWN},${FS}}))`,
  },
  {
    key: 'net',
    title: 'Network',
    unit: 'bytes/s',
    expr: `sum by (instance) (rate(node_network_receive_bytes_total{${OWN},device!="lo"}[1m])) + sum by (instance) (rate(node_network_transmit_bytes_total{${OWN},device!="lo"}[1m]))`,
  },
];

/** Per metric key, per instance: values on the 15-minute grid (null where missing). */
export type SparkData = Record<SparkMetric['key'], Map<string, (number | null)[]>>;

export async function fetchSparklines(api: HubApi, nowMs: number): Promise<SparkData> {
  // Ends now (whole seconds), not on a 20 s boundary: a new agent's first minute shows.
  const end = Math.floor(nowMs / 1000) * 1000;
  const start = end - SPARK_SPAN_MS;
  const n = SPARK_SPAN_MS / SPARK_STEP_MS + 1;
  const out = {} as SparkData;
  await Promise.all(
    SPARK_METRICS.map(async (m) => {
      const byInstance = new Map<string, (number | null)[]>();
      out[m.key] = byInstance;
      const res = await api.queryRange(m.expr, start, end, SPARK_STEP_MS);
      if (res.data.resultType !== 'matrix') return;
      for (const s of res.data.result) {
        const col = new Array<number | null>(n).fill(null);
        for (const [t, v] of s.values) {
          const i = Math.round((t * 1000 - start) / SPARK_STEP_MS);
          if (i >= 0 && i < n) col[i] = Number(v);
        }
        byInstance.set(s.metric.instance ?? '', col);
      }
    }),
  );
  return out;
}
