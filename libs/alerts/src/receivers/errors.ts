// Errors are values with a code, so the notifier can log and count them by cause and decide
// whether a retry can help, and a message that says what to fix.

export type ReceiverKind = 'webhook' | 'email' | 'slack' | 'desktop';

/**
 * A receiver config that cannot work; `field` is the YAML path of (the first) problem, e.g.
 * `http_config.basic_auth.username`, and the message says what is wrong with it and how to fix it.
 */
export class ReceiverConfigError extends Error {
  override readonly name = 'ReceiverConfigError';
  constructor(
    readonly kind: string,
    readonly field: string,
    problems: string,
  ) {
    super(`${kind} receiver: ${problems}`);
  }
}

export type DeliveryErrorCode =
  /** The far end answered with a non-2xx HTTP status. */
  | 'http_status'
  /** It answered 2xx but said no (Slack's `{"ok": false}`). */
  | 'refused'
  /** No answer within the configured time. */
  | 'timeout'
  /** Could not connect, or the connection broke (DNS, refused, TLS). */
  | 'connection'
  /** The SMTP server answered with an error reply. */
  | 'smtp'
  /** A template failed or rendered something unusable (e.g. JSON that does not parse). */
  | 'template'
  /** A credentials file (bearer_token_file, password_file, ...) could not be read. */
  | 'credentials'
  /** Desktop: no D-Bus session bus to talk to. */
  | 'no_session_bus'
  /** Desktop: a session bus, but no notification server on it. */
  | 'no_notification_server'
  /** Desktop: the helper program is not installed. */
  | 'not_installed'
  /** Desktop: the helper program failed in some other way. */
  | 'command_failed';

/**
 * Why a notification was not delivered. `retryable` follows Alertmanager's rule (5xx and
 * connection problems may pass, a 4xx or a bad template will not); the notifier may still
 * retry everything, it only uses it to back off or give up sooner.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly kind: string;
  readonly code: DeliveryErrorCode;
  readonly retryable: boolean;
  /** HTTP status, or the SMTP reply code. */
  readonly status?: number;
  /** A bounded excerpt of what the far end answered (HTTP body, SMTP reply, stderr). */
  readonly response?: string;

  constructor(
    kind: string,
    code: DeliveryErrorCode,
    message: string,
    options: { retryable: boolean; status?: number; response?: string; cause?: unknown },
  ) {
    super(`${kind}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.code = code;
    this.retryable = options.retryable;
    if (options.status !== undefined) this.status = options.status;
    if (options.response !== undefined) this.response = options.response;
  }
}

const EXCERPT_CHARS = 300;

/** What the far end said, short enough for a log line and a UI tooltip. */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Shorter strings are not looked for (a one-letter password would blank half a message). */
const MIN_SECRET_LENGTH = 4;

/** `text` with each of `secrets` replaced by xxxxx. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join('xxxxx');
  return out;
}

/**
 * `err` without the credentials a receiver sent: a far end that answers "bad token <token>"
 * or an SMTP server that repeats the AUTH line must not put them into the log, the history
 * or the UI. The cause is dropped (it may hold them too).
 */
export function withoutSecrets(err: DeliveryError, secrets: readonly string[]): DeliveryError {
  const message = redactSecrets(err.message.slice(err.kind.length + 2), secrets);
  const response = err.response === undefined ? undefined : redactSecrets(err.response, secrets);
  if (message === err.message.slice(err.kind.length + 2) && response === err.response) return err;
  return new DeliveryError(err.kind, err.code, message, {
    retryable: err.retryable,
    ...(err.status !== undefined ? { status: err.status } : {}),
    ...(response !== undefined ? { response } : {}),
  });
}

/** The credentials in HTTP request headers: each value, a bearer token, a basic-auth password. */
export function headerSecrets(headers: Record<string, string>): string[] {
  const out: string[] = [];
  for (const value of Object.values(headers)) {
    out.push(value);
    const m = /^(\S+)\s+(.+)$/.exec(value);
    if (!m) continue;
    out.push(m[2]);
    if (m[1].toLowerCase() === 'basic') {
      const decoded = Buffer.from(m[2], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) out.push(decoded.slice(colon + 1));
    }
  }
  return out;
}
