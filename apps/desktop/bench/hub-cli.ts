// The hub as a user runs it, for benchmarks: `hub serve --config hub.yaml` in a process of
// its own (node with tsx, as `npm start` runs the sources) and `hub import FILE` against it.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort, progress } from '@metrics-hub/testing';
import { HUB_NODE_FLAGS } from '../src/main/hub-launch.ts';

const CLI = fileURLToPath(new URL('../src/headless/cli.ts', import.meta.url));

export interface HubServe {
  /** http://127.0.0.1:<port> */
  http: string;
  pid: number;
  config: string;
  /** The last lines of its log (stderr). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Writes `<dir>/hub.yaml` (data in `dir/data`, HTTP on a free port so that `hub import`
 * finds it by the same file, no local agent, `extra` lines appended) and runs `hub serve`
 * on it until it prints its HTTP address.
 */
export async function startHubServe(dir: string, extra: readonly string[] = []): Promise<HubServe> {
  const config = join(dir, 'hub.yaml');
  const port = await freePort();
  writeFileSync(
    config,
    [
      'hub:',
      `  data_dir: ${join(dir, 'data')}`,
      'broker:',
      '  listen: 127.0.0.1:0',
      'http:',
      `  listen: 127.0.0.1:${port}`,
      'local_agent:',
      '  enabled: false',
      ...extra,
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [...HUB_NODE_FLAGS, '--import', 'tsx', CLI, 'serve', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d) => (log = (log + d).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  progress('hub serve: starting');
  const http = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub serve did not start in 60 s: ${log}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /HTTP API\s+(http:\/\/\S+?)\/api/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`hub serve exited with ${code} before serving: ${log}`)));
  });
  progress('');
  return { http, pid: child.pid!, config, log: () => log, stop: () => stop(child, exited) };
}

export interface HubImport {
  seconds: number;
  samples: number;
  series: number;
  /** What the command printed. */
  output: string;
}

/**
 * `hub import FILE` (all or nothing) against the hub of `config`, timed from start to exit.
 * Anything the command reports refused fails the benchmark, since the data compared must
 * be the same everywhere.
 */
export async function hubImport(config: string, file: string): Promise<HubImport> {
  const t0 = performance.now();
  const { code, output } = await hubCommand(['import', file, '--config', config], 'hub import', t0);
  const seconds = (performance.now() - t0) / 1000;
  const m = /^imported: (\d+) samples in (\d+) series\s*$/.exec(output.trim());
  if (code !== 0 || !m) throw new Error(`hub import ${file} did not store everything (exit ${code}):\n${output}`);
  return { seconds, samples: Number(m[1]), series: Number(m[2]), output };
}

/** `hub export --format <format>` of every series in [startMs, endMs] into `out`; seconds from start to exit. */
export async function hubExport(
  config: string,
  out: string,
  startMs: number,
  endMs: number,
  format: 'openmetrics' | 'mhb-json' = 'openmetrics',
): Promise<number> {
  const t0 = performance.now();
  const args = [
    'export',
    '--format',
    format,
    '--selector',
    '{__name__=~".+"}',
    '--start',
    String(startMs / 1000),
    '--end',
    String(endMs / 1000),
  ];
  const { code, output } = await hubCommand([...args, '--out', out, '--config', config], 'hub export', t0);
  if (code !== 0) throw new Error(`hub export failed (exit ${code}):\n${output}`);
  return (performance.now() - t0) / 1000;
}

/** Runs a hub command to its end; on a terminal it shows its own progress, else a ticker does. */
async function hubCommand(args: string[], what: string, t0: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', process.stderr.isTTY ? 'inherit' : 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const ticker = process.stderr.isTTY
    ? undefined
    : setInterval(() => progress(`${what}: ${((performance.now() - t0) / 1000).toFixed(0)} s`), 1000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(ticker);
  progress('');
  return { code, output };
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}
