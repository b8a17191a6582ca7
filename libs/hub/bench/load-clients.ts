// The load around a hub under benchmark: agents publishing a batch a second over MQTT
// QoS 1 (timing each PUBACK), a probe agent whose newest sample is watched over HTTP
// (collection to queryable), and clients looping range queries. Each measurement is
// filed under the phase that was current when it started.
import mqtt from 'mqtt';
import { encodeBatch, topics } from '@metrics-hub/wire';

export interface AgentLogin {
  brokerUrl: string;
  agentId: string;
  token: string;
}

/** An MQTT connection as an agent: its user name is its id, its password the token the hub issued. */
export function connectAgent({ brokerUrl, agentId, token }: AgentLogin): Promise<mqtt.MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(brokerUrl, {
      clientId: `agent-${agentId}`,
      username: agentId,
      password: token,
      protocolVersion: 4,
      clean: false,
      reconnectPeriod: 0,
      writeCache: false,
    });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

export class PhaseLog {
  phase = 'warmup';
  private readonly values = new Map<string, Map<string, number[]>>();
  add(kind: string, value: number, phase = this.phase): void {
    if (!this.values.has(phase)) this.values.set(phase, new Map());
    const byKind = this.values.get(phase)!;
    if (!byKind.has(kind)) byKind.set(kind, []);
    byKind.get(kind)!.push(value);
  }
  get(phase: string, kind: string): number[] {
    return this.values.get(phase)?.get(kind) ?? [];
  }
}

/**
 * Agents that each publish one batch a second (the same series every time, stamped with
 * the moment it is sent), spread evenly over the second as independent hosts are, and log
 * each batch's PUBACK latency as `puback` (a failed publish as `failed`).
 */
export function startAgents(
  clients: { client: mqtt.MqttClient; agentId: string }[],
  series: Record<string, string>[],
  log: PhaseLog,
  prefix = 'metrics',
): { pending: () => number; stop: () => void } {
  let pending = 0;
  const timers: NodeJS.Timeout[] = [];
  for (const [a, { client, agentId }] of clients.entries()) {
    let seq = 0;
    const publish = () => {
      const t = Date.now();
      const phase = log.phase;
      seq++;
      const payload = encodeBatch({
        agentId,
        firstSeq: seq,
        lastSeq: seq,
        createdMs: t,
        series: series.map((labels, k) => ({ labels, timestamps: Float64Array.of(t), values: Float64Array.of(seq * 10 + k) })),
      });
      pending++;
      client.publish(topics.samples(prefix, agentId), Buffer.from(payload), { qos: 1 }, (e) => {
        pending--;
        if (e) log.add('failed', 1, phase);
        else log.add('puback', Date.now() - t, phase);
      });
    };
    timers.push(
      setTimeout(
        () => {
          publish();
          timers.push(setInterval(publish, 1000));
        },
        Math.floor((a * 1000) / clients.length),
      ),
    );
  }
  return {
    pending: () => pending,
    stop: () => {
      for (const t of timers) clearTimeout(t);
    },
  };
}

/**
 * The probe: an agent publishing `bench_probe` (value = its timestamp) every second, and a
 * watcher asking the hub for it by an instant query every 50 ms. A sample's latency is
 * from its timestamp to the answer that first shows it (or a later one), logged as
 * `queryable` under the phase it was sent in. `stop` ends the publishing, then watches
 * until every sample sent was seen (at most 30 s) and says how many never were, and the
 * last error of a watching query.
 */
export function startProbe(
  probe: { client: mqtt.MqttClient; agentId: string },
  http: string,
  log: PhaseLog,
  prefix = 'metrics',
): { stop: () => Promise<{ unseen: number; lastError?: string }> } {
  const sent: { t: number; phase: string }[] = [];
  let seq = 0;
  const timer = setInterval(() => {
    const t = Date.now();
    sent.push({ t, phase: log.phase });
    seq++;
    const payload = encodeBatch({
      agentId: probe.agentId,
      firstSeq: seq,
      lastSeq: seq,
      createdMs: t,
      series: [{ labels: { __name__: 'bench_probe' }, timestamps: Float64Array.of(t), values: Float64Array.of(t) }],
    });
    probe.client.publish(topics.samples(prefix, probe.agentId), Buffer.from(payload), { qos: 1 });
  }, 1000);
  let stopAt = Infinity;
  let lastError: string | undefined;
  const watching = (async () => {
    while (Date.now() < stopAt || (sent.length && Date.now() < stopAt + 30_000)) {
      const asked = Date.now();
      try {
        const res = await fetch(`${http}/api/v1/query?${new URLSearchParams({ query: 'bench_probe', time: String(asked / 1000) })}`);
        const text = await res.text();
        const body = JSON.parse(text) as { status?: string; data?: { result?: { value: [number, string] }[] } };
        if (body.status !== 'success') throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
        const seen = Number(body.data?.result?.[0]?.value[1] ?? 0);
        const answered = Date.now();
        while (sent.length && sent[0].t <= seen) {
          const s = sent.shift()!;
          log.add('queryable', answered - s.t, s.phase);
        }
      } catch (e) {
        lastError = (e as Error).message;
        log.add('probe errors', 1);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, asked + 50 - Date.now())));
    }
  })();
  return {
    stop: async () => {
      clearInterval(timer);
      stopAt = Date.now();
      await watching;
      return { unseen: sent.length, lastError };
    },
  };
}

/**
 * `clients` loops of range queries over HTTP (each starting at another query of the set),
 * until stopped; each answer's time is logged as `query`, an error as `query errors`.
 */
export function startQueryClients(
  http: string,
  queries: string[],
  window: { startMs: number; endMs: number; stepMs: number },
  clients: number,
  log: PhaseLog,
): { stop: () => Promise<void> } {
  let running = true;
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = c; running; i++) {
      const query = queries[i % queries.length];
      const t0 = performance.now();
      try {
        const res = await fetch(`${http}/api/v1/query_range`, {
          method: 'POST',
          body: new URLSearchParams({
            query,
            start: String(window.startMs / 1000),
            end: String(window.endMs / 1000),
            step: String(window.stepMs / 1000),
          }),
        });
        const body = (await res.json()) as { status: string };
        if (body.status !== 'success') throw new Error(JSON.stringify(body).slice(0, 200));
        // Filed under the phase it ends in: a phase's count is what it completed.
        log.add('query', performance.now() - t0);
      } catch {
        log.add('query errors', 1);
      }
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
