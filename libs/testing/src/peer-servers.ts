// Prometheus and VictoriaMetrics (Debian's packages) as peers of the hub in benchmarks: the
// same data loaded into each, then the same queries over the same HTTP API. Each runs as a
// child process on a free 127.0.0.1 port; its log is kept for the error that names why it
// failed.
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { progress } from './bench-output.ts';
import { benchCacheDir } from './fleet-files.ts';
import { freePort } from './free-port.ts';
import { waitForIdle } from './process-stats.ts';
import { storedSamples } from './query-answers.ts';
import { findProgram } from './system-tools.ts';
import { waitFor } from './wait-for.ts';

export interface PeerServer {
  name: string;
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number;
  /** The last few kilobytes of its output. */
  log(): string;
  stop(): Promise<void>;
}

/** The peers a benchmark can run here: each one whose program is installed. */
export function installedPeers(): { prometheus: boolean; victoriaMetrics: boolean } {
  return {
    prometheus: findProgram('prometheus') !== undefined && findProgram('promtool') !== undefined,
    victoriaMetrics: findProgram('victoria-metrics') !== undefined,
  };
}

/** Prometheus serving the blocks in `dataDir` (kept 100 years: the data is older than now), no scrapes. */
export async function startPrometheus(dataDir: string): Promise<PeerServer> {
  const port = await freePort();
  return startServer('prometheus', 'prometheus', port, '/-/ready', [
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100y',
    '--config.file=/dev/null',
    '--log.level=warn',
  ]);
}

/** VictoriaMetrics (single node) on `dataDir`, keeping 100 years. */
export async function startVictoriaMetrics(dataDir: string): Promise<PeerServer> {
  const port = await freePort();
  return startServer('VictoriaMetrics', 'victoria-metrics', port, '/health', [
    `-storageDataPath=${dataDir}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-retentionPeriod=100y',
    '-loggerLevel=WARN',
  ]);
}

/**
 * Prometheus blocks of an OpenMetrics file, as a Prometheus holding that data would have
 * them: `promtool tsdb create-blocks-from openmetrics` writes 2 h blocks, then a
 * Prometheus started on them compacts them (a minute after start, as it does) and is
 * stopped once idle, so that no compaction runs later while queries are timed. Kept in
 * `cacheDir` beside the file; start servers on a copy (they write into their folder).
 */
export async function prometheusBlocks(openMetricsFile: string, cacheDir = benchCacheDir()): Promise<string> {
  const dir = join(cacheDir, `${basename(openMetricsFile)}.prometheus`);
  if (existsSync(dir)) return dir;
  const work = `${dir}.partial`;
  rmSync(work, { recursive: true, force: true });
  const mb = (statSync(openMetricsFile).size / 1e6).toFixed(0);
  await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '-q', openMetricsFile, work], (s) =>
    progress(`promtool: blocks from ${basename(openMetricsFile)} (${mb} MB), ${s} s`),
  );
  const prom = await startPrometheus(work);
  try {
    const started = Date.now();
    await waitFor(
      async () => {
        progress(
          `prometheus: compacting the new blocks as it does a minute after start (once; then cached), ${((Date.now() - started) / 1000).toFixed(0)} s`,
        );
        const metrics = await (await fetch(`${prom.url}/metrics`)).text();
        return Number(/^prometheus_tsdb_compactions_triggered_total (\S+)$/m.exec(metrics)?.[1] ?? 0) > 0;
      },
      'prometheus to start its first compaction',
      { timeoutMs: 180_000, intervalMs: 1000 },
    );
    await waitForIdle(prom.pid, {
      timeoutMs: 600_000,
      onBusy: (cores, ms) =>
        progress(`prometheus: compacting (${cores.toFixed(1)} cores), ${((Date.now() - started + ms) / 1000).toFixed(0)} s`),
    });
  } finally {
    await prom.stop();
    progress('');
  }
  renameSync(work, dir);
  return dir;
}

/**
 * Loads a Prometheus text file (timestamps in ms) into VictoriaMetrics through its import
 * API, makes it searchable (`/internal/force_flush`) and waits until queries see all its
 * series and samples, which lie in [startMs, endMs]. Resolves with the seconds from the
 * first byte sent to then.
 */
export async function importIntoVictoriaMetrics(
  vm: PeerServer,
  file: string,
  expected: { series: number; samples: number; startMs: number; endMs: number },
): Promise<number> {
  const total = statSync(file).size;
  let sent = 0;
  const t0 = performance.now();
  const body = (async function* () {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      sent += (chunk as Buffer).length;
      progress(`VictoriaMetrics: importing, ${((100 * sent) / total).toFixed(0)}% of ${(total / 1e6).toFixed(0)} MB sent`);
      yield chunk as Buffer;
    }
  })();
  const res = await fetch(`${vm.url}/api/v1/import/prometheus`, { method: 'POST', body: body as never, duplex: 'half' } as RequestInit);
  if (!res.ok) throw new Error(`VictoriaMetrics refused the import of ${file}: HTTP ${res.status} ${await res.text()}`);
  let seen = { series: 0, samples: 0 };
  await waitFor(
    async () => {
      await fetch(`${vm.url}/internal/force_flush`);
      seen = await storedSamples(vm.url, expected.startMs, expected.endMs);
      progress(`VictoriaMetrics: ${seen.series} of ${expected.series} series, ${seen.samples} of ${expected.samples} samples searchable`);
      return seen.series >= expected.series && seen.samples >= expected.samples;
    },
    () =>
      `VictoriaMetrics to show all ${expected.series} series and ${expected.samples} samples (it shows ${seen.series} and ${seen.samples}); its log: ${vm.log().slice(-500)}`,
    { timeoutMs: 300_000, intervalMs: 500 },
  );
  progress('');
  return (performance.now() - t0) / 1000;
}

async function startServer(name: string, program: string, port: number, readyPath: string, args: string[]): Promise<PeerServer> {
  const path = findProgram(program);
  if (!path)
    throw new Error(`${program} is not installed: install the Debian package (scripts/install-system-deps.sh), or leave ${name} out`);
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-8000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before answering ${url}${readyPath}: ${log.slice(-1000)}`);
      const ready = await fetch(`${url}${readyPath}`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      const waited = Date.now() - started;
      if (waited > 600_000)
        throw new Error(`${name} did not answer ${url}${readyPath} in ${waited / 1000} s; its log: ${log.slice(-1000)}`);
      progress(`${name}: starting, ${(waited / 1000).toFixed(0)} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stopChild(child, exited);
    throw e;
  } finally {
    progress('');
  }
  return { name, url, pid: child.pid!, log: () => log, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}

/** Runs a program to its end, calling `tick` with the seconds so far every second. */
async function run(program: string, args: string[], tick: (seconds: number) => void): Promise<void> {
  const path = findProgram(program);
  if (!path) throw new Error(`${program} is not installed: install the Debian package (scripts/install-system-deps.sh)`);
  const child = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const t0 = Date.now();
  const timer = setInterval(() => tick(Math.round((Date.now() - t0) / 1000)), 1000);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`${program} ${args.join(' ')} exited with ${code}: ${stderr}`);
  } finally {
    clearInterval(timer);
  }
}
