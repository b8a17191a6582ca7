// Fuzzing the alerting.yml reader: parseNotifierConfig answers { ok: false, problems } for
// anything it cannot use and never throws; the receivers of a config it accepts are then
// built (as the notifier does at load) and refused only with ReceiverConfigError. No input
// may hang either (YAML alias bombs included).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { fuzz } from '@metrics-hub/testing';
import { createIntegration } from '../receivers/create-integration.ts';
import { ReceiverConfigError, type ReceiverKind } from '../receivers/errors.ts';
import { aliasBomb, mutatedYaml, yamlIsh } from '../testing/yaml-ish.ts';
import { parseNotifierConfig } from './config.ts';

const SEEDS = [
  `global:
  smtp_smarthost: mail:25
  smtp_from: hub@example.com
  smtp_auth_username: hub
  smtp_auth_password: secret
route:
  receiver: ops
  group_by: [alertname, cluster]
  group_wait: 10s
  routes:
    - matchers: ['severity=~"critical|page"']
      receiver: pager
      continue: true
      repeat_interval: 1h30m
    - match: { team: db }
      match_re: { env: prod|stage }
      receiver: ops
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [instance]
receivers:
  - name: ops
    webhook_configs:
      - url: http://ops.example/hook
        send_resolved: false
        http_config: { authorization: { credentials: abc } }
    email_configs:
      - to: ops@example.com
  - name: pager
    slack_configs: [{ api_url: 'https://hooks.slack.com/services/T/B/X', channel: '#pager' }]
`,
  'route: { receiver: none }\nreceivers:\n  - name: none\n',
];

describe('alerting.yml fuzzing', () => {
  it('answers problems or a config, and builds its receivers or refuses them with ReceiverConfigError', async () => {
    const input = fc.oneof(
      { weight: 4, arbitrary: mutatedYaml(SEEDS) },
      { weight: 2, arbitrary: yamlIsh },
      { weight: 1, arbitrary: aliasBomb },
    );
    await fuzz('alerts-notifier-config', input, (text) => {
      const r = parseNotifierConfig(text, 'alerting.yml');
      if (!r.ok) {
        if (r.problems.length === 0) throw new Error('refused without a problem');
        return;
      }
      for (const receiver of r.config.receivers) {
        for (const integration of receiver.integrations) {
          if (integration.kind === 'desktop') continue; // needs a desktop notifier
          try {
            createIntegration(integration.kind as ReceiverKind, integration.config);
          } catch (e) {
            if (!(e instanceof ReceiverConfigError)) throw e;
          }
        }
      }
    });
  }, 120_000);
});
