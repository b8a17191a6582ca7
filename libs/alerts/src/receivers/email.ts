// email_config: one email per notification through an SMTP smarthost (nodemailer). As in
// Alertmanager: port 465 is TLS from the first byte, any other port needs STARTTLS unless
// `require_tls: false` (then the session stays plain, as Go's client does), the Subject,
// To and From headers default to the subject template and the envelope addresses.

import { readFile } from 'node:fs/promises';
import { createTransport } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { Integration, Notification, TemplateRenderer } from '../model.ts';
import { selectForSendResolved } from './alert-selection.ts';
import { formatPromDuration as formatDuration } from '@metrics-hub/promql';
import { ConfigReader } from './config-reader.ts';
import { defaultSubject } from './default-text.ts';
import { defaultEmailHtml, defaultEmailText } from './email-body.ts';
import { DeliveryError, excerpt, withoutSecrets } from './errors.ts';
import { notificationTemplateData } from './template-data.ts';
import { compileTextField, readTextField, type TextField } from './template-field.ts';

export interface EmailConfig {
  to: TextField;
  from: TextField;
  host: string;
  port: number;
  /** TLS from the first byte (port 465 or force_implicit_tls). */
  implicitTls: boolean;
  requireTls: boolean;
  hello: string;
  auth?: { username: string; password?: string; passwordFile?: string };
  tls: { insecureSkipVerify: boolean; caFile?: string; serverName?: string };
  /** Extra headers and overrides of To and From (names as configured); headers.Subject goes to `subject`. */
  headers: { name: string; value: TextField }[];
  subject?: TextField;
  html?: TextField;
  text?: TextField;
  sendResolved: boolean;
  timeoutMs: number;
}

export const DEFAULT_SMTP_TIMEOUT_MS = 30_000;

const UNSUPPORTED = ['auth_secret', 'auth_identity', 'auth_secret_file', 'threading'];

export function readEmailConfig(raw: unknown, render?: TemplateRenderer): EmailConfig {
  const r = ConfigReader.of('email', raw);
  for (const field of UNSUPPORTED) if (r.has(field)) r.fail(field, 'is not supported by metrics-hub receivers');
  const to = addressField(r, 'to', render, 'many');
  const from = addressField(r, 'from', render, 'one');
  const { host, port } = smarthost(r);
  const forceImplicit = r.has('force_implicit_tls') ? r.boolean('force_implicit_tls', false) : undefined;
  const config: EmailConfig = {
    to,
    from,
    host,
    port,
    implicitTls: forceImplicit ?? port === 465,
    requireTls: r.boolean('require_tls', true),
    hello: r.string('hello') ?? 'localhost',
    tls: { insecureSkipVerify: false },
    headers: [],
    sendResolved: r.boolean('send_resolved', false),
    timeoutMs: r.positiveDuration('timeout', DEFAULT_SMTP_TIMEOUT_MS),
  };

  const username = r.string('auth_username');
  const password = r.string('auth_password');
  const passwordFile = r.string('auth_password_file');
  if (password !== undefined && passwordFile !== undefined)
    r.fail('auth_password_file', 'set either auth_password or auth_password_file, not both');
  if (username === undefined && (password !== undefined || passwordFile !== undefined))
    r.fail('auth_username', 'is required when a password is set');
  if (username !== undefined) {
    config.auth = { username };
    if (password !== undefined) config.auth.password = password;
    if (passwordFile !== undefined) config.auth.passwordFile = passwordFile;
  }

  const tls = r.section('tls_config');
  if (tls) {
    config.tls.insecureSkipVerify = tls.boolean('insecure_skip_verify', false);
    const ca = tls.string('ca_file');
    const serverName = tls.string('server_name');
    if (ca !== undefined) config.tls.caFile = ca;
    if (serverName !== undefined) config.tls.serverName = serverName;
    tls.finish();
  }

  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(r.stringMap('headers') ?? {})) {
    const lower = name.toLowerCase();
    if (seen.has(lower)) r.fail(`headers.${name}`, `duplicate header (also set as ${seen.get(lower)})`);
    seen.set(lower, name);
    const field = compileTextField(r, `headers.${name}`, value, render);
    if (lower === 'subject') config.subject = field;
    else config.headers.push({ name, value: field });
  }

  const html = readTextField(r, 'html', render);
  const text = readTextField(r, 'text', render);
  if (html) config.html = html;
  if (text) config.text = text;
  r.finish();
  return config;
}

function addressField(r: ConfigReader, key: 'to' | 'from', render: TemplateRenderer | undefined, count: 'one' | 'many'): TextField {
  const source = r.requiredString(key, key === 'to' ? 'the recipients, comma separated' : 'the sender address');
  if (!source.includes('{{')) checkAddresses(source, count, (problem) => r.fail(key, problem));
  return compileTextField(r, key, source, render);
}

/** The addresses in `text`; anything wrong with them goes to `fail`. */
function checkAddresses(text: string, count: 'one' | 'many', fail: (problem: string) => never): string[] {
  const parsed = addressparser(text, { flatten: true });
  const addresses = parsed.map((a) => a.address).filter((a): a is string => !!a);
  const bad = addresses.find((a) => !/^[^@\s]+@[^@\s]+$/.test(a));
  if (addresses.length === 0) fail(`"${text}" holds no email address`);
  if (bad) fail(`"${bad}" is not an email address`);
  if (count === 'one' && addresses.length !== 1) fail(`must be exactly one address, got ${addresses.length}`);
  return addresses;
}

function smarthost(r: ConfigReader): { host: string; port: number } {
  const value = r.requiredString('smarthost', 'host:port of the SMTP server');
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) r.fail('smarthost', `expected host:port (e.g. smtp.example.org:587), got "${value}"`);
  return { host: m[1] ?? m[2], port };
}

export class EmailIntegration implements Integration {
  readonly kind = 'email';
  readonly sendResolved: boolean;
  private readonly now: () => number;

  constructor(
    private readonly config: EmailConfig,
    deps: { now?: () => number } = {},
  ) {
    this.sendResolved = config.sendResolved;
    this.now = deps.now ?? Date.now;
  }

  async send(notification: Notification): Promise<void> {
    const n = selectForSendResolved(notification, this.config.sendResolved);
    if (!n) return;
    const c = this.config;
    const data = notificationTemplateData(n);
    const to = this.addresses('to', c.to(data), 'many');
    const from = this.addresses('from', c.from(data), 'one')[0];
    const headers: Record<string, string> = {};
    const overridden = new Set<string>();
    for (const h of c.headers) {
      const lower = h.name.toLowerCase();
      if (lower === 'to' || lower === 'from') overridden.add(lower);
      headers[h.name] = h.value(data);
    }
    const transport = createTransport({
      host: c.host,
      port: c.port,
      secure: c.implicitTls,
      requireTLS: c.requireTls,
      ignoreTLS: !c.requireTls,
      name: c.hello,
      connectionTimeout: c.timeoutMs,
      greetingTimeout: c.timeoutMs,
      socketTimeout: c.timeoutMs,
      tls: await this.tlsOptions(),
      ...(c.auth ? { auth: { user: c.auth.username, pass: await this.password() } } : {}),
    });
    try {
      const info = await transport.sendMail({
        envelope: { from, to },
        from: overridden.has('from') ? undefined : c.from(data),
        to: overridden.has('to') ? undefined : c.to(data),
        subject: c.subject ? c.subject(data) : defaultSubject(n),
        headers,
        date: new Date(this.now()),
        text: c.text ? c.text(data) : defaultEmailText(n),
        html: c.html ? c.html(data) : defaultEmailHtml(n),
      });
      if (info.rejected.length) {
        // The others already have it, so a retry would send them a second copy.
        throw new DeliveryError(
          this.kind,
          'smtp',
          `${this.where()} rejected recipient ${info.rejected.join(', ')} (accepted: ${info.accepted.join(', ')})`,
          {
            retryable: false,
          },
        );
      }
    } catch (err) {
      const e = err instanceof DeliveryError ? err : this.smtpError(err);
      // An SMTP server may repeat the AUTH line; nodemailer's messages may carry it too.
      const pass = c.auth ? await this.password().catch(() => '') : '';
      throw withoutSecrets(
        e,
        pass ? [pass, Buffer.from(pass).toString('base64'), Buffer.from(`\0${c.auth!.username}\0${pass}`).toString('base64')] : [],
      );
    } finally {
      transport.close();
    }
  }

  private where(): string {
    return `SMTP server ${this.config.host}:${this.config.port}`;
  }

  private addresses(key: 'to' | 'from', text: string, count: 'one' | 'many'): string[] {
    return checkAddresses(text, count, (problem) => {
      throw new DeliveryError(this.kind, 'template', `${key} rendered "${excerpt(text, 100)}": ${problem}`, { retryable: false });
    });
  }

  private async password(): Promise<string> {
    const auth = this.config.auth!;
    if (auth.passwordFile === undefined) return auth.password ?? '';
    try {
      return (await readFile(auth.passwordFile, 'utf8')).trim();
    } catch (err) {
      throw new DeliveryError(this.kind, 'credentials', `cannot read auth_password_file ${auth.passwordFile}: ${(err as Error).message}`, {
        retryable: true,
        cause: err,
      });
    }
  }

  private async tlsOptions(): Promise<{ rejectUnauthorized: boolean; servername?: string; ca?: string }> {
    const t = this.config.tls;
    const out: { rejectUnauthorized: boolean; servername?: string; ca?: string } = { rejectUnauthorized: !t.insecureSkipVerify };
    if (t.serverName) out.servername = t.serverName;
    if (t.caFile) {
      try {
        out.ca = await readFile(t.caFile, 'utf8');
      } catch (err) {
        throw new DeliveryError(this.kind, 'credentials', `cannot read tls_config.ca_file ${t.caFile}: ${(err as Error).message}`, {
          retryable: true,
          cause: err,
        });
      }
    }
    return out;
  }

  /** nodemailer's error as one line: what failed, at which step, what the server replied. */
  private smtpError(err: unknown): DeliveryError {
    const e = err as { code?: string; message?: string; response?: string; responseCode?: number; command?: string };
    const code = e.code ?? '';
    const reply = e.response ? excerpt(e.response) : undefined;
    const options = { cause: err, ...(e.responseCode ? { status: e.responseCode } : {}), ...(reply ? { response: reply } : {}) };
    if (code === 'ETIMEDOUT') {
      return new DeliveryError(
        this.kind,
        'timeout',
        `${this.where()}: no answer within ${formatDuration(this.config.timeoutMs)} (timeout)`,
        { ...options, retryable: true },
      );
    }
    if (this.config.requireTls && code === 'ETLS' && /STARTTLS/i.test(e.message ?? '') && !/certificate|handshake/i.test(e.message ?? '')) {
      return new DeliveryError(
        this.kind,
        'connection',
        `require_tls is true (the default) but ${this.config.host}:${this.config.port} does not offer STARTTLS (${e.message})`,
        {
          ...options,
          retryable: false,
        },
      );
    }
    if (e.responseCode) {
      const step = e.command ? ` to ${e.command.replace(/^(AUTH \S+).*/s, '$1')}` : '';
      const said = reply && !(e.message ?? '').includes(reply) ? `: ${reply}` : '';
      return new DeliveryError(this.kind, 'smtp', `${this.where()} replied${step}: ${e.message}${said}`, {
        ...options,
        // 4xx replies are temporary by definition; 5xx (and a failed login) will not change.
        retryable: e.responseCode < 500 && code !== 'EAUTH',
      });
    }
    return new DeliveryError(this.kind, 'connection', `${this.where()}: ${e.message ?? String(err)}${code ? ` (${code})` : ''}`, {
      ...options,
      retryable: true,
    });
  }
}
