// @metrics-hub/testing: helpers for tests and benchmarks of every package. A devDependency
// only: production code never imports it. Node-only.
export { makeCertificates, type TestCertificates } from './certificates.ts';
export { median, parseBenchArgs, percentile, printTable, progress } from './bench-output.ts';
export { benchQueries, datasetPath, fleetStartMs, loadFleet, type Fleet, type FleetSeries } from './fleet-dataset.ts';
export { benchCacheDir, fleetFile, type FleetFile, type FleetFileOptions } from './fleet-files.ts';
export { freePort } from './free-port.ts';
export { fuzz, fuzzRuns, type FuzzLimits, type FuzzReport } from './fuzz.ts';
export { mosquittoAvailable, removeMosquittoDir, startMosquitto, type TestBroker } from './mosquitto.ts';
export {
  importIntoVictoriaMetrics,
  installedPeers,
  prometheusBlocks,
  startPrometheus,
  startVictoriaMetrics,
  type PeerServer,
} from './peer-servers.ts';
export {
  processCpuSeconds,
  processRssBytes,
  sampleRss,
  waitForIdle,
  type IdleOptions,
  type RssFigures,
} from './process-stats.ts';
export { compareMatrices, mayTie, storedSamples, type Agreement, type AgreementOptions, type MatrixSeries } from './query-answers.ts';
export { findProgram, systemTool, systemTools } from './system-tools.ts';
export { tempDir, type TempDir } from './temp-dir.ts';
export { waitFor, type WaitForOptions } from './wait-for.ts';
export { seededRandom } from './seeded-random.ts';
