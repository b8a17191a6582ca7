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
import { bool, childPlace, custom, kind, mapOf, object, text, transform, type Schema } from '@metrics-hub/config';
import { defaultSubject } from './default-text.ts';
import { defaultEmailHtml, defaultEmailText } from './email-body.ts';
import { DeliveryError, excerpt, withoutSecrets } from './errors.ts';
import { notImplemented, positiveDuration, readReceiverConfig, requiredText } from './receiver-config.ts';
import { notificationTemplateData } from './template-data.ts';
import { compileTextField, templateText, type TextField } from './template-field.ts';

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

/** `host:port` of the SMTP server. */
const smarthost = kind<{ host: string; port: number }>((raw) => {
  const m = typeof raw === 'string' ? /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(raw) : null;
  const port = m ? Number(m[3]) : Number.NaN;
  return m && port >= 1 && port <= 65535 ? { value: { host: m[1] ?? m[2], port } } : { error: 'must be host:port' };
});

/** To or From: its addresses are checked now, unless it is a template. */
function addressField(render: TemplateRenderer | undefined, count: 'one' | 'many'): Schema<TextField> {
  return custom((place, reading) => {
    const source = text.read(place, reading);
    if (source === undefined) return undefined;
    const parsed = source.includes('{{') ? undefined : parseAddresses(source, count);
    if (parsed && 'problem' in parsed) {
      reading.report(place, `${place.label}: ${parsed.problem}`);
      return undefined;
    }
    return compileTextField('email', place, source, render, reading);
  });
}

export function readEmailConfig(raw: unknown, render?: TemplateRenderer): EmailConfig {
  const schema = object(
    {
      to: requiredText('the recipients, comma separated', addressField(render, 'many')),
      from: requiredText('the sender address', addressField(render, 'one')),
      smarthost: requiredText('the SMTP server as host:port, e.g. smtp.example.org:587', smarthost),
      force_implicit_tls: bool,
      require_tls: { schema: bool, default: true },
      hello: { schema: text, default: 'localhost' },
      send_resolved: { schema: bool, default: false },
      timeout: { schema: positiveDuration, default: DEFAULT_SMTP_TIMEOUT_MS, help: 'how long the SMTP server may take to answer' },
      auth_username: text,
      auth_password: text,
      auth_password_file: text,
      tls_config: object({ insecure_skip_verify: { schema: bool, default: false }, ca_file: text, server_name: text }),
      headers: mapOf(templateText('email', render), { expected: 'a mapping of header names to text' }),
      html: templateText('email', render),
      text: templateText('email', render),
    },
    { notSupported: notImplemented(UNSUPPORTED) },
  );
  const email = transform(schema, (v, place, reading): EmailConfig => {
    const { host, port } = v.smarthost ?? { host: '', port: 0 };
    const config: EmailConfig = {
      to: v.to,
      from: v.from,
      host,
      port,
      implicitTls: v.force_implicit_tls ?? port === 465,
      requireTls: v.require_tls,
      hello: v.hello,
      tls: { insecureSkipVerify: v.tls_config?.insecure_skip_verify ?? false },
      headers: [],
      sendResolved: v.send_resolved,
      timeoutMs: v.timeout,
    };
    if (v.tls_config?.ca_file !== undefined) config.tls.caFile = v.tls_config.ca_file;
    if (v.tls_config?.server_name !== undefined) config.tls.serverName = v.tls_config.server_name;
    const { auth_username: username, auth_password: password, auth_password_file: passwordFile } = v;
    if (password !== undefined && passwordFile !== undefined) {
      const at = childPlace(place, 'auth_password_file');
      reading.report(at, `${at.label} is set together with auth_password: set either auth_password or auth_password_file, not both`);
    }
    if (username === undefined && (password !== undefined || passwordFile !== undefined)) {
      const at = childPlace(place, 'auth_username');
      reading.report(at, `${at.label} is required when a password is set: add the user name the password is for`);
    }
    if (username !== undefined) {
      config.auth = { username };
      if (password !== undefined) config.auth.password = password;
      if (passwordFile !== undefined) config.auth.passwordFile = passwordFile;
    }
    const seen = new Map<string, string>();
    for (const [name, value] of Object.entries(v.headers ?? {})) {
      const lower = name.toLowerCase();
      const at = childPlace(childPlace(place, 'headers'), name);
      if (seen.has(lower)) reading.report(at, `${at.label} repeats the header ${seen.get(lower)} (names are case-insensitive): keep one`);
      seen.set(lower, name);
      if (lower === 'subject') config.subject = value;
      else config.headers.push({ name, value });
    }
    if (v.html) config.html = v.html;
    if (v.text) config.text = v.text;
    return config;
  });
  return readReceiverConfig('email', raw, email);
}

/** The addresses in `text`, or what is wrong with them. */
function parseAddresses(text: string, count: 'one' | 'many'): { addresses: string[] } | { problem: string } {
  const parsed = addressparser(text, { flatten: true });
  const addresses = parsed.map((a) => a.address).filter((a): a is string => !!a);
  const bad = addresses.find((a) => !/^[^@\s]+@[^@\s]+$/.test(a));
  if (addresses.length === 0) return { problem: `"${text}" holds no email address` };
  if (bad) return { problem: `"${bad}" is not an email address` };
  if (count === 'one' && addresses.length !== 1) return { problem: `must be exactly one address, got ${addresses.length}` };
  return { addresses };
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
    const parsed = parseAddresses(text, count);
    if ('problem' in parsed)
      throw new DeliveryError(this.kind, 'template', `${key} rendered "${excerpt(text, 100)}": ${parsed.problem}`, { retryable: false });
    return parsed.addresses;
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
