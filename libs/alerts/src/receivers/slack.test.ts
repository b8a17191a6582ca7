import { describe, expect, it } from 'vitest';
import { createIntegration } from './create-integration.ts';
import { firingNotification, mixedNotification, resolvedNotification, standInRenderer, rejection } from './testing/fixtures.ts';
import { recorderPerTest } from './testing/http-recorder.ts';

const serve = recorderPerTest();

describe('slack receiver', () => {
  it("posts one attachment with Alertmanager's fields and defaults for a firing notification", async () => {
    const s = await serve();
    await createIntegration('slack', { api_url: `${s.url}/services/T000/B000/XXXX`, channel: '#ops' }).send(firingNotification());
    const [req] = s.requests;
    expect(req.path).toBe('/services/T000/B000/XXXX');
    expect(req.headers['content-type']).toBe('application/json');
    // Field order as Alertmanager's structs; <, > and & escaped as Go's encoder does.
    expect(req.body).toBe(
      `{"channel":"#ops","username":"metrics-hub","attachments":[{` +
        `"title":"[FIRING:2] HostDown (node critical)","title_link":"http://hub.example:9464",` +
        String.raw`"text":"• web-1:9100: web-1 is down\n• web-2:9100: web-2 is down \u0026lt;since boot\u0026gt;",` +
        `"fallback":"[FIRING:2] HostDown (node critical) | http://hub.example:9464","callback_id":"","footer":"","color":"danger",` +
        `"mrkdwn_in":["fallback","pretext","text"]}]}` +
        '\n',
    );
  });

  it('colours a resolved notification green and sends it only with send_resolved', async () => {
    const s = await serve();
    await createIntegration('slack', { api_url: s.url }).send(resolvedNotification());
    expect(s.requests).toHaveLength(0);
    await createIntegration('slack', { api_url: s.url, send_resolved: true }).send(resolvedNotification());
    expect(JSON.parse(s.requests[0].body)).toEqual({
      username: 'metrics-hub',
      attachments: [
        {
          title: '[RESOLVED] HostDown (web-1:9100 node critical)',
          title_link: 'http://hub.example:9464',
          text: '• web-1:9100: web-1 is down',
          fallback: '[RESOLVED] HostDown (web-1:9100 node critical) | http://hub.example:9464',
          callback_id: '',
          footer: '',
          color: 'good',
          mrkdwn_in: ['fallback', 'pretext', 'text'],
        },
      ],
    });
  });

  it('lists firing and resolved alerts apart when a notification holds both', async () => {
    const s = await serve();
    await createIntegration('slack', { api_url: s.url, send_resolved: true }).send(mixedNotification());
    const body = JSON.parse(s.requests[0].body);
    expect(body.attachments[0].title).toBe('[FIRING:1] HostDown (node critical)');
    expect(body.attachments[0].text).toBe(
      '*Firing*\n• web-1:9100: web-1 is down\n*Resolved*\n• web-2:9100: web-2 is down &lt;since boot&gt;',
    );
  });

  it('renders configured templates and fields, and leaves out what is empty', async () => {
    const s = await serve();
    const slack = createIntegration(
      'slack',
      {
        api_url: s.url,
        channel: '#{{ .CommonLabels.job }}',
        username: 'hub-bot',
        icon_emoji: ':fire:',
        title: '{{ .CommonLabels.alertname }} is {{ .Status }}',
        text: '{{ len .Alerts }} hosts',
        color: '#ff0000',
        link_names: true,
        mrkdwn_in: ['text'],
        fields: [
          { title: 'Severity', value: '{{ .CommonLabels.severity }}', short: true },
          { title: 'Runbook', value: '{{ .CommonAnnotations.runbook }}' },
        ],
      },
      { render: standInRenderer },
    );
    await slack.send(firingNotification());
    expect(JSON.parse(s.requests[0].body)).toEqual({
      channel: '#node',
      username: 'hub-bot',
      icon_emoji: ':fire:',
      link_names: true,
      attachments: [
        {
          title: 'HostDown is firing',
          title_link: 'http://hub.example:9464',
          text: '2 hosts',
          fallback: 'HostDown is firing | http://hub.example:9464',
          callback_id: '',
          fields: [
            { title: 'Severity', value: 'critical', short: true },
            { title: 'Runbook', value: 'https://wiki.example/HostDown', short: false },
          ],
          footer: '',
          color: '#ff0000',
          mrkdwn_in: ['text'],
        },
      ],
    });
  });

  it('rejects a 500 with status and body, hides the secret URL path, and delivers on the retry', async () => {
    const s = await serve((_, i) => (i === 0 ? { status: 500, body: 'internal_error' } : { body: 'ok' }));
    const slack = createIntegration('slack', { api_url: `${s.url}/services/T000/B000/XXXX` });
    const err = await rejection(slack.send(firingNotification()));
    expect(err.code).toBe('http_status');
    expect(err.status).toBe(500);
    expect(err.message).toBe(`slack: POST ${s.url}/<secret> answered 500 Internal Server Error: internal_error`);
    expect(err.message).not.toContain('XXXX');
    await expect(slack.send(firingNotification())).resolves.toBeUndefined();
    expect(s.requests).toHaveLength(2);
  });

  it('rejects a 200 whose JSON says ok: false', async () => {
    const s = await serve(() => ({ contentType: 'application/json; charset=utf-8', body: '{"ok":false,"error":"channel_not_found"}' }));
    const err = await rejection(createIntegration('slack', { api_url: s.url }).send(firingNotification()));
    expect(err.code).toBe('refused');
    expect(err.retryable).toBe(false);
    expect(err.message).toBe('slack: the server answered 200 but refused the message: channel_not_found');
  });

  it('accepts what Slack-compatible servers answer (Mattermost "ok", Rocket.Chat {"success": true})', async () => {
    const s = await serve((_, i) => (i === 0 ? { body: 'ok' } : { contentType: 'application/json', body: '{"success":true}' }));
    const slack = createIntegration('slack', { api_url: s.url });
    await slack.send(firingNotification());
    await slack.send(firingNotification());
    expect(s.requests).toHaveLength(2);
  });

  it('times out and sends http_config credentials', async () => {
    const s = await serve(() => ({ delayMs: 3000 }));
    const err = await rejection(
      createIntegration('slack', { api_url: s.url, timeout: '250ms', http_config: { bearer_token: 'xoxb-1' } }).send(firingNotification()),
    );
    expect(err.code).toBe('timeout');
    expect(err.message).toBe(`slack: POST ${s.url}/<secret>: no answer within 250ms (timeout)`);
    expect(s.requests[0].headers.authorization).toBe('Bearer xoxb-1');
  });

  it('cuts a title longer than Slack allows', async () => {
    const s = await serve();
    await createIntegration('slack', { api_url: s.url, title: 'é'.repeat(1500) }).send(firingNotification());
    const title: string = JSON.parse(s.requests[0].body).attachments[0].title;
    expect([...title]).toHaveLength(1024);
    expect(title.endsWith('é…')).toBe(true);
  });
});
