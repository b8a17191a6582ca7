// Errors are values with a code, so the notifier can log and count them by cause and decide
// whether a retry can help, and a message that says what to fix.

export type ReceiverKind = 'webhook' | 'email' | 'slack' | 'desktop';

/** A receiver config that cannot work; `field` is the YAML path, e.g. `http_config.basic_auth.username`. */
export class ReceiverConfigError extends Error {
  override readonly name = 'ReceiverConfigError';
  constructor(
    readonly kind: string,
    readonly field: string,
    problem: string,
  ) {
    super(`${kind} receiver: ${field ? `${field}: ` : ''}${problem}`);
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
