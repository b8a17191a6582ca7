// slack_config: one message with one attachment per notification to a Slack incoming webhook,
// or to anything that speaks its format (Mattermost, Rocket.Chat, Zulip's Slack endpoint).
// Defaults follow Alertmanager's: the subject as title, red ("danger") while firing, green
// ("good") when resolved; unlike Alertmanager the default text lists the alerts.

import { readFile } from 'node:fs/promises';
import { goJson } from '@metrics-hub/go-format';
import type { Integration, Notification, TemplateRenderer } from '../model.ts';
import { selectForSendResolved } from './alert-selection.ts';
import { ConfigReader } from './config-reader.ts';
import { alertLine, defaultSubject, firingAndResolved } from './default-text.ts';
import { DeliveryError, excerpt } from './errors.ts';
import { authorizationHeader, readHttpConfig, type HttpConfig } from './http-config.ts';
import { DEFAULT_HTTP_TIMEOUT_MS, describeUrl, post, type Fetch, type PostReply } from './http-post.ts';
import { notificationTemplateData } from './template-data.ts';
import { compileTextField, readTextField, type TextField } from './template-field.ts';

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

const TEXT_FIELDS = {
  channel: 'channel',
  username: 'username',
  iconEmoji: 'icon_emoji',
  iconUrl: 'icon_url',
  color: 'color',
  title: 'title',
  titleLink: 'title_link',
  pretext: 'pretext',
  text: 'text',
  fallback: 'fallback',
  callbackId: 'callback_id',
  footer: 'footer',
  imageUrl: 'image_url',
  thumbUrl: 'thumb_url',
} as const;

const UNSUPPORTED = ['actions', 'update_message', 'edit_messages', 'app_token', 'app_url'];

export function readSlackConfig(raw: unknown, render?: TemplateRenderer): SlackConfig {
  const r = ConfigReader.of('slack', raw);
  for (const field of UNSUPPORTED) if (r.has(field)) r.fail(field, 'is not supported by metrics-hub receivers');
  const apiUrl = r.httpUrl('api_url');
  const apiUrlFile = r.string('api_url_file');
  if (apiUrl === undefined && apiUrlFile === undefined) r.fail('api_url', 'is required (the incoming webhook URL; or api_url_file)');
  if (apiUrl !== undefined && apiUrlFile !== undefined) r.fail('api_url_file', 'set either api_url or api_url_file, not both');
  const config: SlackConfig = {
    sendResolved: r.boolean('send_resolved', false),
    timeoutMs: r.positiveDuration('timeout', DEFAULT_HTTP_TIMEOUT_MS),
    http: readHttpConfig(r),
    linkNames: r.boolean('link_names', false),
    shortFields: r.boolean('short_fields', false),
    mrkdwnIn: r.stringList('mrkdwn_in') ?? ['fallback', 'pretext', 'text'],
    fields: [],
  };
  if (apiUrl !== undefined) config.apiUrl = apiUrl;
  if (apiUrlFile !== undefined) config.apiUrlFile = apiUrlFile;
  for (const [prop, key] of Object.entries(TEXT_FIELDS) as [keyof typeof TEXT_FIELDS, string][]) {
    const field = readTextField(r, key, render);
    if (field) config[prop] = field;
  }
  for (const f of r.sections('fields') ?? []) {
    const short = f.has('short') ? f.boolean('short', false) : undefined;
    config.fields.push({
      title: compileTextField(f, 'title', f.requiredString('title'), render),
      value: compileTextField(f, 'value', f.requiredString('value'), render),
      ...(short === undefined ? {} : { short }),
    });
    f.finish();
  }
  r.finish();
  return config;
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
