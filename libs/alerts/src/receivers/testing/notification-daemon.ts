// A real freedesktop notification server for tests, as toolchain.md describes: a private
// D-Bus session bus (no service activation, so nothing starts behind our back), Xvfb on a
// display it picks itself, and dunst on it. A dunst rule runs a capture script for every
// notification it shows, which writes what dunst received to a JSON-lines file.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemTool, systemTools, waitFor } from '@metrics-hub/testing';

const TOOLS = {
  Xvfb: 'xvfb',
  dunst: 'dunst',
  'notify-send': 'libnotify-bin',
  'dbus-daemon': 'dbus-daemon',
  'dbus-send': 'dbus-bin',
} as const;

/**
 * True when every tool of the harness is on $PATH. Under CI=true a missing one is a failure
 * (scripts/install-system-deps.sh installs them), so that CI never silently skips these tests.
 */
export function notificationDaemonAvailable(): boolean {
  return systemTools(TOOLS, 'desktop notification tests') !== undefined;
}

/** Just notify-send: enough to test the errors when there is no bus or no server. */
export function notifySendAvailable(): boolean {
  return systemTool('notify-send', TOOLS['notify-send'], 'desktop notification tests') !== undefined;
}

export interface SessionBus {
  address: string;
  dir: string;
  stop(): Promise<void>;
}

/** A private session bus whose config has no service directories: no D-Bus activation. */
export async function startSessionBus(): Promise<SessionBus> {
  const dir = mkdtempSync(join(tmpdir(), 'session-bus-'));
  const config = join(dir, 'session.conf');
  writeFileSync(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${join(dir, 'bus')}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  const child = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const address = (await firstLine(child, 'dbus-daemon', 5000)).trim();
  return {
    address,
    dir,
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CapturedNotification {
  appName: string;
  summary: string;
  body: string;
  /** LOW, NORMAL or CRITICAL, as dunst names them. */
  urgency: string;
  /** The server's notification id (equal for a replacement). */
  id: number;
}

export interface NotificationDaemon {
  /** Environment for notify-send: this bus and this display only. */
  env: NodeJS.ProcessEnv;
  busAddress: string;
  captured(): CapturedNotification[];
  /** Waits until at least `count` notifications were shown. */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedNotification[]>;
  stop(): Promise<void>;
}

export async function startNotificationDaemon(): Promise<NotificationDaemon> {
  const bus = await startSessionBus();
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    for (const c of children.reverse()) await stopChild(c);
    await bus.stop();
  };
  try {
    // -displayfd: Xvfb picks a free display and writes its number to fd 3.
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    children.push(xvfb);
    const display = `:${(await firstLine(xvfb, 'Xvfb', 10_000, 3)).trim()}`;

    const captureFile = join(bus.dir, 'captured.jsonl');
    const script = join(bus.dir, 'capture.mjs');
    writeFileSync(
      script,
      `#!${process.execPath}
import { appendFileSync } from 'node:fs';
const e = process.env;
appendFileSync(${JSON.stringify(captureFile)}, JSON.stringify({ appName: e.DUNST_APP_NAME, summary: e.DUNST_SUMMARY, body: e.DUNST_BODY, urgency: e.DUNST_URGENCY, id: Number(e.DUNST_ID), at: Number(e.DUNST_TIMESTAMP) }) + '\\n');
`,
    );
    chmodSync(script, 0o755);
    const dunstrc = join(bus.dir, 'dunstrc');
    // Timeouts 0: nothing expires while a test looks; the rule matches every notification.
    writeFileSync(
      dunstrc,
      `[global]
    history_length = 50
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
[capture]
    summary = "*"
    script = ${script}
`,
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DISPLAY: display,
      DBUS_SESSION_BUS_ADDRESS: bus.address,
    };
    const dunst = spawn('dunst', ['-config', dunstrc], { env, stdio: 'ignore' });
    children.push(dunst);
    await waitForOwner(bus.address, 'org.freedesktop.Notifications', 10_000, dunst);

    // dunst runs the capture script once per notification, concurrently: the lines land in
    // the order the scripts finish. Its arrival time (DUNST_TIMESTAMP, monotonic) gives the
    // order the notifications were shown in.
    const captured = (): CapturedNotification[] =>
      existsSync(captureFile)
        ? readFileSync(captureFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as CapturedNotification & { at: number })
            .sort((a, b) => a.at - b.at)
            .map(({ at: _at, ...notification }) => notification)
        : [];
    return {
      env,
      busAddress: bus.address,
      captured,
      waitFor: (count, timeoutMs = 5000) =>
        waitFor(
          () => {
            const got = captured();
            return got.length >= count ? got : undefined;
          },
          () => `dunst to show ${count} notifications (it showed ${captured().length})`,
          { timeoutMs, intervalMs: 25 },
        ),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function waitForOwner(address: string, name: string, timeoutMs: number, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = spawnSync(
      'dbus-send',
      [
        `--bus=${address}`,
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        `string:${name}`,
      ],
      { encoding: 'utf8', timeout: 2000 },
    );
    if (/boolean true/.test(r.stdout ?? '')) return;
    if (server.exitCode !== null) throw new Error(`the notification server exited (code ${server.exitCode}) before owning ${name}`);
    if (Date.now() > deadline) throw new Error(`nothing owns ${name} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

function firstLine(child: ChildProcess, what: string, timeoutMs: number, fd = 1): Promise<string> {
  const stream = child.stdio[fd] as NodeJS.ReadableStream | null;
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms`)), timeoutMs);
    stream?.setEncoding('utf8');
    stream?.on('data', (d: string) => {
      text += d;
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text.slice(0, text.indexOf('\n')));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (code ${code}) before it was ready`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${what}: ${err.message}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
