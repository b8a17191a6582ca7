// hub.yaml's `remote_write:` section: where the hub forwards every sample it stores. A list
// of endpoints as Prometheus writes it (a single mapping is taken as a list of one):
//
//   remote_write:
//     - url: https://vm.example.com/api/v1/write
//       bearer_token_file: /etc/metrics-hub/vm-token
//       shards: 4
//     - url: http://mimir:9009/api/v1/push
//       headers: { X-Scope-OrgID: home }
//
// Environment overrides do not reach into lists: keep secrets in *_file keys instead.

import { existsSync } from 'node:fs';
import type { ConfigDocument, KeySpec } from '@metrics-hub/config';
import { ENDPOINT_DEFAULTS, QUEUE_PARTITIONS, RESERVED_HEADERS, redactUrl, type RemoteWriteEndpoint } from '@metrics-hub/remote-write';

export const REMOTE_WRITE_SECTION = 'remote_write';

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const headersKind = (raw: unknown) => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: 'must be a mapping of header names to values' };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!HEADER_NAME.test(k)) return { error: `has an invalid header name ${JSON.stringify(k)}` };
    if (RESERVED_HEADERS.includes(k.toLowerCase()))
      return { error: `may not set ${k}: the protocol sets it (use bearer_token or username/password for Authorization)` };
    if (typeof v !== 'string' && typeof v !== 'number') return { error: `header ${k} must have a text value` };
    out[k] = String(v);
  }
  return { value: out };
};

const KEYS: Record<string, KeySpec> = {
  url: { kind: 'string', default: undefined, help: 'the endpoint, e.g. http://victoria:8428/api/v1/write or https://mimir/api/v1/push' },
  name: {
    kind: 'string',
    default: undefined,
    help: 'names the endpoint in status and metrics and its place in the queue (default: the url); keep it when changing the url to keep the backlog',
  },
  bearer_token: { kind: 'string', default: undefined, secret: true, help: 'sent as Authorization: Bearer <token>' },
  bearer_token_file: { kind: 'string', default: undefined, help: 'a file holding the bearer token (read at every request)' },
  username: { kind: 'string', default: undefined, help: 'basic auth user' },
  password: { kind: 'string', default: undefined, secret: true, help: 'basic auth password' },
  password_file: { kind: 'string', default: undefined, help: 'a file holding the basic auth password' },
  headers: { kind: headersKind, default: undefined, secret: true, help: 'extra HTTP headers, e.g. { X-Scope-OrgID: tenant-1 }' },
  tls_ca_file: { kind: 'string', default: undefined, help: 'CA certificate(s) to trust for an https url' },
  tls_cert_file: { kind: 'string', default: undefined, help: 'client certificate for an https url' },
  tls_key_file: { kind: 'string', default: undefined, help: 'its private key' },
  tls_insecure_skip_verify: { kind: 'bool', default: false, help: 'accept any server certificate (testing only)' },
  shards: {
    kind: 'int',
    default: ENDPOINT_DEFAULTS.shards,
    help: `concurrent requests, 1 to ${QUEUE_PARTITIONS}; a series always goes through the same one, in order`,
  },
  max_samples_per_send: { kind: 'int', default: ENDPOINT_DEFAULTS.maxSamplesPerSend, help: 'most samples in one request' },
  batch_send_deadline: {
    kind: 'duration',
    default: `${ENDPOINT_DEFAULTS.batchSendDeadlineMs}ms`,
    help: 'longest a sample waits for a request to fill up',
  },
  queue_max_bytes: {
    kind: 'bytes',
    default: `${ENDPOINT_DEFAULTS.queueMaxBytes}`,
    help: 'queue this endpoint may have waiting on disk; beyond it the oldest samples are dropped (counted and logged)',
  },
  remote_timeout: { kind: 'duration', default: `${ENDPOINT_DEFAULTS.timeoutMs}ms`, help: 'how long one request may take' },
  min_backoff: {
    kind: 'duration',
    default: `${ENDPOINT_DEFAULTS.minBackoffMs}ms`,
    help: 'first wait before retrying a failed request (doubles up to max_backoff)',
  },
  max_backoff: { kind: 'duration', default: `${ENDPOINT_DEFAULTS.maxBackoffMs}ms`, help: 'longest wait between retries' },
};

/** The endpoints of `remote_write:`, problems reported into `doc` with their line. */
export function readRemoteWriteConfig(doc: ConfigDocument): RemoteWriteEndpoint[] {
  const { root, problems, where } = doc;
  const raw = root[REMOTE_WRITE_SECTION];
  if (raw === undefined || raw === null) return [];
  const single = !Array.isArray(raw);
  const list: unknown[] = single ? [raw] : raw;
  const endpoints: RemoteWriteEndpoint[] = [];
  const names = new Set<string>();
  list.forEach((item, i) => {
    const path = (key?: string): (string | number)[] => [REMOTE_WRITE_SECTION, ...(single ? [] : [i]), ...(key ? [key] : [])];
    const label = single ? 'remote_write' : `remote_write #${i + 1}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(`${where(path())}: ${label} must be a mapping with at least url: (a list of them for several endpoints)`);
      return;
    }
    const e = item as Record<string, unknown>;
    for (const key of Object.keys(e))
      if (!(key in KEYS))
        problems.push(`${where(path(key))}: unknown key "${key}" in ${label}: known keys are ${Object.keys(KEYS).join(', ')}`);
    const get = <T>(key: string, required = false): T => doc.field<T>(e[key], KEYS[key], path(key), `${label} ${key}`, required);
    const url = get<string>('url', true);
    if (url && !/^https?:\/\/[^/]/.test(url))
      // The URL itself is not repeated: it may carry user:password.
      problems.push(`${where(path('url'))}: ${label} url must start with http:// or https://`);
    const bearerToken = get<string | undefined>('bearer_token');
    const bearerTokenFile = get<string | undefined>('bearer_token_file');
    const username = get<string | undefined>('username');
    const password = get<string | undefined>('password');
    const passwordFile = get<string | undefined>('password_file');
    if (bearerToken && bearerTokenFile)
      problems.push(`${where(path('bearer_token_file'))}: ${label}: set bearer_token or bearer_token_file, not both`);
    if ((bearerToken || bearerTokenFile) && username !== undefined)
      problems.push(`${where(path('username'))}: ${label}: use a bearer token or basic auth (username/password), not both`);
    if (password !== undefined && passwordFile)
      problems.push(`${where(path('password_file'))}: ${label}: set password or password_file, not both`);
    if ((password !== undefined || passwordFile) && username === undefined)
      problems.push(`${where(path('password'))}: ${label}: a password needs a username`);
    const tls = {
      caFile: get<string | undefined>('tls_ca_file'),
      certFile: get<string | undefined>('tls_cert_file'),
      keyFile: get<string | undefined>('tls_key_file'),
      insecureSkipVerify: get<boolean>('tls_insecure_skip_verify'),
    };
    if (!!tls.certFile !== !!tls.keyFile)
      problems.push(`${where(path('tls_cert_file'))}: ${label}: tls_cert_file and tls_key_file go together`);
    for (const key of ['bearer_token_file', 'password_file', 'tls_ca_file', 'tls_cert_file', 'tls_key_file']) {
      const file = e[key];
      if (typeof file === 'string' && !existsSync(file)) problems.push(`${where(path(key))}: ${label} ${key} ${file} does not exist`);
    }
    const shards = get<number>('shards');
    if (shards < 1 || shards > QUEUE_PARTITIONS)
      problems.push(`${where(path('shards'))}: ${label} shards must be 1 to ${QUEUE_PARTITIONS}`);
    const maxSamples = get<number>('max_samples_per_send');
    if (maxSamples < 1) problems.push(`${where(path('max_samples_per_send'))}: ${label} max_samples_per_send must be at least 1`);
    const endpoint: RemoteWriteEndpoint = {
      url: url ?? '',
      name: get<string | undefined>('name'),
      auth: { bearerToken, bearerTokenFile, username, password, passwordFile },
      headers: get<Record<string, string> | undefined>('headers'),
      tls: url?.startsWith('https:') || tls.caFile || tls.certFile ? tls : undefined,
      shards,
      maxSamplesPerSend: maxSamples,
      batchSendDeadlineMs: get('batch_send_deadline'),
      queueMaxBytes: get('queue_max_bytes'),
      timeoutMs: get('remote_timeout'),
      minBackoffMs: get('min_backoff'),
      maxBackoffMs: get('max_backoff'),
    };
    const name = endpoint.name ?? url;
    if (name && names.has(name))
      problems.push(
        `${where(path(endpoint.name ? 'name' : 'url'))}: ${label}: another endpoint has the name ${JSON.stringify(endpoint.name ?? redactUrl(url))}: give them different names`,
      );
    names.add(name);
    endpoints.push(endpoint);
  });
  return endpoints;
}
