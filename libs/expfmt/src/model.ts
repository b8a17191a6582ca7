// Metric families as the exposition formats describe them. Shared by the agent's
// collectors, scrapes and push intake, and by the hub (metadata, /metrics, exports).

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'info' | 'stateset' | 'gaugehistogram' | 'unknown';

export interface MetricSample {
  /** The full series name: `node_cpu_seconds_total`, `http_duration_seconds_bucket`. */
  name: string;
  /** Labels without `__name__`. */
  labels: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch, when the exposition gave one. */
  timestampMs?: number;
}

export interface MetricFamily {
  /** The name on `# TYPE` lines of the Prometheus text format (counters keep `_total`). */
  name: string;
  type: MetricType;
  help: string;
  unit: string;
  samples: MetricSample[];
}
