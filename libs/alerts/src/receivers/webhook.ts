// webhook_config: POSTs Alertmanager's version 4 JSON message, or, with `body_template`,
// any JSON document the template renders (a generic JSON webhook: chat tools, ticket
// systems, anything that wants its own shape).

import { readFile } from 'node:fs/promises';
import type { Integration, Notification, TemplateRenderer } from '../model.ts';
import { selectForSendResolved, truncateAlerts } from './alert-selection.ts';
import { ConfigReader } from './config-reader.ts';
import { DeliveryError, excerpt } from './errors.ts';
import { authorizationHeader, readHttpConfig, type HttpConfig } from './http-config.ts';
import { DEFAULT_HTTP_TIMEOUT_MS, describeUrl, post, type Fetch } from './http-post.ts';
import { notificationTemplateData } from './template-data.ts';
import { readTextField, type TextField } from './template-field.ts';
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
  const r = ConfigReader.of('webhook', raw);
  const url = r.httpUrl('url');
  const urlFile = r.string('url_file');
  if (url === undefined && urlFile === undefined) r.fail('url', 'is required (or url_file)');
  if (url !== undefined && urlFile !== undefined) r.fail('url_file', 'set either url or url_file, not both');
  const config: WebhookConfig = {
    sendResolved: r.boolean('send_resolved', true),
    maxAlerts: r.nonNegativeInteger('max_alerts', 0),
    timeoutMs: r.positiveDuration('timeout', DEFAULT_HTTP_TIMEOUT_MS),
    http: readHttpConfig(r),
  };
  if (url !== undefined) config.url = url;
  if (urlFile !== undefined) config.urlFile = urlFile;
  const body = readTextField(r, 'body_template', render);
  if (body) config.bodyTemplate = body;
  r.finish();
  return config;
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
