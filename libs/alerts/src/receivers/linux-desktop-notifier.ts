// Desktop notifications on Linux without Electron: `notify-send` (libnotify-bin) calls
// org.freedesktop.Notifications.Notify on the session bus, the same path Electron takes.
// A child process rather than a D-Bus library: no native module, and its failures (no bus,
// no notification server) come back as messages we can turn into advice.

import { spawn } from 'node:child_process';
import { formatPromDuration as formatDuration } from '@metrics-hub/promql';
import type { DesktopNotice, DesktopNotifier } from './desktop-notifier.ts';
import { DeliveryError, excerpt } from './errors.ts';

export interface LinuxDesktopNotifierOptions {
  /** Default `notify-send`, found on PATH. */
  command?: string;
  /** Shown by the notification server as the sender; default `metrics-hub`. */
  appName?: string;
  /** Icon name or file. */
  icon?: string;
  /** How long the server shows it (ms); default: the server decides. */
  expireMs?: number;
  /** Kill notify-send after this long (a hung bus must not hang the notifier); default 5 s. */
  timeoutMs?: number;
  /** Environment of notify-send (DBUS_SESSION_BUS_ADDRESS, DISPLAY); default process.env. */
  env?: NodeJS.ProcessEnv;
}

const KIND = 'desktop';
/** Remembered server ids, so a group's next notification replaces its last one. */
const MAX_REMEMBERED = 500;

export class LinuxDesktopNotifier implements DesktopNotifier {
  private readonly serverIds = new Map<string, number>();
  private readonly command: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: LinuxDesktopNotifierOptions = {}) {
    this.command = options.command ?? 'notify-send';
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  async notify(notice: DesktopNotice): Promise<void> {
    const args = ['--print-id', `--app-name=${this.options.appName ?? 'metrics-hub'}`, `--urgency=${notice.urgency}`];
    if (this.options.icon) args.push(`--icon=${this.options.icon}`);
    if (this.options.expireMs !== undefined) args.push(`--expire-time=${this.options.expireMs}`);
    const previous = notice.id === undefined ? undefined : this.serverIds.get(notice.id);
    if (previous !== undefined) args.push(`--replace-id=${previous}`);
    // `--` so that a title starting with "-" is not read as an option.
    args.push('--', notice.title, escapeMarkup(notice.body));

    const stdout = await this.run(args);
    const id = Number.parseInt(stdout.trim(), 10);
    if (notice.id !== undefined && Number.isSafeInteger(id) && id > 0) this.remember(notice.id, id);
  }

  private remember(key: string, id: number): void {
    this.serverIds.delete(key);
    this.serverIds.set(key, id);
    if (this.serverIds.size > MAX_REMEMBERED) this.serverIds.delete(this.serverIds.keys().next().value!);
  }

  private run(args: string[]): Promise<string> {
    const env = this.options.env ?? process.env;
    return new Promise((resolve, reject) => {
      const child = spawn(this.command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, this.timeoutMs);
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (err.code === 'ENOENT') {
          reject(
            new DeliveryError(
              KIND,
              'not_installed',
              `${this.command} not found: install libnotify-bin (Debian: apt-get install libnotify-bin)`,
              { retryable: false, cause: err },
            ),
          );
        } else
          reject(new DeliveryError(KIND, 'command_failed', `cannot run ${this.command}: ${err.message}`, { retryable: true, cause: err }));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) {
          reject(
            new DeliveryError(
              KIND,
              'timeout',
              `${this.command} got no answer from the notification server within ${formatDuration(this.timeoutMs)} (timeout)`,
              {
                retryable: true,
                ...(stderr ? { response: excerpt(stderr) } : {}),
              },
            ),
          );
        } else if (code === 0) resolve(stdout);
        else reject(explainFailure(this.command, env, stderr, code, signal));
      });
    });
  }
}

/** Turns GLib/D-Bus error text into what to do about it. */
export function explainFailure(
  command: string,
  env: NodeJS.ProcessEnv,
  stderr: string,
  code: number | null,
  signal: NodeJS.Signals | null,
): DeliveryError {
  const said = excerpt(stderr);
  const options = { retryable: true, ...(said ? { response: said } : {}) };
  if (/ServiceUnknown|was not provided by any \.service files|NameHasNoOwner|StartServiceByName/.test(stderr)) {
    return new DeliveryError(
      KIND,
      'no_notification_server',
      `no notification server on the D-Bus session bus (nothing owns org.freedesktop.Notifications): run a notification daemon such as dunst, or log in to a desktop session (${said})`,
      options,
    );
  }
  if (/autolaunch|Could not connect|Failed to connect|Cannot spawn a message bus|DBUS_SESSION_BUS_ADDRESS/i.test(stderr)) {
    const address = env.DBUS_SESSION_BUS_ADDRESS;
    const where = address ? `DBUS_SESSION_BUS_ADDRESS=${address} cannot be reached` : 'DBUS_SESSION_BUS_ADDRESS is not set';
    return new DeliveryError(
      KIND,
      'no_session_bus',
      `no D-Bus session bus: ${where}; run the hub inside the desktop session of the user who should see the notifications (${said})`,
      options,
    );
  }
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  return new DeliveryError(KIND, 'command_failed', `${command} ${how}${said ? `: ${said}` : ''}`, options);
}

/** Notification bodies may hold markup (the spec's body-markup); ours is plain text. */
function escapeMarkup(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
