// Receivers: integrations that deliver a Notification (webhook, email, Slack, desktop).
export { createIntegration, RECEIVER_KINDS, type IntegrationDeps, type ReceiverIntegration } from './create-integration.ts';
export { DeliveryError, ReceiverConfigError, type DeliveryErrorCode, type ReceiverKind } from './errors.ts';
export { WebhookIntegration, readWebhookConfig, type WebhookConfig } from './webhook.ts';
export { encodeWebhookMessage, webhookMessage, type WebhookAlert, type WebhookMessage } from './webhook-payload.ts';
export { SlackIntegration, readSlackConfig, slackMessage, type SlackConfig } from './slack.ts';
export { EmailIntegration, readEmailConfig, type EmailConfig } from './email.ts';
export {
  DesktopIntegration,
  readDesktopConfig,
  defaultDesktopTitle,
  defaultDesktopBody,
  urgencyOf,
  type DesktopConfig,
} from './desktop.ts';
export type { DesktopNotice, DesktopNotifier, DesktopUrgency } from './desktop-notifier.ts';
export { LinuxDesktopNotifier, type LinuxDesktopNotifierOptions } from './linux-desktop-notifier.ts';
export { notificationTemplateData, type TemplateAlert, type TemplateAlerts, type TemplateData } from './template-data.ts';
export { defaultSubject } from './default-text.ts';
export type { Fetch } from './http-post.ts';
