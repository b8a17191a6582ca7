// A query worker thread: its own read-only connection and replica of the store
// (StoreReplica), and the PromQL engine. It parses, evaluates and encodes (gzip included)
// one query at a time, each on one consistent cut of the store, and posts back the bytes
// of the answer (a rule's query: its data), so that the hub's main thread, which commits
// agent batches and sends their PUBACKs, never evaluates a query. Started by query-pool.ts.
// A range query given helpers may split across them (split-query.ts); a worker set aside
// as a helper evaluates one shard of another's query.

import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { encodeError, encodeSuccessPieces, queryJobPieces, type AnswerPieces } from '@metrics-hub/http-api';
import { Engine, PromqlError } from '@metrics-hub/promql';
import { StoreReplica } from '@metrics-hub/tsdb';
import type { QueryOutcome, QueryRequest, RuleRequest, WorkerMessage, WorkerRequest, WorkerSetup } from './protocol.ts';
import { answerShard, overLimit, QuerySplitter } from './split-query.ts';

/** A query thread's nice value (0 is the hub's; 19 the lowest priority). */
const QUERY_NICE = 10;

const port = parentPort;
if (!port) throw new Error('query-worker.ts runs as a worker thread of the hub (query-pool.ts), not on its own');
const setup = workerData as WorkerSetup;
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
yieldToIngest();

let replica: StoreReplica;
try {
  replica = StoreReplica.open({
    path: setup.dbPath,
    retention: setup.retention,
    archive: setup.archiveDir ? { dir: setup.archiveDir } : undefined,
  });
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'failed', message: (e as Error).message });
  process.exit(1);
}
const engine = new Engine(setup.limits);
const cancel = new Int32Array(setup.cancel);
const splitter = new QuerySplitter(post, replica, engine);
const cancelledFlag = (id: number) => () => Atomics.load(cancel, 0) === id;
/** Ends the thread from inside: nothing left open, so it exits once its event loop is empty. */
const close = () => {
  replica.close();
  port.close();
};

port.on('message', (m: WorkerRequest) => {
  if (m.type === 'rule') rule(m);
  else if (m.type === 'totals') totals(m.id);
  else if (m.type === 'query') void query(m);
  else if (m.type === 'shard') answerShard(m, engine, replica, cancelledFlag(m.id), post);
  else if (m.type === 'close') close();
  else splitter.onAnswer(m);
});

async function query(m: QueryRequest): Promise<void> {
  const cancelled = cancelledFlag(m.id);
  let message: WorkerMessage;
  try {
    const options = { deadline: m.deadline, cancelled };
    let data: AnswerPieces | undefined;
    try {
      const merged = m.helpers > 0 ? await splitter.split(m, options) : undefined;
      if (merged) data = replica.read(() => queryJobPieces(m.job, engine, replica, options, merged));
    } catch (e) {
      // Split, past the sample limit: whole, the query may be within it.
      if (!overLimit(e)) throw e;
    }
    data ??= replica.read(() => queryJobPieces(m.job, engine, replica, options));
    // Gzip beside the JSON writing only when other cores were idle (the pool gave helpers):
    // on a busy hub that thread would take CPU from the hub's main thread.
    const answer = await encodeSuccessPieces(data, m.encoding, { overlap: m.helpers > 0 });
    message = { type: 'answer', id: m.id, answer, outcome: 'success' };
  } catch (e) {
    const { answer, internal } = encodeError(e, m.encoding);
    message = { type: 'answer', id: m.id, answer, outcome: outcomeOf(e), ...(internal && { internal: (e as Error)?.stack ?? String(e) }) };
  }
  post(message, message.type === 'answer' ? [message.answer.body.buffer as ArrayBuffer] : []);
}

/** A rule's query: the data as the engine gives it (the rule manager on the main thread does the rest). */
function rule(m: RuleRequest): void {
  const cancelled = cancelledFlag(m.id);
  try {
    const { data } = replica.read(() => engine.instantQuery(replica, m.query, m.time, { deadline: m.deadline, cancelled }));
    post({ type: 'rule-answer', id: m.id, data, outcome: 'success' });
  } catch (e) {
    post({ type: 'rule-answer', id: m.id, error: (e as Error).message ?? String(e), outcome: outcomeOf(e) });
  }
}

function totals(id: number): void {
  try {
    post({ type: 'totals-answer', id, totals: replica.totals(), outcome: 'success' });
  } catch (e) {
    post({ type: 'totals-answer', id, error: (e as Error).message ?? String(e), outcome: 'error' });
  }
}

/**
 * Lowers this thread's scheduling priority (nice QUERY_NICE), so that on a machine whose
 * cores are all busy with queries the hub's main thread (batches committed, PUBACKs sent)
 * still runs when it has work. Linux only: there the nice value is a thread's own, while
 * elsewhere it would lower the whole hub.
 */
function yieldToIngest(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(QUERY_NICE);
  } catch {
    // Not allowed (a sandbox): queries then share the cores evenly with ingest.
  }
}

function outcomeOf(e: unknown): QueryOutcome {
  if (e instanceof PromqlError && (e.type === 'timeout' || e.type === 'canceled')) return e.type;
  return 'error';
}
