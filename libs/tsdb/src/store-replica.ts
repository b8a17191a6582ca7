// A read-only view of a store that another process or thread writes: its own read-only
// SQLite connection on the store's file, and a replica of the writer's in-memory state
// (series index, heads, late samples) kept up before every read (store/replica.ts). Reads
// give what the writer's own reads give for the same commits: each `read` sees one
// consistent cut (SQLite's snapshot isolation), never half an append or half a seal.
//
//   const replica = StoreReplica.open({ path });
//   replica.read(() => engine.instantQuery(replica, 'up', now));

import type Database from 'better-sqlite3';
import type { LabelMatcher } from '@metrics-hub/wire';
import { ColdArchive } from './archive/cold-archive.ts';
import { resolveOptions, type StoreOptions } from './options.ts';
import type { HOUR_MS, MINUTE_MS } from './rollup.ts';
import { openReadOnly, translateSqliteError } from './schema.ts';
import { readSealedMany } from './store/heads.ts';
import { resolutionFor, select, selectBuckets } from './store/read.ts';
import { ReplicaFollower } from './store/replica.ts';
import { createStoreState, translate, type StoreState } from './store/state.ts';
import { storeTotals } from './store/stats.ts';
import type { BucketHints, BucketSeries, SelectHints, StoredSeries, StoreTotals } from './store/types.ts';

export interface ReplicaOptions {
  /** The store's SQLite file (it must exist: a replica never creates one). */
  path: string;
  /** As the writer has them: `selectBuckets` declines ranges past the rollups into archived days. */
  retention?: StoreOptions['retention'];
  /** The writer's cold storage folder, when it has one; read, never written. */
  archive?: { dir: string; log?: (line: string) => void };
  /** The clock retention counts back from (the writer's). */
  now?: () => number;
}

export class StoreReplica {
  private readonly st: StoreState;
  private readonly follower: ReplicaFollower;
  private reading = false;

  static open(options: ReplicaOptions): StoreReplica {
    return new StoreReplica(options);
  }

  private constructor(o: ReplicaOptions) {
    const opened = openReadOnly(o.path);
    try {
      const options = resolveOptions({ path: o.path, retention: o.retention, now: o.now, chunkWindowMs: opened.chunkWindowMs });
      this.st = createStoreState(opened.db, options, readSealedMany);
      if (o.archive) this.st.archive = new ColdArchive(o.archive.dir, o.archive.log, true, true);
      this.follower = new ReplicaFollower(this.st);
      this.read(() => {});
    } catch (e) {
      opened.db.close();
      throw translateSqliteError(e, o.path);
    }
  }

  /** The read-only connection (for reads of companion tables in the same snapshot). */
  get database(): Database.Database {
    return this.st.db;
  }

  /**
   * Runs `fn` inside one read transaction, after catching up with every commit before it:
   * every `select` and `selectBuckets` within it (and the blocks they return, read while
   * `fn` runs) sees the same cut of the store. Reads outside `read` get one each.
   */
  read<T>(fn: () => T): T {
    if (this.reading) return fn();
    const db = this.st.db;
    this.reading = true;
    db.exec('BEGIN');
    try {
      this.follower.catchUp();
      return fn();
    } catch (e) {
      throw translate(this.st, e);
    } finally {
      this.reading = false;
      db.exec('COMMIT');
    }
  }

  select(matchers: readonly LabelMatcher[], mint: number, maxt: number, hints?: SelectHints): StoredSeries[] {
    return this.read(() => select(this.st, matchers, mint, maxt, hints));
  }

  resolutionFor(stepMs: number): 0 | typeof MINUTE_MS | typeof HOUR_MS {
    return resolutionFor(stepMs);
  }

  selectBuckets(
    matchers: readonly LabelMatcher[],
    mint: number,
    maxt: number,
    resolution: typeof MINUTE_MS | typeof HOUR_MS,
    hints?: BucketHints,
  ): Iterable<BucketSeries> | undefined {
    return this.read(() => selectBuckets(this.st, matchers, mint, maxt, resolution, hints));
  }

  /** The sums of the store's sealed data (a scan: see storeTotals), as of now. */
  totals(): StoreTotals {
    return this.read(() => storeTotals(this.st.db));
  }

  /** Series the replica knows (as of its last read). */
  get seriesCount(): number {
    return this.st.index.size;
  }

  close(): void {
    if (this.st.closed) return;
    this.st.closed = true;
    this.st.archive?.closeAll();
    this.st.db.close();
  }
}
