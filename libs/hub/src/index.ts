export { Hub, HUB_VERSION, type HubDeps } from './hub.ts';
export { loadHubConfig, parseHubConfig, isLoopback, loopbackFor, ConfigError, type HubConfig, type HostPort } from './config.ts';
export { defaultDataDir } from './paths.ts';
export { escapeControlCharacters, escapingLog } from './log-line.ts';
export { apiTokenFile, ensureApiToken, readApiToken } from './api-token.ts';
// For printing endpoint addresses (hub check): a URL's password hidden.
export { redactUrl } from '@metrics-hub/remote-write';
export { AgentTokens, type AgentTokenInfo } from './tokens.ts';
export { Ingester, type IngestOutcome, type IngestStats } from './ingest/ingester.ts';
export { DeliveryLedger } from './ingest/delivery-ledger.ts';
export { FleetRegistry, type FleetAgent } from './fleet/registry.ts';
export { parseBirth, BirthFormatError, BIRTH_LIMITS, type Birth } from './fleet/birth.ts';
export { stampAgentIdentity, AGENT_IDENTITY_LABEL } from './ingest/agent-identity.ts';
export { EmbeddedBroker } from './broker/embedded-broker.ts';
export { ExternalBroker } from './broker/external-broker.ts';
export type { MessageSink } from './broker/message-sink.ts';
export type { RouteHandler } from './http/server.ts';
export { CLIENT_HEADER } from './http/browser-guard.ts';
