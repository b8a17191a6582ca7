// Where a broker front end (the embedded broker or a client of an external one) hands
// what agents publish. One interface, so ingest does not care how messages arrived.

export interface MessageSink {
  /**
   * Resolves when the batch is committed (acknowledge then), with notices for the agent's
   * ack topic (e.g. samples refused: see encodeRefusedNotice); rejects when it is not.
   */
  samples(agentId: string, payload: Uint8Array): Promise<readonly Uint8Array[] | undefined>;
  /** The retained birth message or status. */
  control(agentId: string, kind: 'meta' | 'status', payload: Uint8Array): void;
  /** The broker saw the agent's connection end. */
  disconnected(agentId: string): void;
}
