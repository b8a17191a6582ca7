import { describe, expect, it } from 'vitest';
import { createIntegration, type IntegrationDeps } from './create-integration.ts';
import type { DesktopNotifier } from './desktop-notifier.ts';
import { ReceiverConfigError, type ReceiverKind } from './errors.ts';
import { standInRenderer } from './testing/fixtures.ts';

const desktop: DesktopNotifier = { notify: async () => {} };

function configError(kind: ReceiverKind, config: unknown, deps: IntegrationDeps = {}): ReceiverConfigError {
  try {
    createIntegration(kind, config, deps);
  } catch (err) {
    expect(err).toBeInstanceOf(ReceiverConfigError);
    return err as ReceiverConfigError;
  }
  throw new Error(`expected ${JSON.stringify(config)} to be refused`);
}

const SMTP = { to: 'a@example.org', from: 'hub@example.org', smarthost: 'smtp.example.org:587' };

describe('createIntegration', () => {
  it('builds each kind with Alertmanager’s send_resolved defaults', () => {
    const made = [
      createIntegration('webhook', { url: 'http://127.0.0.1:5001/' }),
      createIntegration('slack', { api_url: 'https://hooks.slack.com/services/T/B/X' }),
      createIntegration('email', SMTP),
      createIntegration('desktop', {}, { desktop }),
    ];
    expect(made.map((i) => [i.kind, i.sendResolved])).toEqual([
      ['webhook', true],
      ['slack', false],
      ['email', false],
      ['desktop', true],
    ]);
  });

  it('accepts a full webhook config as Alertmanager writes it', () => {
    const hook = createIntegration('webhook', {
      url: 'https://hooks.example.org/alerts',
      send_resolved: false,
      max_alerts: 10,
      timeout: '1m30s',
      http_config: { basic_auth: { username: 'hub', password_file: '/run/secrets/hook' }, follow_redirects: false },
    });
    expect(hook.sendResolved).toBe(false);
  });

  const refused: [string, ReceiverKind, unknown, string, string][] = [
    [
      'a config that is not a mapping',
      'webhook',
      'http://x',
      '',
      'webhook receiver: the config must be a mapping (its value not shown: it may be a secret)',
    ],
    ['a webhook without url', 'webhook', {}, 'url', 'webhook receiver: url is required: the address alerts are posted to (or url_file)'],
    [
      'a url that is not http',
      'webhook',
      { url: 'ftp://example.org' },
      'url',
      'webhook receiver: url must be an http:// or https:// URL, not ftp: (its value not shown: it may be a secret)',
    ],
    [
      'a url that does not parse',
      'webhook',
      { url: 'not a url' },
      'url',
      'webhook receiver: url is not a URL (its value not shown: it may be a secret)',
    ],
    [
      'a misspelt field',
      'webhook',
      { url: 'http://x/', send_resolve: true },
      'send_resolve',
      'webhook receiver: unknown key "send_resolve": did you mean "send_resolved"? Known keys are url, ',
    ],
    [
      'a string for a boolean',
      'webhook',
      { url: 'http://x/', send_resolved: 'yes' },
      'send_resolved',
      'webhook receiver: send_resolved must be true or false (got "yes")',
    ],
    [
      'a negative max_alerts',
      'webhook',
      { url: 'http://x/', max_alerts: -1 },
      'max_alerts',
      'webhook receiver: max_alerts must be a whole number (0 or more) (got -1)',
    ],
    [
      'a duration without unit',
      'webhook',
      { url: 'http://x/', timeout: 10 },
      'timeout',
      'webhook receiver: timeout must be a duration like 30s, 5m or 1h30m (got 10)',
    ],
    [
      'a zero timeout',
      'webhook',
      { url: 'http://x/', timeout: '0s' },
      'timeout',
      'webhook receiver: timeout must be longer than 0s (got "0s")',
    ],
    [
      'two kinds of credentials',
      'webhook',
      { url: 'http://x/', http_config: { basic_auth: { username: 'u', password: 'p' }, bearer_token: 't' } },
      'http_config.bearer_token',
      'webhook receiver: http_config.bearer_token is set together with basic_auth: set only one of basic_auth, bearer_token, bearer_token_file and authorization',
    ],
    [
      'basic auth without user',
      'webhook',
      { url: 'http://x/', http_config: { basic_auth: { password: 'p' } } },
      'http_config.basic_auth.username',
      'webhook receiver: http_config.basic_auth.username is required',
    ],
    [
      'tls_config',
      'webhook',
      { url: 'http://x/', http_config: { tls_config: { insecure_skip_verify: true } } },
      'http_config.tls_config',
      'webhook receiver: http_config.tls_config is not supported: remove it (metrics-hub receivers do not implement it)',
    ],
    [
      'a template with no engine',
      'webhook',
      { url: 'http://x/', body_template: '{"s": "{{ .Status }}"}' },
      'body_template',
      'webhook receiver: body_template is a template ({{ ... }}) but no template renderer was given to createIntegration',
    ],
    [
      'slack without api_url',
      'slack',
      { channel: '#ops' },
      'api_url',
      'slack receiver: api_url is required: the incoming webhook URL (or api_url_file)',
    ],
    [
      'a slack field without value',
      'slack',
      { api_url: 'http://x/', fields: [{ title: 'a' }] },
      'fields[0].value',
      'slack receiver: fields[0].value is required',
    ],
    [
      'slack actions',
      'slack',
      { api_url: 'http://x/', actions: [] },
      'actions',
      'slack receiver: actions is not supported: remove it (metrics-hub receivers do not implement it)',
    ],
    ['email without to', 'email', { ...SMTP, to: undefined }, 'to', 'email receiver: to is required: the recipients, comma separated'],
    [
      'two senders',
      'email',
      { ...SMTP, from: 'a@example.org, b@example.org' },
      'from',
      'email receiver: from: must be exactly one address, got 2',
    ],
    ['a recipient that is no address', 'email', { ...SMTP, to: 'oncall' }, 'to', 'email receiver: to: "oncall" holds no email address'],
    [
      'a smarthost without port',
      'email',
      { ...SMTP, smarthost: 'smtp.example.org' },
      'smarthost',
      'email receiver: smarthost must be host:port (got "smtp.example.org"): the SMTP server as host:port, e.g. smtp.example.org:587',
    ],
    [
      'a password without user',
      'email',
      { ...SMTP, auth_password: 'p' },
      'auth_username',
      'email receiver: auth_username is required when a password is set',
    ],
    [
      'a header that is not text',
      'email',
      { ...SMTP, headers: { 'X-Team': 5 } },
      'headers.X-Team',
      'email receiver: headers.X-Team must be text (its value not shown: it may be a secret)',
    ],
    [
      'the same header twice',
      'email',
      { ...SMTP, headers: { Subject: 'a', subject: 'b' } },
      'headers.subject',
      'email receiver: headers.subject repeats the header Subject (names are case-insensitive): keep one',
    ],
    [
      'an unknown tls option',
      'email',
      { ...SMTP, tls_config: { insecure: true } },
      'tls_config.insecure',
      'email receiver: unknown key "tls_config.insecure": known keys are insecure_skip_verify, ca_file, server_name',
    ],
    [
      'an unknown urgency',
      'desktop',
      { urgency: 'high' },
      'urgency',
      'desktop receiver: urgency must be one of low, normal, critical (got "high")',
    ],
    [
      'an unknown kind',
      'pagerduty' as ReceiverKind,
      {},
      '',
      'pagerduty receiver: unknown receiver kind (known: webhook, email, slack, desktop)',
    ],
  ];

  for (const [what, kind, config, field, message] of refused) {
    it(`refuses ${what}, naming ${field || 'the config'}`, () => {
      const err = configError(kind, config, { desktop });
      expect(err.field).toBe(field);
      expect(err.message.slice(0, message.length)).toBe(message);
    });
  }

  it('uses a template as plain text when it has no {{, and renders it when an engine is given', () => {
    expect(() => createIntegration('slack', { api_url: 'http://x/', title: 'Alerts!' })).not.toThrow();
    expect(() => createIntegration('slack', { api_url: 'http://x/', title: '{{ .Status }}' }, { render: standInRenderer })).not.toThrow();
    expect(configError('slack', { api_url: 'http://x/', fields: [{ title: '{{ .Status }}', value: 'v' }] }).field).toBe('fields[0].title');
    expect(configError('email', { ...SMTP, headers: { Subject: '{{ .Status }}' } }).field).toBe('headers.Subject');
  });
});
