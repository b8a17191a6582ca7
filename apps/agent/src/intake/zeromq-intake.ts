// Push: local programs send metric lines (Prometheus text format) to a ZeroMQ PULL
// socket. The socket's high-water mark bounds what waits in memory (senders block or drop
// as their socket decides); lines that do not parse are counted and reported, the rest of
// the message is kept.

import { parseExposition, type MetricFamily } from '@metrics-hub/expfmt';
import type { CollectedSample } from '../buffer/accumulator.ts';

export interface IntakeStats {
  messages: number;
  samples: number;
  malformedLines: number;
  droppedSamples: number;
}

/** Samples held between two collections at most; beyond it new ones are dropped and counted. */
const MAX_PENDING = 200_000;

export class ZeroMqIntake {
  private pending: CollectedSample[] = [];
  private families = new Map<string, MetricFamily>();
  private socket: import('zeromq').Pull | undefined;
  readonly stats: IntakeStats = { messages: 0, samples: 0, malformedLines: 0, droppedSamples: 0 };

  constructor(
    private readonly endpoint: string,
    private readonly highWaterMark: number,
    private readonly defaultLabels: Record<string, string>,
    private readonly now: () => number,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    let zmq: typeof import('zeromq');
    try {
      zmq = await import('zeromq');
    } catch (e) {
      throw new Error(
        `ZeroMQ push intake needs the zeromq package (${(e as Error).message}): install it next to the agent or set push.zeromq_enabled: false`,
      );
    }
    const socket = new zmq.Pull({ receiveHighWaterMark: this.highWaterMark });
    try {
      await socket.bind(this.endpoint);
    } catch (e) {
      socket.close();
      throw new Error(`cannot listen for pushes on ${this.endpoint} (${(e as Error).message}): choose another push.zeromq_endpoint`);
    }
    this.socket = socket;
    this.log(`accepting pushed metrics on ${this.endpoint}`);
    void this.receive(socket);
  }

  private async receive(socket: import('zeromq').Pull): Promise<void> {
    try {
      for await (const frames of socket) {
        for (const frame of frames) this.accept(new TextDecoder().decode(frame));
      }
    } catch (e) {
      if (!socket.closed) this.log(`push intake stopped: ${(e as Error).message}`);
    }
  }

  /** One message: metric lines in the Prometheus text format. */
  accept(text: string): void {
    this.stats.messages++;
    const parsed = parseExposition(text, { format: 'prometheus' });
    if (parsed.problems.length) {
      this.stats.malformedLines += parsed.problems.length;
      this.log(
        `push: ${parsed.problems.length} malformed line(s) skipped, first: line ${parsed.problems[0].line}: ${parsed.problems[0].message}`,
      );
    }
    const at = this.now();
    for (const f of parsed.families) {
      if (f.type !== 'unknown' || f.help) this.families.set(f.name, { ...f, samples: [] });
      for (const s of f.samples) {
        if (this.pending.length >= MAX_PENDING) {
          this.stats.droppedSamples++;
          continue;
        }
        this.pending.push({
          labels: { ...this.defaultLabels, ...s.labels, __name__: s.name },
          timestampMs: s.timestampMs ?? at,
          value: s.value,
        });
        this.stats.samples++;
      }
    }
  }

  /** Samples received since the last call. */
  drain(): CollectedSample[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** TYPE/HELP seen in pushes, for the agent's metadata. */
  metadata(): MetricFamily[] {
    return [...this.families.values()];
  }

  stop(): void {
    this.socket?.close();
  }
}
