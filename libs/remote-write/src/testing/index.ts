// Test helpers shared with other packages (@metrics-hub/remote-write/testing): real peers
// (VictoriaMetrics, Prometheus), a recording receiver, polling.
export { freePort, prometheusAvailable, startPrometheus, startVictoriaMetrics, victoriaMetricsAvailable, PROMETHEUS, VICTORIA_METRICS, type ExportedSeries, type VictoriaMetrics } from './real-peers.ts';
export { startRecordingEndpoint, waitFor, type Answer, type ReceivedRequest, type RecordingEndpoint } from './recording-endpoint.ts';
