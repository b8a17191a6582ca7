// Test helpers shared with other packages (@metrics-hub/remote-write/testing): real peers
// (VictoriaMetrics, Prometheus) and a recording receiver. Ports, polling and temporary
// folders come from @metrics-hub/testing.
export {
  prometheusAvailable,
  startPrometheus,
  startVictoriaMetrics,
  victoriaMetricsAvailable,
  PROMETHEUS,
  VICTORIA_METRICS,
  type ExportedSeries,
  type VictoriaMetrics,
} from './real-peers.ts';
export { startRecordingEndpoint, type Answer, type ReceivedRequest, type RecordingEndpoint } from './recording-endpoint.ts';
