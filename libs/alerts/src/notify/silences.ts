// Silences as Alertmanager keeps them: label matchers over a time window, with who and
// why. A silence is pending before startsAt, active in [startsAt, endsAt) and expired
// after; expiring one ends it now. Changing an active silence's matchers or start, or a
// pending one's start into the past, cannot be done in place without rewriting what it
// already did: as in Alertmanager, the old one is expired and a new one (a new id) created.

import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Labels } from '../model.ts';
import {
  compileMatchers,
  MatcherSyntaxError,
  matchesAll,
  parseMatchers,
  checkMatcher,
  type CompiledMatcher,
  type LabelMatcher,
} from './matchers.ts';

export type SilenceState = 'pending' | 'active' | 'expired';

export interface Silence {
  id: string;
  matchers: LabelMatcher[];
  startsAt: number;
  endsAt: number;
  updatedAt: number;
  createdBy: string;
  comment: string;
  state: SilenceState;
}

export interface SilenceInput {
  /** Alertmanager's matcher strings (`severity=~"critical|warning"`) or matcher objects. */
  matchers: (string | LabelMatcher)[];
  /** Default: now; a start in the past becomes now. */
  startsAt?: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

export type SilenceErrorCode = 'invalid_silence' | 'silence_not_found' | 'silence_expired';

export class SilenceError extends Error {
  constructor(
    readonly code: SilenceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SilenceError';
  }
}

interface Row {
  id: string;
  matchers: string;
  starts_at: number;
  ends_at: number;
  updated_at: number;
  created_by: string;
  comment: string;
}

export function silenceState(s: { startsAt: number; endsAt: number }, now: number): SilenceState {
  if (now < s.startsAt) return 'pending';
  return now < s.endsAt ? 'active' : 'expired';
}

export class Silences {
  private readonly stmt;
  private readonly compiled = new Map<string, { updatedAt: number; matchers: CompiledMatcher[] }>();

  constructor(
    private readonly db: Database.Database,
    private readonly newId: () => string = randomUUID,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS notify_silences (
      id TEXT PRIMARY KEY,
      matchers TEXT NOT NULL,
      starts_at INTEGER NOT NULL,
      ends_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      comment TEXT NOT NULL
    ) WITHOUT ROWID`);
    this.stmt = {
      get: db.prepare<[string], Row>('SELECT * FROM notify_silences WHERE id = ?'),
      all: db.prepare<[], Row>('SELECT * FROM notify_silences ORDER BY starts_at, id'),
      active: db.prepare<[number, number], Row>('SELECT * FROM notify_silences WHERE starts_at <= ? AND ends_at > ?'),
      insert: db.prepare(
        'INSERT INTO notify_silences (id, matchers, starts_at, ends_at, updated_at, created_by, comment) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      update: db.prepare('UPDATE notify_silences SET starts_at = ?, ends_at = ?, updated_at = ?, created_by = ?, comment = ? WHERE id = ?'),
      gc: db.prepare('DELETE FROM notify_silences WHERE ends_at < ?'),
    };
  }

  create(input: SilenceInput, now: number): Silence {
    return this.insert(this.validate(input, now), now);
  }

  private insert(s: Omit<Silence, 'id' | 'state' | 'updatedAt'>, now: number): Silence {
    const id = this.newId();
    this.stmt.insert.run(id, JSON.stringify(s.matchers), s.startsAt, s.endsAt, now, s.createdBy, s.comment);
    return this.get(id, now)!;
  }

  /** Changes a silence; returns it, or the new silence that replaced it (see the file comment). */
  update(id: string, changes: Partial<SilenceInput>, now: number): Silence {
    const old = this.mustGet(id, now);
    if (old.state === 'expired') throw new SilenceError('silence_expired', `silence ${id} has expired and cannot change: create a new one`);
    const next: SilenceInput = {
      matchers: changes.matchers ?? old.matchers,
      startsAt: changes.startsAt ?? old.startsAt,
      endsAt: changes.endsAt ?? old.endsAt,
      createdBy: changes.createdBy ?? old.createdBy,
      comment: changes.comment ?? old.comment,
    };
    const matchers = this.normalizeMatchers(next.matchers);
    const sameMatchers = JSON.stringify(matchers) === JSON.stringify(old.matchers);
    const inPlace = sameMatchers && (old.state === 'active' ? next.startsAt === old.startsAt && next.endsAt >= now : next.startsAt! >= now);
    if (!inPlace) {
      // Checked before the old one ends, so a rejected change leaves it as it was.
      const replacement = this.validate(next, now);
      return this.db.transaction(() => {
        this.expire(id, now);
        return this.insert(replacement, now);
      })();
    }
    if (next.endsAt <= next.startsAt!)
      throw new SilenceError('invalid_silence', 'the silence must end after it starts: set endsAt later than startsAt');
    this.checkWho(next);
    this.stmt.update.run(next.startsAt, next.endsAt, now, next.createdBy, next.comment, id);
    return this.get(id, now)!;
  }

  /** Ends a silence now (a pending one never starts). */
  expire(id: string, now: number): Silence {
    const s = this.mustGet(id, now);
    if (s.state === 'expired') throw new SilenceError('silence_expired', `silence ${id} has already expired`);
    const startsAt = s.state === 'pending' ? now : s.startsAt;
    this.stmt.update.run(startsAt, now, now, s.createdBy, s.comment, id);
    return this.get(id, now)!;
  }

  get(id: string, now: number): Silence | undefined {
    const row = this.stmt.get.get(id);
    return row && fromRow(row, now);
  }

  list(now: number, filter: { state?: SilenceState } = {}): Silence[] {
    return this.stmt.all
      .all()
      .map((r) => fromRow(r, now))
      .filter((s) => !filter.state || s.state === filter.state);
  }

  /** The silences active at `now`, compiled, for matching many alerts. */
  active(now: number): ActiveSilence[] {
    return this.stmt.active.all(now, now).map((r) => {
      let c = this.compiled.get(r.id);
      if (!c || c.updatedAt !== r.updated_at) {
        c = { updatedAt: r.updated_at, matchers: compileMatchers(JSON.parse(r.matchers)) };
        this.compiled.set(r.id, c);
      }
      return { id: r.id, matchers: c.matchers };
    });
  }

  /** Forgets silences that ended before `before`. */
  gc(before: number): number {
    const n = this.stmt.gc.run(before).changes;
    if (n) for (const id of [...this.compiled.keys()]) if (!this.stmt.get.get(id)) this.compiled.delete(id);
    return n;
  }

  private mustGet(id: string, now: number): Silence {
    const s = this.get(id, now);
    if (!s) throw new SilenceError('silence_not_found', `there is no silence ${id}: list the silences for their ids`);
    return s;
  }

  private validate(input: SilenceInput, now: number): Omit<Silence, 'id' | 'state' | 'updatedAt'> {
    const matchers = this.normalizeMatchers(input.matchers);
    const startsAt = Math.max(input.startsAt ?? now, now);
    if (!Number.isFinite(input.endsAt)) throw new SilenceError('invalid_silence', 'a silence needs endsAt (Unix milliseconds)');
    if (input.endsAt <= now) throw new SilenceError('invalid_silence', 'the silence would end in the past: set endsAt in the future');
    if (input.endsAt <= startsAt)
      throw new SilenceError('invalid_silence', 'the silence must end after it starts: set endsAt later than startsAt');
    this.checkWho(input);
    return { matchers, startsAt, endsAt: input.endsAt, createdBy: input.createdBy, comment: input.comment };
  }

  private checkWho(input: SilenceInput): void {
    if (!input.createdBy?.trim()) throw new SilenceError('invalid_silence', 'a silence needs createdBy: say who creates it');
    if (!input.comment?.trim()) throw new SilenceError('invalid_silence', 'a silence needs a comment: say why');
  }

  private normalizeMatchers(raw: (string | LabelMatcher)[]): LabelMatcher[] {
    const out: LabelMatcher[] = [];
    try {
      for (const m of raw ?? []) out.push(...(typeof m === 'string' ? parseMatchers(m) : [checkMatcher(m)]));
    } catch (e) {
      if (e instanceof MatcherSyntaxError) throw new SilenceError('invalid_silence', e.message);
      throw e;
    }
    if (!out.length) throw new SilenceError('invalid_silence', 'a silence needs at least one matcher, e.g. alertname="HostDown"');
    // One that matches everything would silence every alert by accident.
    if (compileMatchers(out).every((m) => m.matchesEmpty)) {
      throw new SilenceError(
        'invalid_silence',
        'at least one matcher must not match the empty string, or the silence would mute every alert: add e.g. alertname="HostDown"',
      );
    }
    return out;
  }
}

export interface ActiveSilence {
  id: string;
  matchers: CompiledMatcher[];
}

/** Ids of the silences (from `Silences.active`) that match `labels`. */
export function silencedBy(labels: Labels, active: readonly ActiveSilence[]): string[] {
  return active.filter((s) => matchesAll(s.matchers, labels)).map((s) => s.id);
}

function fromRow(r: Row, now: number): Silence {
  const s = {
    id: r.id,
    matchers: JSON.parse(r.matchers),
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    updatedAt: r.updated_at,
    createdBy: r.created_by,
    comment: r.comment,
  };
  return { ...s, state: silenceState(s, now) };
}
