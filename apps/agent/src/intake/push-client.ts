// The helper for programs that push metrics to a local agent over ZeroMQ:
//
//   const push = await MetricsPush.connect('tcp://127.0.0.1:5557');
//   await push.send('jobs_done_total{queue="mail"} 42\n');
//   push.close();

export class MetricsPush {
  private constructor(private readonly socket: import('zeromq').Push) {}

  static async connect(endpoint: string, options: { sendTimeoutMs?: number } = {}): Promise<MetricsPush> {
    const zmq = await import('zeromq');
    // A bounded send: when the agent is gone, send() fails after the timeout instead of
    // queueing without end.
    const socket = new zmq.Push({ sendHighWaterMark: 1000, sendTimeout: options.sendTimeoutMs ?? 1000, linger: 1000 });
    socket.connect(endpoint);
    return new MetricsPush(socket);
  }

  /** Metric lines in the Prometheus text format (`name{labels} value [timestamp ms]`). */
  async send(lines: string): Promise<void> {
    await this.socket.send(lines);
  }

  close(): void {
    this.socket.close();
  }
}
