// Shared by the benchmarks: the fleet dataset from ../shared/bench, argument parsing,
// progress on stderr and a plain table on stdout.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface FleetSeries {
  labels: Record<string, string>;
  timestamps: Float64Array;
  values: Float64Array;
}

export interface Fleet {
  series: FleetSeries[];
  steps: number;
  samples: number;
  end: number;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** ../shared/bench/dataset.mjs next to the checkout (or $METRICS_HUB_SHARED). */
export function datasetPath(): string {
  const shared = process.env.METRICS_HUB_SHARED ?? join(root, '..', 'shared');
  const file = join(shared, 'bench', 'dataset.mjs');
  if (!existsSync(file)) {
    throw new Error(`benchmark dataset not found at ${file}: put the shared/ folder beside the checkout or set METRICS_HUB_SHARED`);
  }
  return file;
}

export async function loadFleet(hosts: number, hours: number): Promise<Fleet> {
  const { fleetSeries } = (await import(pathToFileURL(datasetPath()).href)) as {
    fleetSeries: (o: { hosts: number; hours: number }) => Iterable<FleetSeries>;
  };
  progress(`generating ${hosts} hosts x ${hours} h`);
  const series = [...fleetSeries({ hosts, hours })];
  const steps = series[0].timestamps.length;
  let end = -Infinity;
  for (const s of series) end = Math.max(end, s.timestamps[steps - 1]);
  progress('');
  return { series, steps, samples: series.length * steps, end };
}

export function parseBenchArgs<T extends Record<string, number>>(argv: string[], defaults: T): T & { dir?: string } {
  const out: Record<string, number | string> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const value = argv[++i];
    if (value === undefined) throw new Error(`${argv[i - 1]} needs a value`);
    if (!(key in defaults) && key !== 'dir') throw new Error(`unknown option ${argv[i - 1]}: use ${Object.keys(defaults).map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} or --dir`);
    out[key] = key === 'dir' ? value : Number(value);
    if (key !== 'dir' && !Number.isFinite(out[key])) throw new Error(`--${key} needs a number, got ${value}`);
  }
  return out as T & { dir?: string };
}

let lastProgress = 0;
export function progress(text: string): void {
  if (!process.stderr.isTTY) {
    if (text && Date.now() - lastProgress > 5000) {
      process.stderr.write(`${text}\n`);
      lastProgress = Date.now();
    }
    return;
  }
  process.stderr.write(`\r\x1b[K${text}`);
}

export function printTable(title: string, rows: [string, string][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for brokers and servers in tests and benchmarks). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (USER_HZ = 100). */
export function processCpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** A process's resident set, in bytes (0 once it is gone). */
export function processRssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
