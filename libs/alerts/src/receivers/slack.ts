// slack_config: one message with one attachment per notification to a Slack incoming webhook,
// or to anything that speaks its format (Mattermost, Rocket.Chat, Zulip's Slack endpoint).
// Defaults follow Alertmanager's: the subject as title, red ("danger") while firing, green
// ("good") when resolved; unlike Alertmanager the default text lists the alerts.

import { readFile } from 'node:fs/promises';
import { goJson } from '@metrics-hub/go-format';
import type { Integration, Notification, TemplateRenderer } from '../model.ts';
import { selectForSendResolved } from './alert-selection.ts';
import { bool, list, object, text, transform } from '@metrics-hub/config';
import { alertLine, defaultSubject, firingAndResolved } from './default-text.ts';
import { DeliveryError, excerpt } from './errors.ts';
import { authorizationHeader, httpConfig, type HttpConfig } from './http-config.ts';
import { DEFAULT_HTTP_TIMEOUT_MS, describeUrl, post, type Fetch, type PostReply } from './http-post.ts';
import { eitherKey, httpUrl, notImplemented, positiveDuration, readReceiverConfig, requiredText } from './receiver-config.ts';
import { notificationTemplateData } from './template-data.ts';
import { templateText, type TextField } from './template-field.ts';

/** Each text field is either configured (a constant or a template) or takes the default. */
export interface SlackConfig {
  apiUrl?: string;
  apiUrlFile?: string;
  sendResolved: boolean;
  timeoutMs: number;
  http: HttpConfig;
  channel?: TextField;
  username?: TextField;
  iconEmoji?: TextField;
  iconUrl?: TextField;
  linkNames: boolean;
  color?: TextField;
  title?: TextField;
  titleLink?: TextField;
  pretext?: TextField;
  text?: TextField;
  fallback?: TextField;
  callbackId?: TextField;
  footer?: TextField;
  imageUrl?: TextField;
  thumbUrl?: TextField;
  fields: { title: TextField; value: TextField; short?: boolean }[];
  shortFields: boolean;
  mrkdwnIn: string[];
}

const UNSUPPORTED = ['actions', 'update_message', 'edit_messages', 'app_token', 'app_url'];

export function readSlackConfig(raw: unknown, render?: TemplateRenderer): SlackConfig {
  const textField = templateText('slack', render);
  const schema = object(
    {
      api_url: { schema: httpUrl, help: 'the incoming webhook URL' },
      api_url_file: text,
      send_resolved: { schema: bool, default: false },
      timeout: { schema: positiveDuration, default: DEFAULT_HTTP_TIMEOUT_MS, help: 'how long one request may take' },
      http_config: { schema: httpConfig, default: { followRedirects: true } },
      link_names: { schema: bool, default: false },
      short_fields: { schema: bool, default: false },
      mrkdwn_in: { schema: list(text), default: ['fallback', 'pretext', 'text'] },
      channel: textField,
      username: textField,
      icon_emoji: textField,
      icon_url: textField,
      color: textField,
      title: textField,
      title_link: textField,
      pretext: textField,
      text: textField,
      fallback: textField,
      callback_id: textField,
      footer: textField,
      image_url: textField,
      thumb_url: textField,
      fields: {
        schema: list(object({ title: requiredText(undefined, textField), value: requiredText(undefined, textField), short: bool })),
        default: [],
      },
    },
    { notSupported: notImplemented(UNSUPPORTED) },
  );
  const slack = transform(schema, (v, place, reading): SlackConfig => {
    eitherKey(place, reading, 'api_url', 'api_url_file', 'the incoming webhook URL');
    const config: SlackConfig = {
      sendResolved: v.send_resolved,
      timeoutMs: v.timeout,
      http: v.http_config,
      linkNames: v.link_names,
      shortFields: v.short_fields,
      mrkdwnIn: v.mrkdwn_in,
      fields: v.fields.map((f) => ({ title: f.title, value: f.value, ...(f.short === undefined ? {} : { short: f.short }) })),
    };
    if (v.api_url !== undefined) config.apiUrl = v.api_url;
    if (v.api_url_file !== undefined) config.apiUrlFile = v.api_url_file;
    const texts = {
      channel: v.channel,
      username: v.username,
      iconEmoji: v.icon_emoji,
      iconUrl: v.icon_url,
      color: v.color,
      title: v.title,
      titleLink: v.title_link,
      pretext: v.pretext,
      text: v.text,
      fallback: v.fallback,
      callbackId: v.callback_id,
      footer: v.footer,
      imageUrl: v.image_url,
      thumbUrl: v.thumb_url,
    };
    for (const [prop, field] of Object.entries(texts)) if (field) config[prop as keyof typeof texts] = field;
    return config;
  });
  return readReceiverConfig('slack', raw, slack);
}

/** Slack's limit for an attachment title. */
const MAX_TITLE_CHARS = 1024;
/** Alerts listed in the default text before "and N more". */
const MAX_LISTED = 20;

export class SlackIntegration implements Integration {
  readonly kind = 'slack';
  readonly sendResolved: boolean;
  private readonly fetch: Fetch;

  constructor(
    private readonly config: SlackConfig,
    deps: { fetch?: Fetch } = {},
  ) {
    this.sendResolved = config.sendResolved;
    this.fetch = deps.fetch ?? globalThis.fetch;
  }

  async send(notification: Notification): Promise<void> {
    const n = selectForSendResolved(notification, this.config.sendResolved);
    if (!n) return;
    const url = await this.url();
    const auth = await authorizationHeader(this.kind, this.config.http);
    const reply = await post({
      kind: this.kind,
      url,
      shownUrl: describeUrl(url, true),
      body: goJson(slackMessage(this.config, n)),
      contentType: 'application/json',
      headers: auth ? { Authorization: auth } : {},
      timeoutMs: this.config.timeoutMs,
      followRedirects: this.config.http.followRedirects,
      fetch: this.fetch,
    });
    checkReply(reply);
  }

  private async url(): Promise<string> {
    if (this.config.apiUrl !== undefined) return this.config.apiUrl;
    try {
      return (await readFile(this.config.apiUrlFile!, 'utf8')).trim();
    } catch (err) {
      throw new DeliveryError(this.kind, 'credentials', `cannot read api_url_file ${this.config.apiUrlFile}: ${(err as Error).message}`, {
        retryable: true,
        cause: err,
      });
    }
  }
}

/**
 * The request body, with Alertmanager's field order and omissions (empty optional fields
 * left out; text, fallback, callback_id and footer always present).
 */
export function slackMessage(c: SlackConfig, n: Notification): Record<string, unknown> {
  const data = notificationTemplateData(n);
  const text = (field: TextField | undefined, fallback: () => string) => (field ? field(data) : fallback());
  const title = truncate(
    text(c.title, () => defaultSubject(n)),
    MAX_TITLE_CHARS,
  );
  const titleLink = text(c.titleLink, () => n.externalURL);
  const attachment = omitEmpty(
    {
      title,
      title_link: titleLink,
      pretext: text(c.pretext, () => ''),
      text: text(c.text, () => defaultText(n)),
      fallback: text(c.fallback, () => (titleLink ? `${title} | ${titleLink}` : title)),
      callback_id: text(c.callbackId, () => ''),
      fields: c.fields.length
        ? c.fields.map((f) => ({ title: f.title(data), value: f.value(data), short: f.short ?? c.shortFields }))
        : undefined,
      image_url: text(c.imageUrl, () => ''),
      thumb_url: text(c.thumbUrl, () => ''),
      footer: text(c.footer, () => ''),
      color: text(c.color, () => (n.status === 'firing' ? 'danger' : 'good')),
      mrkdwn_in: c.mrkdwnIn.length ? c.mrkdwnIn : undefined,
    },
    ['text', 'fallback', 'callback_id', 'footer'],
  );
  return omitEmpty({
    channel: text(c.channel, () => ''),
    username: text(c.username, () => 'metrics-hub'),
    icon_emoji: text(c.iconEmoji, () => ''),
    icon_url: text(c.iconUrl, () => ''),
    link_names: c.linkNames || undefined,
    attachments: [attachment],
  });
}

/** The alerts, one line each, escaped as Slack's mrkdwn requires. */
function defaultText(n: Notification): string {
  const { firing, resolved } = firingAndResolved(n);
  const lines: string[] = [];
  const list = (alerts: typeof firing) => {
    for (const a of alerts.slice(0, MAX_LISTED)) lines.push(`• ${escapeMrkdwn(alertLine(a))}`);
    if (alerts.length > MAX_LISTED) lines.push(`… and ${alerts.length - MAX_LISTED} more`);
  };
  if (firing.length && resolved.length) {
    lines.push('*Firing*');
    list(firing);
    lines.push('*Resolved*');
    list(resolved);
  } else list(n.alerts);
  if (n.truncatedAlerts) lines.push(`(${n.truncatedAlerts} more not shown)`);
  return lines.join('\n');
}

function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : s;
}

function omitEmpty(o: Record<string, unknown>, keep: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (keep.includes(k) || (v !== undefined && v !== '')) out[k] = v;
  return out;
}

/** Slack can answer 200 and still refuse (`{"ok": false, "error": "..."}`). */
function checkReply(reply: PostReply): void {
  if (!reply.contentType.startsWith('application/json')) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.body);
  } catch {
    return;
  }
  if (parsed && typeof parsed === 'object' && (parsed as { ok?: unknown }).ok === false) {
    const error = String((parsed as { error?: unknown }).error ?? 'no reason given');
    throw new DeliveryError('slack', 'refused', `the server answered ${reply.status} but refused the message: ${error}`, {
      retryable: false,
      status: reply.status,
      response: excerpt(reply.body),
    });
  }
}
