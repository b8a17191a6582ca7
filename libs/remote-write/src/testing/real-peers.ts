// Real remote-write peers for tests: Debian's VictoriaMetrics (receives remote write, answers
// PromQL and /api/v1/export) and Prometheus (scrapes, then remote-writes). Each runs in a
// fresh temp folder on a free 127.0.0.1 port and is killed afterwards. Under CI=true a
// missing binary is a failure (scripts/install-system-deps.sh installs both); elsewhere the
// tests that need it are skipped.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, systemTool } from '@metrics-hub/testing';

export const VICTORIA_METRICS = '/usr/bin/victoria-metrics';
export const PROMETHEUS = '/usr/bin/prometheus';

/** True when VictoriaMetrics is installed; under CI=true a missing one throws. */
export function victoriaMetricsAvailable(): boolean {
  return systemTool(VICTORIA_METRICS, 'victoria-metrics', 'the remote-write tests against VictoriaMetrics') !== undefined;
}

/** True when Prometheus is installed; under CI=true a missing one throws. */
export function prometheusAvailable(): boolean {
  return systemTool(PROMETHEUS, 'prometheus', 'the remote-write tests against Prometheus') !== undefined;
}

interface Daemon {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

async function startDaemon(
  binary: string,
  args: (dir: string, port: number) => string[],
  ready: string,
  prefix: string,
  fixedPort?: number,
): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const port = fixedPort ?? (await freePort());
  let out = '';
  const child: ChildProcess = spawn(binary, args(dir, port), { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  child.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${binary} exited at start: ${out}`);
    }
    const ok = await fetch(`${url}${ready}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) {
      await stop();
      throw new Error(`${binary} did not become ready on ${url}: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop, output: () => out };
}

export interface ExportedSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export interface VictoriaMetrics extends Daemon {
  writeUrl: string;
  /** Makes just-written samples searchable (VictoriaMetrics buffers them for about a second). */
  flush(): Promise<void>;
  /** /api/v1/export for a series selector, one entry per series. */
  exportSeries(match: string): Promise<ExportedSeries[]>;
  query(promql: string, timeSeconds?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
}

/** VictoriaMetrics on a free port (or `port`, to come up where a sender already points). */
export async function startVictoriaMetrics(port?: number): Promise<VictoriaMetrics> {
  const d = await startDaemon(
    VICTORIA_METRICS,
    (dir, port) => [
      `-storageDataPath=${dir}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      '-retentionPeriod=100y',
      '-search.latencyOffset=0s',
      '-search.disableCache',
      '-loggerLevel=ERROR',
    ],
    '/health',
    'vm-test-',
    port,
  );
  return {
    ...d,
    writeUrl: `${d.url}/api/v1/write`,
    flush: async () => {
      await fetch(`${d.url}/internal/force_flush`).then((r) => r.arrayBuffer());
    },
    exportSeries: async (match) => {
      const res = await fetch(`${d.url}/api/v1/export?match[]=${encodeURIComponent(match)}`);
      if (!res.ok) throw new Error(`export: HTTP ${res.status}: ${await res.text()}`);
      return (await res.text())
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ExportedSeries);
    },
    query: async (promql, time) => {
      const res = await fetch(`${d.url}/api/v1/query?query=${encodeURIComponent(promql)}${time === undefined ? '' : `&time=${time}`}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data: { result: { metric: Record<string, string>; value: [number, string] }[] };
      };
      if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error}`);
      return body.data.result;
    },
  };
}

/** Prometheus scraping `targets` every second and remote-writing to `remoteWriteUrl`. */
export async function startPrometheus(o: { targets: string[]; remoteWriteUrl: string; bearerToken?: string }): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'prom-config-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      '  - job_name: tiny',
      '    static_configs:',
      `      - targets: [${o.targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      'remote_write:',
      `  - url: ${JSON.stringify(o.remoteWriteUrl)}`,
      ...(o.bearerToken ? ['    authorization:', `      credentials: ${JSON.stringify(o.bearerToken)}`] : []),
      '    queue_config:',
      '      batch_send_deadline: 500ms',
      '      min_backoff: 50ms',
      '      max_backoff: 500ms',
      '    metadata_config:',
      '      send_interval: 1s',
      '',
    ].join('\n'),
  );
  const d = await startDaemon(
    PROMETHEUS,
    (data, port) => [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    '/-/ready',
    'prom-test-',
  );
  return {
    ...d,
    stop: async () => {
      await d.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
