// webhook_config: POSTs Alertmanager's version 4 JSON message, or, with `body_template`,
// any JSON document the template renders (a generic JSON webhook: chat tools, ticket
// systems, anything that wants its own shape).

import { readFile } from 'node:fs/promises';
import type { Integration, Notification, TemplateRenderer } from '../model.ts';
import { selectForSendResolved, truncateAlerts } from './alert-selection.ts';
import { bool, object, text, transform, wholeNumber } from '@metrics-hub/config';
import { DeliveryError, excerpt } from './errors.ts';
import { authorizationHeader, httpConfig, type HttpConfig } from './http-config.ts';
import { DEFAULT_HTTP_TIMEOUT_MS, describeUrl, post, type Fetch } from './http-post.ts';
import { eitherKey, httpUrl, positiveDuration, readReceiverConfig } from './receiver-config.ts';
import { notificationTemplateData } from './template-data.ts';
import { templateText, type TextField } from './template-field.ts';
import { encodeWebhookMessage } from './webhook-payload.ts';

export interface WebhookConfig {
  /** Exactly one of url and urlFile (read at each send, as Alertmanager does). */
  url?: string;
  urlFile?: string;
  sendResolved: boolean;
  /** 0 = all; the rest are counted in `truncatedAlerts`. */
  maxAlerts: number;
  timeoutMs: number;
  http: HttpConfig;
  /** Renders the whole body instead of Alertmanager's message; must produce JSON. */
  bodyTemplate?: TextField;
}

export function readWebhookConfig(raw: unknown, render?: TemplateRenderer): WebhookConfig {
  const schema = object({
    url: { schema: httpUrl, help: 'the address alerts are posted to, e.g. https://hooks.example.org/alerts' },
    url_file: text,
    send_resolved: { schema: bool, default: true },
    max_alerts: { schema: wholeNumber, default: 0, help: 'most alerts in one message; 0 for all' },
    timeout: { schema: positiveDuration, default: DEFAULT_HTTP_TIMEOUT_MS, help: 'how long one request may take' },
    http_config: { schema: httpConfig, default: { followRedirects: true } },
    body_template: templateText('webhook', render),
  });
  const webhook = transform(schema, (v, place, reading): WebhookConfig => {
    eitherKey(place, reading, 'url', 'url_file', 'the address alerts are posted to');
    const config: WebhookConfig = { sendResolved: v.send_resolved, maxAlerts: v.max_alerts, timeoutMs: v.timeout, http: v.http_config };
    if (v.url !== undefined) config.url = v.url;
    if (v.url_file !== undefined) config.urlFile = v.url_file;
    if (v.body_template) config.bodyTemplate = v.body_template;
    return config;
  });
  return readReceiverConfig('webhook', raw, webhook);
}

export class WebhookIntegration implements Integration {
  readonly kind = 'webhook';
  readonly sendResolved: boolean;
  private readonly fetch: Fetch;

  constructor(
    private readonly config: WebhookConfig,
    deps: { fetch?: Fetch } = {},
  ) {
    this.sendResolved = config.sendResolved;
    this.fetch = deps.fetch ?? globalThis.fetch;
  }

  async send(notification: Notification): Promise<void> {
    const selected = selectForSendResolved(notification, this.config.sendResolved);
    if (!selected) return;
    const n = truncateAlerts(selected, this.config.maxAlerts);
    const url = await this.url();
    const auth = await authorizationHeader(this.kind, this.config.http);
    await post({
      kind: this.kind,
      url,
      shownUrl: describeUrl(url),
      body: this.config.bodyTemplate ? renderJson(this.config.bodyTemplate, n) : encodeWebhookMessage(n),
      contentType: 'application/json',
      headers: auth ? { Authorization: auth } : {},
      timeoutMs: this.config.timeoutMs,
      followRedirects: this.config.http.followRedirects,
      fetch: this.fetch,
    });
  }

  private async url(): Promise<string> {
    if (this.config.url !== undefined) return this.config.url;
    try {
      return (await readFile(this.config.urlFile!, 'utf8')).trim();
    } catch (err) {
      throw new DeliveryError(this.kind, 'credentials', `cannot read url_file ${this.config.urlFile}: ${(err as Error).message}`, {
        retryable: true,
        cause: err,
      });
    }
  }
}

function renderJson(template: TextField, n: Notification): string {
  const body = template(notificationTemplateData(n));
  try {
    JSON.parse(body);
  } catch (err) {
    throw new DeliveryError(
      'webhook',
      'template',
      `body_template did not render valid JSON (${(err as Error).message}): ${excerpt(body)}`,
      {
        retryable: false,
        cause: err,
      },
    );
  }
  return body;
}
