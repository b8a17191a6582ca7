// Which batches of each agent are stored: per agent, the sequence numbers covered, as
// merged ranges. A batch whose range is covered already is a redelivery (the agent never
// saw our acknowledgement) and is acknowledged without storing it again. Ranges rather
// than a high-water mark, because an agent sends live batches ahead of an older backlog.
// The table commits in the same transaction as the samples (TimeSeriesStore.append's
// inTransaction), so after a crash the ledger and the store agree.

import type Database from 'better-sqlite3';

type Range = [first: number, last: number];

export class DeliveryLedger {
  private readonly ranges = new Map<string, Range[]>();
  private readonly stmt;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS hub_delivered (
      agent_id TEXT NOT NULL,
      first_seq INTEGER NOT NULL,
      last_seq INTEGER NOT NULL,
      PRIMARY KEY (agent_id, first_seq)
    ) WITHOUT ROWID`);
    this.stmt = {
      insert: db.prepare('INSERT INTO hub_delivered (agent_id, first_seq, last_seq) VALUES (?, ?, ?)'),
      remove: db.prepare('DELETE FROM hub_delivered WHERE agent_id = ? AND first_seq = ?'),
      all: db.prepare<[], { agent_id: string; first_seq: number; last_seq: number }>(
        'SELECT agent_id, first_seq, last_seq FROM hub_delivered ORDER BY agent_id, first_seq',
      ),
    };
    this.reload();
  }

  /** Rebuilds the ranges from the table (after a failed transaction rolled it back). */
  reload(): void {
    // Should the table be unreadable, knowing nothing is the safe side: a batch taken for
    // new when it is a repeat costs the store a de-duplication; the other way loses data.
    this.ranges.clear();
    for (const r of this.stmt.all.iterate()) {
      let list = this.ranges.get(r.agent_id);
      if (!list) this.ranges.set(r.agent_id, (list = []));
      list.push([r.first_seq, r.last_seq]);
    }
  }

  /** Whether every sequence number in [first, last] is stored already. */
  covers(agentId: string, first: number, last: number): boolean {
    const list = this.ranges.get(agentId);
    if (!list) return false;
    const i = lastStartingAtOrBefore(list, first);
    return i >= 0 && list[i][1] >= last;
  }

  /** Records [first, last] as stored; call inside the append transaction. */
  record(agentId: string, first: number, last: number): void {
    let list = this.ranges.get(agentId);
    if (!list) this.ranges.set(agentId, (list = []));
    // Merge with every range that overlaps or touches [first, last].
    let lo = lastStartingAtOrBefore(list, first);
    if (lo < 0 || list[lo][1] < first - 1) lo++;
    let hi = lo;
    let merged: Range = [first, last];
    while (hi < list.length && list[hi][0] <= last + 1) {
      merged = [Math.min(merged[0], list[hi][0]), Math.max(merged[1], list[hi][1])];
      hi++;
    }
    for (let i = lo; i < hi; i++) this.stmt.remove.run(agentId, list[i][0]);
    this.stmt.insert.run(agentId, merged[0], merged[1]);
    list.splice(lo, hi - lo, merged);
  }

  /** The stored ranges of an agent (gaps are data the agent dropped or still holds). */
  rangesOf(agentId: string): Range[] {
    return (this.ranges.get(agentId) ?? []).map((r) => [r[0], r[1]]);
  }
}

function lastStartingAtOrBefore(list: Range[], seq: number): number {
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid][0] <= seq) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
