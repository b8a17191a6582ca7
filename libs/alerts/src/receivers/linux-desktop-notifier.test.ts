import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegration } from './create-integration.ts';
import { LinuxDesktopNotifier } from './linux-desktop-notifier.ts';
import { firingNotification, resolvedNotification, rejection } from './testing/fixtures.ts';
import {
  notificationDaemonAvailable,
  notifySendAvailable,
  startNotificationDaemon,
  startSessionBus,
  type NotificationDaemon,
} from './testing/notification-daemon.ts';

describe.runIf(notificationDaemonAvailable())('LinuxDesktopNotifier with a real notification server (dunst under Xvfb)', () => {
  let daemon: NotificationDaemon;
  beforeAll(async () => {
    daemon = await startNotificationDaemon();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('delivers the firing notification, then replaces it with the resolved one', async () => {
    const desktop = new LinuxDesktopNotifier({ env: daemon.env });
    const integration = createIntegration('desktop', {}, { desktop });
    await integration.send(firingNotification());
    const [firing] = await daemon.waitFor(1);
    expect(firing).toMatchObject({
      appName: 'metrics-hub',
      summary: '[FIRING] HostDown (2)',
      // The body travels as markup: our plain text arrives escaped.
      body: 'web-1:9100: web-1 is down\nweb-2:9100: web-2 is down &lt;since boot&gt;',
      urgency: 'CRITICAL',
    });
    expect(firing.id).toBeGreaterThan(0);

    await integration.send(resolvedNotification());
    const [, resolved] = await daemon.waitFor(2);
    expect(resolved).toEqual({
      appName: 'metrics-hub',
      summary: '[RESOLVED] HostDown (1)',
      body: 'web-1:9100: web-1 is down',
      urgency: 'LOW',
      id: firing.id,
    });
  });

  it('keeps different groups apart and passes titles that look like options', async () => {
    const desktop = new LinuxDesktopNotifier({ env: daemon.env, appName: 'hub-test' });
    const before = daemon.captured().length;
    await desktop.notify({ title: '-x not an option', body: 'a & b', urgency: 'normal', id: 'group-a' });
    await desktop.notify({ title: 'second group', body: '', urgency: 'low', id: 'group-b' });
    const got = (await daemon.waitFor(before + 2)).slice(before);
    expect(got.map(({ appName, summary, body, urgency }) => ({ appName, summary, body, urgency }))).toEqual([
      { appName: 'hub-test', summary: '-x not an option', body: 'a &amp; b', urgency: 'NORMAL' },
      { appName: 'hub-test', summary: 'second group', body: '', urgency: 'LOW' },
    ]);
    expect(got[0].id).not.toBe(got[1].id);
  });
});

describe.runIf(notificationDaemonAvailable())('LinuxDesktopNotifier without a notification server', () => {
  it('says that nothing owns org.freedesktop.Notifications on the bus', async () => {
    const bus = await startSessionBus();
    try {
      const desktop = new LinuxDesktopNotifier({ env: { PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: bus.address } });
      const err = await rejection(desktop.notify({ title: 't', body: 'b', urgency: 'normal' }));
      expect(err.code).toBe('no_notification_server');
      expect(err.message).toMatch(
        /^desktop: no notification server on the D-Bus session bus \(nothing owns org\.freedesktop\.Notifications\): run a notification daemon such as dunst/,
      );
      expect(err.response).toContain('org.freedesktop.DBus.Error.ServiceUnknown');
    } finally {
      await bus.stop();
    }
  });
});

describe.runIf(notifySendAvailable())('LinuxDesktopNotifier without a session bus', () => {
  it('says that there is no session bus when DBUS_SESSION_BUS_ADDRESS is unset', async () => {
    const desktop = new LinuxDesktopNotifier({ env: { PATH: process.env.PATH, XDG_RUNTIME_DIR: '/nonexistent' } });
    const err = await rejection(desktop.notify({ title: 't', body: 'b', urgency: 'normal' }));
    expect(err.code).toBe('no_session_bus');
    expect(err.message).toMatch(
      /^desktop: no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set; run the hub inside the desktop session/,
    );
  });

  it('says which address cannot be reached', async () => {
    const desktop = new LinuxDesktopNotifier({ env: { PATH: process.env.PATH, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' } });
    const err = await rejection(desktop.notify({ title: 't', body: 'b', urgency: 'normal' }));
    expect(err.code).toBe('no_session_bus');
    expect(err.message).toContain('DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus cannot be reached');
  });
});

describe('LinuxDesktopNotifier failures of the helper itself', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fake-notify-send-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function script(name: string, body: string): string {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  it('names the package to install when notify-send is missing', async () => {
    const err = await rejection(
      new LinuxDesktopNotifier({ command: join(dir, 'no-such-notify-send') }).notify({ title: 't', body: 'b', urgency: 'low' }),
    );
    expect(err.code).toBe('not_installed');
    expect(err.message).toBe(
      `desktop: ${join(dir, 'no-such-notify-send')} not found: install libnotify-bin (Debian: apt-get install libnotify-bin)`,
    );
  });

  it('kills a helper that hangs and reports the timeout', async () => {
    const hang = script('hang', 'exec sleep 30');
    const started = Date.now();
    const err = await rejection(
      new LinuxDesktopNotifier({ command: hang, timeoutMs: 300 }).notify({ title: 't', body: 'b', urgency: 'low' }),
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err.code).toBe('timeout');
    expect(err.message).toBe(`desktop: ${hang} got no answer from the notification server within 300ms (timeout)`);
  });

  it('passes on any other failure with its exit code and output', async () => {
    const broken = script('broken', 'echo "something odd" >&2; exit 3');
    const err = await rejection(new LinuxDesktopNotifier({ command: broken }).notify({ title: 't', body: 'b', urgency: 'low' }));
    expect(err.code).toBe('command_failed');
    expect(err.message).toBe(`desktop: ${broken} exited with code 3: something odd`);
  });

  it('passes the notice as notify-send arguments and replaces by the id it printed', async () => {
    const log = join(dir, 'args.log');
    const fake = script('fake', `for a in "$@"; do printf '%s|' "$a" >> ${log}; done; echo >> ${log}; echo 42`);
    const desktop = new LinuxDesktopNotifier({ command: fake, icon: 'dialog-warning', expireMs: 10000 });
    await desktop.notify({ title: 'T', body: '<b>', urgency: 'critical', id: 'g' });
    await desktop.notify({ title: 'T2', body: 'x', urgency: 'low', id: 'g' });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toEqual([
      '--print-id|--app-name=metrics-hub|--urgency=critical|--icon=dialog-warning|--expire-time=10000|--|T|&lt;b&gt;|',
      '--print-id|--app-name=metrics-hub|--urgency=low|--icon=dialog-warning|--expire-time=10000|--replace-id=42|--|T2|x|',
    ]);
  });
});
