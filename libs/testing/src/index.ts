// @metrics-hub/testing: helpers for tests and benchmarks of every package. A devDependency
// only: production code never imports it. Node-only.
export { makeCertificates, type TestCertificates } from './certificates.ts';
export { parseBenchArgs, printTable, progress } from './bench-output.ts';
export { datasetPath, loadFleet, type Fleet, type FleetSeries } from './fleet-dataset.ts';
export { freePort } from './free-port.ts';
export { fuzz, fuzzRuns, type FuzzLimits, type FuzzReport } from './fuzz.ts';
export { mosquittoAvailable, removeMosquittoDir, startMosquitto, type TestBroker } from './mosquitto.ts';
export { processCpuSeconds, processRssBytes } from './process-stats.ts';
export { findProgram, systemTool, systemTools } from './system-tools.ts';
export { tempDir, type TempDir } from './temp-dir.ts';
export { waitFor, type WaitForOptions } from './wait-for.ts';
