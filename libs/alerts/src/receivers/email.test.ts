import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates } from '@metrics-hub/testing';
import { createIntegration } from './create-integration.ts';
import { firingNotification, resolvedNotification, standInRenderer, rejection } from './testing/fixtures.ts';
import { smtpReply, startSmtp, type SmtpRecorder } from './testing/smtp-recorder.ts';

const NOW = Date.UTC(2026, 0, 15, 11, 0, 0);
const GEN = 'http://hub.example:9464/graph?g0.expr=up+%3D%3D+0&g0.tab=1';

let smtp: SmtpRecorder | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

function plain(extra: Record<string, unknown> = {}) {
  return { to: 'oncall@example.org', from: 'Metrics Hub <hub@example.org>', smarthost: smtp!.smarthost, require_tls: false, ...extra };
}

describe('email receiver', () => {
  it('sends one email with the default subject, text and HTML, logging in first', async () => {
    smtp = await startSmtp({
      allowInsecureAuth: true,
      onAuth(auth, _session, done) {
        if (auth.username === 'hub' && auth.password === 'pw') done(null, { user: auth.username });
        else done(smtpReply(535, '5.7.8 Authentication credentials invalid'));
      },
    });
    const email = createIntegration(
      'email',
      plain({ to: 'oncall@example.org, Ops Team <ops@example.org>', auth_username: 'hub', auth_password: 'pw' }),
      { now: () => NOW },
    );
    await email.send(firingNotification());

    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail.user).toBe('hub');
    expect(mail.from).toBe('hub@example.org');
    expect(mail.to).toEqual(['oncall@example.org', 'ops@example.org']);
    const h = mail.message.headers;
    expect(h.get('subject')).toBe('[FIRING:2] HostDown (node critical)');
    expect(h.get('from')).toBe('Metrics Hub <hub@example.org>');
    expect(h.get('to')).toBe('oncall@example.org, Ops Team <ops@example.org>');
    expect(h.get('date')).toBe('Thu, 15 Jan 2026 11:00:00 +0000');
    expect(h.get('content-type')).toMatch(/^multipart\/alternative;/);
    expect(mail.message.parts.map((p) => p.headers.get('content-type'))).toEqual(['text/plain; charset=utf-8', 'text/html; charset=utf-8']);

    expect(mail.message.parts[0].body).toBe(
      [
        '[FIRING:2] HostDown (node critical)',
        '',
        '2 alerts for alertname=HostDown',
        'View in metrics-hub: http://hub.example:9464',
        '',
        '[2] Firing',
        'Labels:',
        ' - alertname = HostDown',
        ' - instance = web-1:9100',
        ' - job = node',
        ' - severity = critical',
        'Annotations:',
        ' - runbook = https://wiki.example/HostDown',
        ' - summary = web-1 is down',
        `Source: ${GEN}`,
        'Labels:',
        ' - alertname = HostDown',
        ' - instance = web-2:9100',
        ' - job = node',
        ' - severity = critical',
        'Annotations:',
        ' - runbook = https://wiki.example/HostDown',
        ' - summary = web-2 is down <since boot>',
        `Source: ${GEN}`,
        '',
      ].join('\n'),
    );
    const html = mail.message.parts[1].body;
    expect(html).toContain('<title>[FIRING:2] HostDown (node critical)</title>');
    expect(html).toContain(
      '<div style="background-color: #E6522C; color: #fff; padding: 16px; font-size: 16px;">2 alerts for alertname=HostDown</div>',
    );
    expect(html).toContain('<p><a href="http://hub.example:9464">View in metrics-hub</a></p>');
    expect(html).toContain('<h3>[2] Firing</h3>');
    expect(html).toContain(
      '<p><strong>Labels</strong><br>alertname = HostDown<br>instance = web-2:9100<br>job = node<br>severity = critical<br>' +
        '<strong>Annotations</strong><br>runbook = https://wiki.example/HostDown<br>summary = web-2 is down &lt;since boot&gt;<br>' +
        '<a href="http://hub.example:9464/graph?g0.expr=up+%3D%3D+0&amp;g0.tab=1">Source</a><br></p>',
    );
    expect(html).not.toContain('Resolved');
  });

  it('sends resolved notifications only with send_resolved, green and without a count', async () => {
    smtp = await startSmtp();
    await createIntegration('email', plain(), { now: () => NOW }).send(resolvedNotification());
    expect(smtp.mails).toHaveLength(0);
    await createIntegration('email', plain({ send_resolved: true }), { now: () => NOW }).send(resolvedNotification());
    expect(smtp.mails[0].message.headers.get('subject')).toBe('[RESOLVED] HostDown (web-1:9100 node critical)');
    const html = smtp.mails[0].message.parts[1].body;
    expect(html).toContain('background-color: #2E7D32');
    expect(html).toContain('<h3>[1] Resolved</h3>');
  });

  it('renders templates for to, the Subject header, extra headers and the bodies', async () => {
    smtp = await startSmtp();
    const email = createIntegration(
      'email',
      plain({
        to: '{{ .CommonLabels.job }}-team@example.org',
        headers: { Subject: '{{ .Status | toUpper }} {{ .CommonLabels.alertname }}', 'X-Alert-Group': '{{ .GroupLabels.alertname }}' },
        text: '{{ len .Alerts }} alerts, see {{ .ExternalURL }}',
        html: '<b>{{ .Receiver }}</b>',
      }),
      { render: standInRenderer, now: () => NOW },
    );
    await email.send(firingNotification());
    const [mail] = smtp.mails;
    expect(mail.to).toEqual(['node-team@example.org']);
    expect(mail.message.headers.get('subject')).toBe('FIRING HostDown');
    expect(mail.message.headers.get('x-alert-group')).toBe('HostDown');
    expect(mail.message.headers.get('to')).toBe('node-team@example.org');
    expect(mail.message.parts.map((p) => p.body)).toEqual(['2 alerts, see http://hub.example:9464', '<b>ops</b>']);
  });

  it('rejects with the SMTP reply when the server refuses the recipient', async () => {
    smtp = await startSmtp({
      onRcptTo(address, _session, done) {
        if (address.address === 'nobody@example.org')
          done(smtpReply(550, '5.1.1 <nobody@example.org>: Recipient address rejected: User unknown'));
        else done();
      },
    });
    const err = await rejection(createIntegration('email', plain({ to: 'nobody@example.org' })).send(firingNotification()));
    expect(err.code).toBe('smtp');
    expect(err.status).toBe(550);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`email: SMTP server ${smtp.smarthost} replied to RCPT TO`);
    expect(err.message).toContain('550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown');
    expect(smtp.mails).toHaveLength(0);
  });

  it('does not count a partly delivered email as delivered', async () => {
    smtp = await startSmtp({
      onRcptTo(address, _session, done) {
        done(address.address === 'nobody@example.org' ? smtpReply(550, '5.1.1 User unknown') : undefined);
      },
    });
    const err = await rejection(
      createIntegration('email', plain({ to: 'oncall@example.org, nobody@example.org' })).send(firingNotification()),
    );
    expect(err.code).toBe('smtp');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(`email: SMTP server ${smtp.smarthost} rejected recipient nobody@example.org (accepted: oncall@example.org)`);
    expect(smtp.mails.map((m) => m.to)).toEqual([['oncall@example.org']]);
  });

  it('rejects a wrong password with the reply, as not worth retrying', async () => {
    smtp = await startSmtp({
      allowInsecureAuth: true,
      onAuth(_auth, _session, done) {
        done(smtpReply(535, '5.7.8 Authentication credentials invalid'));
      },
    });
    const err = await rejection(
      createIntegration('email', plain({ auth_username: 'hub', auth_password: 'wrong' })).send(firingNotification()),
    );
    expect(err.code).toBe('smtp');
    expect(err.status).toBe(535);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('535 5.7.8 Authentication credentials invalid');
  });

  it('refuses to send in the clear when require_tls is on (the default) and STARTTLS is not offered', async () => {
    smtp = await startSmtp();
    const err = await rejection(
      createIntegration('email', { to: 'oncall@example.org', from: 'hub@example.org', smarthost: smtp.smarthost }).send(
        firingNotification(),
      ),
    );
    expect(err.code).toBe('connection');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`email: require_tls is true (the default) but ${smtp.smarthost} does not offer STARTTLS`);
    expect(smtp.mails).toHaveLength(0);
  });

  it('gives up on a server that never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const err = await rejection(
        createIntegration('email', { to: 'a@example.org', from: 'b@example.org', smarthost: `127.0.0.1:${port}`, timeout: '300ms' }).send(
          firingNotification(),
        ),
      );
      expect(Date.now() - started).toBeLessThan(3000);
      expect(err.code).toBe('timeout');
      expect(err.message).toBe(`email: SMTP server 127.0.0.1:${port}: no answer within 300ms (timeout)`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  describe('over STARTTLS', () => {
    let dir: string;
    let certs: ReturnType<typeof makeCertificates>;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'smtp-tls-'));
      certs = makeCertificates(dir);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('upgrades the session and checks the certificate against tls_config.ca_file', async () => {
      const { readFileSync } = await import('node:fs');
      smtp = await startSmtp({ key: readFileSync(certs.serverKey), cert: readFileSync(certs.serverCert) });
      const base = { to: 'oncall@example.org', from: 'hub@example.org', smarthost: smtp.smarthost };

      const unknownCa = await rejection(createIntegration('email', base).send(firingNotification()));
      expect(unknownCa.code).toBe('connection');
      expect(unknownCa.message).toMatch(/certificate/i);

      await createIntegration('email', { ...base, tls_config: { ca_file: certs.ca } }).send(firingNotification());
      await createIntegration('email', { ...base, tls_config: { insecure_skip_verify: true } }).send(firingNotification());
      expect(smtp.mails.map((m) => m.secure)).toEqual([true, true]);
    });
  });
});
