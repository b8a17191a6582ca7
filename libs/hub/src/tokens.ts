// Agent credentials the hub issues: one secret token per agent id, used as the MQTT
// password (the user name is the agent id). Only a hash is stored, so a copy of the data
// directory does not hand out working tokens; a token is shown once, when it is issued.
// Issuing again replaces the old token; revoking refuses the agent from then on.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { agentIdProblem } from '@metrics-hub/wire';

export interface AgentTokenInfo {
  agentId: string;
  issuedMs: number;
  revokedMs: number | undefined;
}

export class AgentTokens {
  private readonly stmt;

  constructor(
    db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS hub_agent_tokens (
      agent_id TEXT PRIMARY KEY,
      token_hash BLOB NOT NULL,
      issued_ms INTEGER NOT NULL,
      revoked_ms INTEGER
    )`);
    this.stmt = {
      upsert: db.prepare(
        'INSERT INTO hub_agent_tokens (agent_id, token_hash, issued_ms, revoked_ms) VALUES (?, ?, ?, NULL) ON CONFLICT (agent_id) DO UPDATE SET token_hash = excluded.token_hash, issued_ms = excluded.issued_ms, revoked_ms = NULL',
      ),
      get: db.prepare<[string], { token_hash: Buffer; revoked_ms: number | null }>(
        'SELECT token_hash, revoked_ms FROM hub_agent_tokens WHERE agent_id = ?',
      ),
      revoke: db.prepare('UPDATE hub_agent_tokens SET revoked_ms = ? WHERE agent_id = ? AND revoked_ms IS NULL'),
      list: db.prepare<[], { agent_id: string; issued_ms: number; revoked_ms: number | null }>(
        'SELECT agent_id, issued_ms, revoked_ms FROM hub_agent_tokens ORDER BY agent_id',
      ),
    };
  }

  /** A new token for `agentId` (replacing any earlier one). Returned once; keep it. */
  issue(agentId: string): string {
    const problem = agentIdProblem(agentId);
    if (problem) throw new Error(problem);
    const token = `mht_${randomBytes(24).toString('base64url')}`;
    this.stmt.upsert.run(agentId, hash(token), this.now());
    return token;
  }

  /** Whether `token` is the current, unrevoked token of `agentId`. */
  verify(agentId: string, token: string | Buffer | undefined): boolean {
    if (token === undefined) return false;
    const row = this.stmt.get.get(agentId);
    if (!row || row.revoked_ms !== null) return false;
    return timingSafeEqual(row.token_hash, hash(token));
  }

  /** Refuses the agent's token from now on; false when it had none or it was revoked already. */
  revoke(agentId: string): boolean {
    return this.stmt.revoke.run(this.now(), agentId).changes > 0;
  }

  list(): AgentTokenInfo[] {
    return this.stmt.list.all().map((r) => ({ agentId: r.agent_id, issuedMs: r.issued_ms, revokedMs: r.revoked_ms ?? undefined }));
  }
}

function hash(token: string | Buffer): Buffer {
  return createHash('sha256').update(token).digest();
}
