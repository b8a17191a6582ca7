// Debian's mosquitto as a child process for tests of the agent, the hub and across them:
// a user name and password required, on 127.0.0.1 only, persistence on (queued QoS 1
// messages survive a restart, as in production).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificates, type TestCertificates } from './certificates.ts';
import { freePort } from './free-port.ts';
import { systemTool } from './system-tools.ts';
import { waitFor } from './wait-for.ts';

export interface TestBroker {
  url: string;
  port: number;
  protocolVersion: 4 | 5;
  /** Stops the broker (clients see the connection drop). */
  stop(): Promise<void>;
  /** Starts it again on the same port (mosquitto keeps its persisted sessions). */
  restart(): Promise<void>;
}

const MOSQUITTO = '/usr/sbin/mosquitto';

/** True when Debian's mosquitto is installed; under CI=true a missing one is a failure. */
export function mosquittoAvailable(): boolean {
  return systemTool(MOSQUITTO, 'mosquitto', 'the mosquitto broker tests') !== undefined;
}

export async function startMosquitto(
  users: Record<string, string>,
  options: { tls?: boolean; requireClientCertificate?: boolean; extraConfig?: string[] } = {},
): Promise<TestBroker & { dir: string; certificates?: TestCertificates; pid: () => number | undefined }> {
  const dir = mkdtempSync(join(tmpdir(), 'mosquitto-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, '');
  for (const [user, pass] of Object.entries(users)) {
    const r = spawnSync('mosquitto_passwd', ['-b', passwd, user, pass]);
    if (r.status !== 0) throw new Error(`mosquitto_passwd failed: ${r.stderr}`);
  }
  chmodSync(passwd, 0o644);
  const conf = join(dir, 'mosquitto.conf');
  const certificates = options.tls ? makeCertificates(dir) : undefined;
  const tlsLines = certificates
    ? [
        `cafile ${certificates.ca}`,
        `certfile ${certificates.serverCert}`,
        `keyfile ${certificates.serverKey}`,
        `require_certificate ${options.requireClientCertificate ? 'true' : 'false'}`,
      ]
    : [];
  writeFileSync(
    conf,
    `${[`listener ${port} 127.0.0.1`, ...tlsLines, 'allow_anonymous false', `password_file ${passwd}`, 'persistence true', `persistence_location ${dir}/`, 'autosave_interval 1', 'log_dest none', ...(options.extraConfig ?? [])].join('\n')}\n`,
  );
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
    await waitFor(() => canConnect(port), `mosquitto to listen on 127.0.0.1:${port}`, { timeoutMs: 5000, intervalMs: 50 });
  };
  await start();
  return {
    url: `${certificates ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    protocolVersion: 5,
    dir,
    certificates,
    pid: () => child?.pid,
    stop: async () => {
      const c = child!;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
      });
    },
    restart: start,
  };
}

export function removeMosquittoDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.connect(port, '127.0.0.1');
  });
}
