// From a receiver's config entry (e.g. one item of `webhook_configs`) to a ready Integration.
// All checking happens here, at load time, so a bad config is refused with the field to fix
// instead of failing at the first alert.

import type { Integration, TemplateRenderer } from '../model.ts';
import { DesktopIntegration, readDesktopConfig } from './desktop.ts';
import type { DesktopNotifier } from './desktop-notifier.ts';
import { EmailIntegration, readEmailConfig } from './email.ts';
import { ReceiverConfigError, type ReceiverKind } from './errors.ts';
import type { Fetch } from './http-post.ts';
import { LinuxDesktopNotifier } from './linux-desktop-notifier.ts';
import { readSlackConfig, SlackIntegration } from './slack.ts';
import { readWebhookConfig, WebhookIntegration } from './webhook.ts';

export interface IntegrationDeps {
  /** The Go-template engine; without it, configured templates are refused and defaults apply. */
  render?: TemplateRenderer;
  /** Where desktop notifications go; default LinuxDesktopNotifier on Linux. */
  desktop?: DesktopNotifier;
  /** Default globalThis.fetch (Electron may pass net.fetch for the system proxy). */
  fetch?: Fetch;
  /** Clock for the email Date header; default Date.now. */
  now?: () => number;
}

/** An Integration that also tells whether it sends resolved notifications. */
export interface ReceiverIntegration extends Integration {
  readonly kind: ReceiverKind;
  /** false: resolved alerts are dropped, and a notification of only resolved ones is not sent. */
  readonly sendResolved: boolean;
}

export const RECEIVER_KINDS: readonly ReceiverKind[] = ['webhook', 'email', 'slack', 'desktop'];

export function createIntegration(kind: ReceiverKind, config: unknown, deps: IntegrationDeps = {}): ReceiverIntegration {
  switch (kind) {
    case 'webhook':
      return new WebhookIntegration(readWebhookConfig(config, deps.render), deps);
    case 'slack':
      return new SlackIntegration(readSlackConfig(config, deps.render), deps);
    case 'email':
      return new EmailIntegration(readEmailConfig(config, deps.render), deps);
    case 'desktop': {
      const parsed = readDesktopConfig(config, deps.render);
      return new DesktopIntegration(parsed, deps.desktop ?? defaultDesktopNotifier());
    }
    default:
      throw new ReceiverConfigError(String(kind), '', `unknown receiver kind (known: ${RECEIVER_KINDS.join(', ')})`);
  }
}

function defaultDesktopNotifier(): DesktopNotifier {
  if (process.platform !== 'linux') {
    throw new ReceiverConfigError(
      'desktop',
      '',
      `no desktop notifier for ${process.platform}: pass one in deps.desktop (the Electron shell does)`,
    );
  }
  return new LinuxDesktopNotifier();
}
