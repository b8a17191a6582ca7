// The hub's YAML config (hub.yaml): every key has a default, so an empty file (or none)
// runs a complete hub: embedded broker on 1883, HTTP API on 127.0.0.1:9464, the store in
// the per-user data folder and a local agent. Environment overrides: METRICS_HUB_<SECTION>_<KEY>.

import { availableParallelism, hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ConfigError, openConfigDocument, readConfigText, type ConfigDocument, type ConfigSchema } from '@metrics-hub/config';
import { agentIdProblem, DEFAULT_TOPIC_PREFIX } from '@metrics-hub/wire';
import { defaultDataDir } from './paths.ts';
import { readAppSettings, withAppSettings } from './app-settings.ts';
import { readRemoteWriteConfig, REMOTE_WRITE_SECTION } from './remote-write/remote-write-config.ts';
import type { RemoteWriteEndpoint } from '@metrics-hub/remote-write';
import { isLoopback, parseAllowedHost, type ParsedHost } from './http/allowed-hosts.ts';

export { isLoopback };

export { ConfigError };

export interface HostPort {
  host: string;
  port: number;
}

export interface HubConfig {
  /** Where it came from (to check settings changed in the app against it). */
  source?: { text: string; file: string; env: NodeJS.ProcessEnv };
  dataDir: string;
  topicPrefix: string;
  broker:
    | {
        mode: 'embedded';
        listen: HostPort | undefined;
        tls: { listen: HostPort; certFile: string; keyFile: string; caFile?: string; requireClientCertificate: boolean } | undefined;
        maxConnections: number;
        maxPacketBytes: number;
      }
    | {
        mode: 'external';
        url: string;
        clientId: string;
        username?: string;
        password?: string;
        protocolVersion: 4 | 5;
        sharedGroup?: string;
        tls?: { caFile?: string; certFile?: string; keyFile?: string };
      };
  http: {
    listen: HostPort;
    token: string | undefined;
    /** Names the hub is reached by beside its listen address (a proxy's, a LAN name): other Host headers are refused. */
    allowedHosts: ParsedHost[];
  };
  store: {
    durability: 'process' | 'power';
    retentionMs: number;
    rollup1mRetentionMs: number;
    rollup1hRetentionMs: number;
    maxSeries: number;
    /** Samples stamped further ahead of the hub's clock are refused, whoever sends them. */
    maxFutureMs: number;
    /** Cold storage, when on: the archive folder and how long its files are kept (undefined: forever). */
    archive?: { dir: string; retentionMs?: number };
  };
  ingest: { maxBatchBytes: number; maxCommitSamples: number; maxPendingBytes: number; acceptPastRetention: boolean };
  fleet: { upIntervalMs: number };
  localAgent: { enabled: boolean; id: string; intervalMs: number };
  query: {
    timeoutMs: number;
    maxSamples: number;
    lookbackDeltaMs: number;
    /** Queries evaluated at once, each in a worker thread; 0: on the main thread, one at a time. */
    maxConcurrency: number;
    /** Queries waiting for a worker; more are refused (503). */
    maxQueued: number;
  };
  alerting: {
    /** Rule files or folders of them; the default folder gets the default rules on first start. */
    rulePaths: string[];
    evaluationIntervalMs: number;
    /** The notification config (routes, receivers, inhibitions), Alertmanager's YAML. */
    notifierConfigFile: string;
    /** How links in notifications reach the hub (its HTTP address by default). */
    externalUrl: string | undefined;
    forGracePeriodMs: number;
  };
  /** Where every stored sample is forwarded (remote_write:, a list); none by default. */
  remoteWrite: { endpoints: RemoteWriteEndpoint[] };
}

/** Bits of randomness a token must be able to hold to guard an address other machines reach: 32 random bytes' worth. */
export const MIN_TOKEN_BITS = 256;
export const MAKE_TOKEN_COMMAND = 'openssl rand -hex 32';

/**
 * Why `token` is too weak to guard an API other machines can reach, or undefined. "32
 * random bytes' worth" is counted as the most its characters could carry: 4 bits each when
 * all are hex digits (so 64 of them), 6 bits each otherwise, as in base64url (43 of them).
 * It cannot tell a random token from a chosen word; the command it suggests makes one.
 */
export function tokenStrengthProblem(token: string): string | undefined {
  const chars = token.replace(/=+$/, '');
  const bitsPerChar = /^[0-9a-fA-F]*$/.test(chars) ? 4 : 6;
  if (chars.length * bitsPerChar >= MIN_TOKEN_BITS) return undefined;
  const needed = Math.ceil(MIN_TOKEN_BITS / bitsPerChar);
  return `http.token is ${chars.length} characters: it must hold at least 32 random bytes' worth (${MIN_TOKEN_BITS} bits: 64 hex characters or 43 base64url ones; this one would need ${needed}); make one with: ${MAKE_TOKEN_COMMAND}`;
}

const SCHEMA: ConfigSchema = {
  hub: {
    data_dir: { kind: 'string', default: undefined, help: 'folder for the store and hub state (default: the per-user data folder)' },
    topic_prefix: { kind: 'string', default: DEFAULT_TOPIC_PREFIX, help: 'first MQTT topic level, as the agents have it' },
  },
  broker: {
    mode: {
      kind: (raw) => (raw === 'embedded' || raw === 'external' ? { value: raw } : { error: 'must be embedded or external' }),
      default: 'embedded',
      help: 'embedded (the hub is the broker) or external (the hub subscribes to one)',
    },
    listen: { kind: 'string', default: '0.0.0.0:1883', help: 'embedded broker address for agents, host:port ("" for none, with TLS only)' },
    tls_listen: { kind: 'string', default: '0.0.0.0:8883', help: 'MQTT over TLS address, used when tls_cert_file is set' },
    tls_cert_file: { kind: 'string', default: undefined, help: 'server certificate (PEM): setting it turns TLS on' },
    tls_key_file: { kind: 'string', default: undefined, help: 'server private key (PEM)' },
    tls_ca_file: { kind: 'string', default: undefined, help: 'CA for client certificates' },
    tls_require_client_certificate: {
      kind: 'bool',
      default: false,
      help: 'refuse agents without a client certificate signed by tls_ca_file',
    },
    max_connections: {
      kind: 'int',
      default: 1000,
      help: 'most MQTT connections at once (each costs a file descriptor and its buffers; raise it, and the open-files limit, for a bigger fleet)',
    },
    max_packet: { kind: 'bytes', default: '16MiB', help: 'largest MQTT packet accepted, e.g. 16MiB' },
    url: { kind: 'string', default: undefined, help: 'external broker, mqtt://host:1883 or mqtts://host:8883' },
    client_id: {
      kind: 'string',
      default: undefined,
      help: "the hub's MQTT client id at the external broker (keep it stable: it names the persistent session)",
    },
    username: { kind: 'string', default: undefined, help: "the hub's user at the external broker" },
    password: { kind: 'string', default: undefined, secret: true, help: 'its password' },
    protocol_version: { kind: 'int', default: 4, help: '4 (MQTT 3.1.1) or 5' },
    shared_group: { kind: 'string', default: undefined, help: 'read samples through $share/<group>/ so several hubs split the fleet' },
    tls_client_cert_file: { kind: 'string', default: undefined, help: 'client certificate for the external broker' },
    tls_client_key_file: { kind: 'string', default: undefined, help: 'client key for the external broker' },
  },
  http: {
    listen: { kind: 'string', default: '127.0.0.1:9464', help: 'HTTP API address; anything but loopback needs http.token' },
    token: {
      kind: 'string',
      default: undefined,
      secret: true,
      help: `bearer token clients must send (Authorization: Bearer <token>); off loopback at least 32 random bytes' worth (${MAKE_TOKEN_COMMAND})`,
    },
    allowed_hosts: {
      // A list in YAML; the environment gives one line, comma-separated.
      kind: (raw) =>
        Array.isArray(raw)
          ? { value: raw.map(String) }
          : typeof raw === 'string'
            ? {
                value: raw
                  .split(',')
                  .map((h) => h.trim())
                  .filter(Boolean),
              }
            : { error: 'must be a list of host names, e.g. [metrics.example.com]' },
      default: undefined,
      help: 'names the hub is reached by besides its listen address (a reverse proxy, a LAN name), e.g. [metrics.example.com]; requests naming another Host are refused',
    },
  },
  store: {
    durability: {
      kind: (raw) => (raw === 'process' || raw === 'power' ? { value: raw } : { error: 'must be process or power' }),
      default: 'process',
      help: 'process (acknowledged data survives the hub being killed) or power (also power loss; slower)',
    },
    retention: { kind: 'duration', default: '15d', help: 'how long raw samples are kept' },
    rollup_1m_retention: { kind: 'duration', default: '90d', help: 'how long 1-minute rollups are kept' },
    rollup_1h_retention: { kind: 'duration', default: '730d', help: 'how long 1-hour rollups are kept' },
    max_series: { kind: 'int', default: 1_000_000, help: 'most series the store accepts' },
    max_future: {
      kind: 'duration',
      default: '5m',
      help: "samples stamped further ahead of the hub's clock are refused (agents, remote write, imports, rules), so a wrong clock cannot date the store into the future",
    },
    archive_dir: {
      kind: 'string',
      default: undefined,
      help: 'cold storage: raw data past `retention` moves here as one file per day (a NAS or mounted bucket) instead of being deleted',
    },
    archive_retention: { kind: 'duration', default: undefined, help: 'how long archive files are kept (default: forever)' },
  },
  ingest: {
    max_batch_bytes: { kind: 'bytes', default: '16MiB', help: 'largest batch accepted from an agent' },
    max_commit_samples: { kind: 'int', default: 500_000, help: 'most samples one store transaction takes' },
    accept_past_retention: {
      kind: 'bool',
      default: false,
      help: 'store samples remote-written in that are older than store.retention keeps (deleted, or archived, right after); by default they are refused with that reason',
    },
    max_pending: {
      kind: 'bytes',
      default: '256MiB',
      help: 'bytes of batches waiting for the store before agents are told to come back later',
    },
  },
  fleet: {
    up_interval: { kind: 'duration', default: '10s', help: 'how often `up` is written for every agent' },
  },
  local_agent: {
    enabled: { kind: 'bool', default: true, help: 'run an agent for this machine beside the hub' },
    id: { kind: 'string', default: undefined, help: 'its agent id (default: the host name)' },
    interval: { kind: 'duration', default: '10s', help: 'its collection interval' },
  },
  alerting: {
    rules: {
      kind: 'strings',
      default: undefined,
      help: 'rule files or folders of them (default: <data_dir>/rules, which starts with the default rules)',
    },
    evaluation_interval: { kind: 'duration', default: '15s', help: 'how often rule groups without their own interval run' },
    notifier_config: {
      kind: 'string',
      default: undefined,
      help: "routes, receivers and inhibitions in Alertmanager's YAML (default: <data_dir>/alerting.yml, created with a desktop receiver)",
    },
    external_url: { kind: 'string', default: undefined, help: "the hub's address in links of notifications, e.g. https://hub.example.com" },
    for_grace_period: {
      kind: 'duration',
      default: '1m',
      help: 'after a restart, an alert whose `for` would run out sooner waits this long',
    },
  },
  query: {
    timeout: { kind: 'duration', default: '2m', help: 'longest a query may run' },
    max_samples: { kind: 'int', default: 50_000_000, help: 'most samples a query may load' },
    lookback_delta: { kind: 'duration', default: '5m', help: 'how far back an instant selector looks' },
    max_concurrency: {
      kind: 'int',
      default: undefined,
      help: "queries evaluated at once, each in a worker thread beside ingest (default: the machine's cores, at most 4); 0 evaluates them on the hub's main thread, where a long query holds up ingest",
    },
    max_queued: { kind: 'int', default: 64, help: 'queries waiting for a worker; more are answered 503 (the client retries)' },
  },
};

export function loadHubConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): HubConfig {
  const text = path ? readConfigText(path) : '';
  const file = path ?? '(defaults)';
  const first = parseHubConfig(text, file, env);
  // Settings changed in the app live in the data folder, over hub.yaml.
  const settings = readAppSettings(first.dataDir);
  const config = Object.keys(settings).length ? parseHubConfig(text, file, withAppSettings(settings, env)) : first;
  return { ...config, source: { text, file, env } };
}

export function parseHubConfig(text: string, file: string, env: NodeJS.ProcessEnv = {}): HubConfig {
  const doc = openConfigDocument(text, file, { schema: SCHEMA, envPrefix: 'METRICS_HUB', env, listSections: [REMOTE_WRITE_SECTION] });
  const { get, problems, where } = doc;
  const address = (section: string, key: string, optional = false): HostPort | undefined => {
    const raw = get<string | undefined>(section, key);
    if (optional && !raw) return undefined;
    const m = /^(\[[^\]]+\]|[^:]*):(\d{1,5})$/.exec(raw ?? '');
    if (!m || Number(m[2]) > 65535) {
      problems.push(
        `${where([section, key])}: ${section}.${key} ${JSON.stringify(raw)} is not host:port: write it like 127.0.0.1:9464 or 0.0.0.0:1883`,
      );
      return { host: '127.0.0.1', port: 0 };
    }
    return { host: m[1].replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(m[2]) };
  };

  const dataDir = get<string | undefined>('hub', 'data_dir') ?? defaultDataDir();
  if (!isAbsolute(dataDir)) problems.push(`${where(['hub', 'data_dir'])}: hub.data_dir must be an absolute path`);
  const mode = get<'embedded' | 'external'>('broker', 'mode');
  const protocol = get<number>('broker', 'protocol_version');
  if (protocol !== 4 && protocol !== 5) problems.push(`${where(['broker', 'protocol_version'])}: broker.protocol_version must be 4 or 5`);
  let broker: HubConfig['broker'];
  if (mode === 'embedded') {
    const certFile = get<string | undefined>('broker', 'tls_cert_file');
    const keyFile = get<string | undefined>('broker', 'tls_key_file');
    if (!!certFile !== !!keyFile)
      problems.push(`${where(['broker'])}: broker.tls_cert_file and broker.tls_key_file go together: set both or neither`);
    const listen = address('broker', 'listen', true);
    if (!listen && !certFile)
      problems.push(`${where(['broker', 'listen'])}: broker.listen is empty and TLS is off: agents could not connect; set one of them`);
    broker = {
      mode,
      listen,
      tls:
        certFile && keyFile
          ? {
              listen: address('broker', 'tls_listen')!,
              certFile,
              keyFile,
              caFile: get('broker', 'tls_ca_file'),
              requireClientCertificate: get('broker', 'tls_require_client_certificate'),
            }
          : undefined,
      maxConnections: get('broker', 'max_connections'),
      maxPacketBytes: get('broker', 'max_packet'),
    };
  } else {
    const url = get<string | undefined>('broker', 'url');
    if (!url || !/^(mqtts?|wss?|tcp|ssl):\/\//.test(url))
      problems.push(
        `${where(['broker', 'url'])}: broker.mode is external, so broker.url must be the broker's address, e.g. mqtt://broker:1883`,
      );
    broker = {
      mode,
      url: url ?? '',
      clientId: get<string | undefined>('broker', 'client_id') ?? `metrics-hub-${hostname()}`,
      username: get('broker', 'username'),
      password: get('broker', 'password'),
      protocolVersion: protocol === 5 ? 5 : 4,
      sharedGroup: get('broker', 'shared_group'),
      tls: {
        caFile: get('broker', 'tls_ca_file'),
        certFile: get('broker', 'tls_client_cert_file'),
        keyFile: get('broker', 'tls_client_key_file'),
      },
    };
  }
  const allowedHosts: ParsedHost[] = [];
  for (const entry of get<string[] | undefined>('http', 'allowed_hosts') ?? []) {
    const parsed = parseAllowedHost(entry);
    if (typeof parsed === 'string') problems.push(`${where(['http', 'allowed_hosts'])}: http.allowed_hosts: ${parsed}`);
    else allowedHosts.push(parsed);
  }
  // Links in notifications open the hub by external_url's name: it is one of the hub's names.
  const externalHost = externalUrlHost(get<string | undefined>('alerting', 'external_url'));
  if (externalHost) allowedHosts.push(externalHost);
  const http = { listen: address('http', 'listen')!, token: get<string | undefined>('http', 'token'), allowedHosts };
  if (!isLoopback(http.listen.host) && !http.token) {
    problems.push(
      `${where(['http', 'listen'])}: http.listen ${http.listen.host} is reachable from other machines: set http.token (clients send Authorization: Bearer <token>) or listen on 127.0.0.1`,
    );
  }
  if (!isLoopback(http.listen.host) && http.token) {
    const weak = tokenStrengthProblem(http.token);
    if (weak) problems.push(`${where(['http', 'token'])}: http.listen ${http.listen.host} is reachable from other machines, and ${weak}`);
  }
  const archiveDir = get<string | undefined>('store', 'archive_dir') || undefined;
  if (archiveDir === undefined && get<number | undefined>('store', 'archive_retention') !== undefined) {
    problems.push(
      `${where(['store', 'archive_retention'])}: store.archive_retention needs store.archive_dir: set the folder for archive files, or remove archive_retention`,
    );
  }
  const archiveRetention = get<number | undefined>('store', 'archive_retention');
  if (archiveRetention !== undefined && !(archiveRetention > get<number>('store', 'retention'))) {
    problems.push(
      `${where(['store', 'archive_retention'])}: store.archive_retention must be longer than store.retention (files are written once raw data is that old): raise it, or leave it out to keep archive files forever`,
    );
  }
  const retention = storeRetention(doc, env);
  const maxFutureMs = get<number>('store', 'max_future');
  if (!(maxFutureMs >= 1000))
    problems.push(
      `${where(['store', 'max_future'])}: store.max_future must be at least 1s: agents' clocks are never exactly the hub's; 5m is the default`,
    );
  const localId = get<string | undefined>('local_agent', 'id') ?? hostname().replace(/[^A-Za-z0-9._-]/g, '-');
  const idProblem = agentIdProblem(localId);
  if (idProblem) problems.push(`${where(['local_agent', 'id'])}: local_agent.id: ${idProblem}`);
  const config: HubConfig = {
    dataDir: isAbsolute(dataDir) ? dataDir : join(process.cwd(), dataDir),
    topicPrefix: get('hub', 'topic_prefix'),
    broker,
    http,
    store: {
      durability: get('store', 'durability'),
      ...retention,
      maxSeries: get('store', 'max_series'),
      maxFutureMs,
      archive:
        archiveDir === undefined
          ? undefined
          : { dir: isAbsolute(archiveDir) ? archiveDir : join(process.cwd(), archiveDir), retentionMs: get('store', 'archive_retention') },
    },
    ingest: {
      maxBatchBytes: get('ingest', 'max_batch_bytes'),
      maxCommitSamples: get('ingest', 'max_commit_samples'),
      acceptPastRetention: get('ingest', 'accept_past_retention'),
      maxPendingBytes: get('ingest', 'max_pending'),
    },
    fleet: { upIntervalMs: get('fleet', 'up_interval') },
    localAgent: { enabled: get('local_agent', 'enabled'), id: localId, intervalMs: get('local_agent', 'interval') },
    query: {
      timeoutMs: get('query', 'timeout'),
      maxSamples: get('query', 'max_samples'),
      lookbackDeltaMs: get('query', 'lookback_delta'),
      maxConcurrency: get<number | undefined>('query', 'max_concurrency') ?? Math.min(availableParallelism(), 4),
      maxQueued: get('query', 'max_queued'),
    },
    alerting: {
      rulePaths: (get<string[] | undefined>('alerting', 'rules') ?? [join(dataDir, 'rules')]).map((p) =>
        isAbsolute(p) ? p : join(process.cwd(), p),
      ),
      evaluationIntervalMs: get('alerting', 'evaluation_interval'),
      notifierConfigFile: get<string | undefined>('alerting', 'notifier_config') ?? join(dataDir, 'alerting.yml'),
      externalUrl: get('alerting', 'external_url'),
      forGracePeriodMs: get('alerting', 'for_grace_period'),
    },
    remoteWrite: { endpoints: readRemoteWriteConfig(doc) },
  };
  doc.finish();
  return config;
}

/**
 * Raw data, then 1 m rollups, then 1 h rollups: each kept at least as long as the one
 * before (rollups answer for the data they summarise once it is gone). A rollup retention
 * left out follows a longer one before it; one set shorter is a problem naming both keys.
 */
function storeRetention(
  doc: ConfigDocument,
  env: NodeJS.ProcessEnv,
): Pick<HubConfig['store'], 'retentionMs' | 'rollup1mRetentionMs' | 'rollup1hRetentionMs'> {
  const given = (key: string) => doc.has(['store', key]) || env[`METRICS_HUB_STORE_${key}`.toUpperCase()] !== undefined;
  const chain = ['retention', 'rollup_1m_retention', 'rollup_1h_retention'];
  const ms: number[] = [];
  chain.forEach((key, k) => {
    const value = doc.get<number>('store', key);
    if (k === 0 || value >= ms[k - 1]) ms.push(value);
    else if (!given(key)) ms.push(ms[k - 1]);
    else {
      doc.problems.push(
        `${doc.where(['store', key])}: store.${key} (${durationText(value)}) must be at least store.${chain[k - 1]} (${durationText(ms[k - 1])}): rollups outlive the data they summarise; raise it, or leave it out to follow store.${chain[k - 1]}`,
      );
      ms.push(ms[k - 1]);
    }
  });
  return { retentionMs: ms[0], rollup1mRetentionMs: ms[1], rollup1hRetentionMs: ms[2] };
}

function durationText(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${ms / 1000}s`;
}

/** The host of alerting.external_url (its port only when one is written), or undefined. */
function externalUrlHost(url: string | undefined): ParsedHost | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:'
      ? { hostname: u.hostname, port: u.port ? Number(u.port) : undefined }
      : undefined;
  } catch {
    return undefined;
  }
}

/** How a client on this machine reaches a listener bound to `host` (any address: loopback), URL-ready. */
export function loopbackFor(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
}
