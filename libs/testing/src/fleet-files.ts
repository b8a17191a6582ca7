// The shared fleet as a file, for what reads files rather than arrays: a hub import,
// promtool, VictoriaMetrics' import API. `node ../shared/bench/dataset.mjs` writes it once
// per set of arguments (and version of the generator) into a cache folder, so that a
// rerun of a benchmark starts at once; 50 hosts x 24 h is about 2.6 GB of text.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { progress } from './bench-output.ts';
import { datasetPath } from './fleet-dataset.ts';

export interface FleetFileOptions {
  hosts: number;
  hours: number;
  /** Each timestamp moved by up to this many ms either way, as real scrapes are. */
  jitterMs: number;
  /** OpenMetrics (seconds, `# EOF` last) or Prometheus text with timestamps in ms (`--ms`). */
  format: 'openmetrics' | 'prometheus';
}

export interface FleetFile {
  path: string;
  series: number;
  samples: number;
  bytes: number;
}

/** Where benchmarks keep what they generate: $METRICS_HUB_BENCH_CACHE, else <tmp>/metrics-hub-bench-cache (created). */
export function benchCacheDir(): string {
  const dir = process.env.METRICS_HUB_BENCH_CACHE ?? join(tmpdir(), 'metrics-hub-bench-cache');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The fleet of `o` as a file in `cacheDir`, written now unless an earlier run left it
 * there, with its series and sample counts. Progress (MB written) goes to stderr.
 */
export async function fleetFile(o: FleetFileOptions, cacheDir = benchCacheDir()): Promise<FleetFile> {
  const script = datasetPath();
  // A changed generator makes other data: it gets files of its own.
  const version = createHash('sha256').update(readFileSync(script)).digest('hex').slice(0, 8);
  const name = `fleet-${o.hosts}h-${o.hours}hr-j${o.jitterMs}-${version}.${o.format === 'openmetrics' ? 'om' : 'prom'}`;
  const path = join(cacheDir, name);
  const sidecar = `${path}.json`;
  if (existsSync(path) && existsSync(sidecar)) return { path, ...(JSON.parse(readFileSync(sidecar, 'utf8')) as Omit<FleetFile, 'path'>) };

  const args = [script, '--hosts', String(o.hosts), '--hours', String(o.hours), '--jitter-ms', String(o.jitterMs)];
  const stats = spawnSync(process.execPath, [...args, '--stats'], { encoding: 'utf8' });
  if (stats.status !== 0) throw new Error(`${script} --stats failed: ${stats.stderr.slice(-500)}`);
  const { series, samples } = JSON.parse(stats.stdout) as { series: number; samples: number };

  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  const started = Date.now();
  const ticker = setInterval(() => {
    const mb = statSync(partial).size / 1e6;
    progress(
      `generating ${basename(path)} (${samples.toLocaleString('en')} samples): ${mb.toFixed(0)} MB, ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }, 1000);
  try {
    const child = spawn(process.execPath, [...args, ...(o.format === 'prometheus' ? ['--ms'] : [])], { stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`${script} exited ${code} while writing ${partial}: ${stderr}`);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  } finally {
    clearInterval(ticker);
    closeSync(fd);
    progress('');
  }
  renameSync(partial, path);
  const file = { series, samples, bytes: statSync(path).size };
  writeFileSync(sidecar, JSON.stringify(file));
  return { path, ...file };
}
