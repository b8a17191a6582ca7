// The agent's one YAML file, with defaults for everything and environment overrides
// (METRICS_AGENT_<SECTION>_<KEY>, e.g. METRICS_AGENT_HUB_PASSWORD). A mistake is reported
// with the file, the line, what is wrong and how to fix it; unknown keys are mistakes too
// (a typo must not silently fall back to a default).

import { hostname } from 'node:os';
import { ConfigError, convertValue, openConfigDocument, readConfigText, type ConfigSchema, type KeySpec } from '@metrics-hub/config';
import { agentIdProblem, DEFAULT_TOPIC_PREFIX } from '@metrics-hub/wire';

export { ConfigError };

export interface ScrapeTarget {
  job: string;
  url: string;
  intervalMs: number;
  timeoutMs: number;
  labels: Record<string, string>;
}

export interface AgentConfig {
  agent: { id: string; dataDir: string; intervalMs: number; labels: Record<string, string> };
  hub: {
    url: string;
    topicPrefix: string;
    username: string | undefined;
    password: string | undefined;
    protocolVersion: 4 | 5;
    /** What makes a batch delivered: the broker's PUBACK, or the hub's "stored" on the ack topic. */
    confirm: 'broker' | 'hub';
    reconnect: { initialMs: number; maxMs: number };
    tls: { caFile?: string; certFile?: string; keyFile?: string; insecureSkipVerify: boolean } | undefined;
  };
  /**
   * When buffered writes reach the disk: 0 = every write, a positive number = at most that
   * many ms later (kill -9 and restarts lose nothing either way: written data is in the
   * page cache; only a power cut can lose up to that much), Infinity = left to the OS.
   */
  buffer: { maxBytes: number; maxAgeMs: number; replayBytesPerSecond: number; outageBatchMs: number; fsyncIntervalMs: number };
  collectors: { enabled: boolean; exclude: string[]; topProcesses: number; procfs: string; sysfs: string; rootfs: string };
  scrape: ScrapeTarget[];
  push: { zeromq: { enabled: boolean; endpoint: string; highWaterMark: number } };
}

/** buffer.fsync: always (0), never (Infinity) or the longest a write waits for the disk. */
function fsyncPolicy(raw: unknown): { value?: unknown; error?: string } {
  if (raw === true || raw === 'always' || raw === 'true') return { value: 0 };
  if (raw === false || raw === 'never' || raw === 'false') return { value: Infinity };
  const d = convertValue(raw, 'duration');
  return d.error ? { error: 'must be always, never or a duration like 10s' } : d;
}

/** Every key the file may have, with its kind and default. */
const SCHEMA: ConfigSchema = {
  agent: {
    id: { kind: 'string', default: undefined, help: 'this agent\'s id (letters, digits, ".", "_", "-"); defaults to the host name' },
    data_dir: { kind: 'string', default: '/var/lib/metrics-agent', help: 'folder for the buffer and state' },
    interval: { kind: 'duration', default: '10s', help: 'collection interval, e.g. 10s' },
    labels: { kind: 'labels', default: {}, help: 'labels added to every host metric, e.g. {env: prod}' },
  },
  hub: {
    url: { kind: 'string', default: 'mqtt://127.0.0.1:1883', help: 'broker address: mqtt://host:1883 or mqtts://host:8883' },
    topic_prefix: { kind: 'string', default: DEFAULT_TOPIC_PREFIX, help: 'first topic level' },
    username: { kind: 'string', default: undefined, help: 'broker user name (the agent id when the hub issued the token)' },
    password: { kind: 'string', default: undefined, help: 'the agent token from the hub' },
    protocol_version: { kind: 'int', default: 4, help: '4 (MQTT 3.1.1, the embedded broker) or 5' },
    tls_ca_file: { kind: 'string', default: undefined, help: 'CA certificate file for mqtts://' },
    tls_cert_file: { kind: 'string', default: undefined, help: 'client certificate file' },
    tls_key_file: { kind: 'string', default: undefined, help: 'client key file' },
    tls_insecure_skip_verify: { kind: 'bool', default: false, help: 'accept any server certificate (testing only)' },
    confirm: {
      kind: (raw) => (raw === 'broker' || raw === 'hub' ? { value: raw } : { error: 'must be broker or hub' }),
      default: 'broker',
      help: 'when a batch counts as delivered: broker (its PUBACK; the hub\'s embedded broker sends it after storing) or hub (the hub\'s "stored" message; use it behind an external broker, and always with several hubs)',
    },
    reconnect_initial: { kind: 'duration', default: '1s', help: 'first wait before reconnecting; it doubles, with jitter' },
    reconnect_max: { kind: 'duration', default: '60s', help: 'longest wait between reconnect attempts' },
  },
  buffer: {
    max_bytes: { kind: 'bytes', default: '256MiB', help: 'disk the buffer may use, e.g. 256MiB' },
    max_age: { kind: 'duration', default: '7d', help: 'oldest data kept while the hub is away' },
    replay_rate: { kind: 'bytes', default: '512KiB', help: 'backlog replay rate per second after an outage' },
    outage_batch: { kind: 'duration', default: '1h', help: 'during an outage, how much data one batch gathers' },
    fsync: {
      kind: fsyncPolicy,
      default: '10s',
      help: 'when writes reach the disk: always (every write), a duration like 10s (at most that late: a power cut loses at most that much; crashes and restarts lose nothing), or never (left to the OS)',
    },
  },
  collectors: {
    enabled: { kind: 'bool', default: true, help: 'collect host metrics' },
    exclude: { kind: 'strings', default: [], help: 'collectors to skip, e.g. [hwmon, processes]' },
    top_processes: { kind: 'int', default: 5, help: 'top processes by CPU and by memory to report' },
    procfs: { kind: 'string', default: '/proc', help: 'procfs mount' },
    sysfs: { kind: 'string', default: '/sys', help: 'sysfs mount' },
    rootfs: { kind: 'string', default: '/', help: 'root of the host file system (for filesystem sizes)' },
  },
  push: {
    zeromq_enabled: { kind: 'bool', default: false, help: 'accept metric lines pushed over ZeroMQ' },
    zeromq_endpoint: { kind: 'string', default: 'tcp://127.0.0.1:5557', help: 'ZeroMQ PULL endpoint (tcp:// or ipc://)' },
    zeromq_high_water_mark: { kind: 'int', default: 10000, help: 'messages queued before senders block' },
  },
};
const TARGET_KEYS: Record<string, KeySpec> = {
  job: { kind: 'string', default: undefined, help: 'job label of the target' },
  url: { kind: 'string', default: undefined, help: 'http://host:port/metrics' },
  interval: { kind: 'duration', default: '15s', help: 'scrape interval' },
  timeout: { kind: 'duration', default: '10s', help: 'scrape timeout' },
  labels: { kind: 'labels', default: {}, help: 'extra labels' },
};

export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  return parseConfig(path ? readConfigText(path) : '', path ?? '(defaults)', env);
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = {}): AgentConfig {
  const doc = openConfigDocument(text, file, { schema: SCHEMA, envPrefix: 'METRICS_AGENT', env, listSections: ['scrape'] });
  const { root, problems, where, get } = doc;

  const id = get<string | undefined>('agent', 'id') ?? hostname().replace(/[^A-Za-z0-9._-]/g, '-');
  const idProblem = agentIdProblem(id);
  if (idProblem) problems.push(`${where(['agent', 'id'])}: ${idProblem}`);
  const protocol = get<number>('hub', 'protocol_version');
  if (protocol !== 4 && protocol !== 5) problems.push(`${where(['hub', 'protocol_version'])}: hub.protocol_version must be 4 or 5`);
  const url = get<string>('hub', 'url');
  if (!/^(mqtts?|wss?|tcp|ssl):\/\//.test(url))
    problems.push(
      `${where(['hub', 'url'])}: hub.url ${JSON.stringify(url)} is not a broker address: use mqtt://host:1883 or mqtts://host:8883`,
    );

  const scrape: ScrapeTarget[] = [];
  const targets = root.scrape ?? [];
  if (!Array.isArray(targets)) problems.push(`${where(['scrape'])}: scrape must be a list of targets (- job: ..., url: ...)`);
  else {
    targets.forEach((t: Record<string, unknown>, i) => {
      const here = (key?: string) => where(key ? ['scrape', i, key] : ['scrape', i]);
      if (!t || typeof t !== 'object') {
        problems.push(`${here()}: scrape target #${i + 1} must be a mapping with job and url`);
        return;
      }
      for (const key of Object.keys(t))
        if (!(key in TARGET_KEYS))
          problems.push(
            `${here(key)}: unknown key "${key}" in scrape target #${i + 1}: known keys are ${Object.keys(TARGET_KEYS).join(', ')}`,
          );
      const field = <T>(key: string): T =>
        doc.field<T>(t[key], TARGET_KEYS[key], ['scrape', i, key], `scrape target #${i + 1} ${key}`, true);
      const target: ScrapeTarget = {
        job: field('job'),
        url: field('url'),
        intervalMs: field('interval'),
        timeoutMs: field('timeout'),
        labels: field('labels'),
      };
      if (target.url && !/^https?:\/\//.test(target.url))
        problems.push(`${here('url')}: scrape target #${i + 1} url must start with http:// or https://`);
      if (target.timeoutMs > target.intervalMs)
        problems.push(`${here('timeout')}: scrape target #${i + 1} timeout must not exceed its interval`);
      scrape.push(target);
    });
  }

  const config: AgentConfig = {
    agent: { id, dataDir: get('agent', 'data_dir'), intervalMs: get('agent', 'interval'), labels: get('agent', 'labels') },
    hub: {
      url,
      topicPrefix: get('hub', 'topic_prefix'),
      username: get('hub', 'username') ?? (get('hub', 'password') ? id : undefined),
      password: get('hub', 'password'),
      protocolVersion: protocol === 5 ? 5 : 4,
      confirm: get('hub', 'confirm'),
      reconnect: { initialMs: get('hub', 'reconnect_initial'), maxMs: get('hub', 'reconnect_max') },
      tls:
        get('hub', 'tls_ca_file') || get('hub', 'tls_cert_file') || url.startsWith('mqtts')
          ? {
              caFile: get('hub', 'tls_ca_file'),
              certFile: get('hub', 'tls_cert_file'),
              keyFile: get('hub', 'tls_key_file'),
              insecureSkipVerify: get('hub', 'tls_insecure_skip_verify'),
            }
          : undefined,
    },
    buffer: {
      maxBytes: get('buffer', 'max_bytes'),
      maxAgeMs: get('buffer', 'max_age'),
      replayBytesPerSecond: get('buffer', 'replay_rate'),
      outageBatchMs: get('buffer', 'outage_batch'),
      fsyncIntervalMs: get('buffer', 'fsync'),
    },
    collectors: {
      enabled: get('collectors', 'enabled'),
      exclude: get('collectors', 'exclude'),
      topProcesses: get('collectors', 'top_processes'),
      procfs: get('collectors', 'procfs'),
      sysfs: get('collectors', 'sysfs'),
      rootfs: get('collectors', 'rootfs'),
    },
    scrape,
    push: {
      zeromq: {
        enabled: get('push', 'zeromq_enabled'),
        endpoint: get('push', 'zeromq_endpoint'),
        highWaterMark: get('push', 'zeromq_high_water_mark'),
      },
    },
  };
  if (config.agent.intervalMs < 100) problems.push(`${where(['agent', 'interval'])}: agent.interval must be at least 100ms`);
  doc.finish();
  return config;
}
