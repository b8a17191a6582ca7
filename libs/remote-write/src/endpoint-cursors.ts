// Where each endpoint is in the queue: a cursor per partition (the next segment id and the
// samples of it already done), and the samples and bytes still waiting behind each cursor.
// The cursors are rows of the file; the counts live in memory and are rebuilt from it.

import { QUEUE_PARTITIONS, type QueueFile } from './queue-file.ts';

export interface Cursor {
  /** Segments of this partition below this id are done. */
  nextId: number;
  /** Samples of segment `nextId` already done. */
  done: number;
}

export interface EndpointState {
  cursors: Cursor[];
  pendingSamples: number[];
  /** Bytes of segments not yet wholly done, per partition. */
  pendingBytes: number[];
  /** Bumped whenever cursors move by a drop: a batch read before it may be stale. */
  dropEpoch: number;
}

/** An endpoint's cursors from the file; partitions it has none for start at segment `start`. */
export function loadEndpointState(file: QueueFile, name: string, start: number): EndpointState {
  const rows = new Map(
    (
      file.db.prepare(`SELECT partition, next_id, done FROM ${file.schema}.cursors WHERE endpoint = ?`).all(name) as {
        partition: number;
        next_id: number;
        done: number;
      }[]
    ).map((r) => [r.partition, r]),
  );
  const state: EndpointState = { cursors: [], pendingSamples: [], pendingBytes: [], dropEpoch: 0 };
  for (let p = 0; p < QUEUE_PARTITIONS; p++) {
    const row = rows.get(p);
    const cursor = row ? { nextId: row.next_id, done: row.done } : { nextId: start, done: 0 };
    if (!row) file.stmt.putCursor.run(name, p, cursor.nextId, 0);
    state.cursors.push(cursor);
    const pending = file.stmt.pendingFrom.get(p, cursor.nextId) as { samples: number; bytes: number };
    state.pendingSamples.push(pending.samples - cursor.done);
    state.pendingBytes.push(pending.bytes);
  }
  return state;
}

/** Recounts what waits behind an endpoint's cursors from the file. */
export function recountPending(file: QueueFile, e: EndpointState): void {
  for (let p = 0; p < QUEUE_PARTITIONS; p++) {
    const pending = file.stmt.pendingFrom.get(p, e.cursors[p].nextId) as { samples: number; bytes: number };
    e.pendingSamples[p] = Math.max(0, pending.samples - e.cursors[p].done);
    e.pendingBytes[p] = pending.bytes;
  }
}
