import type { AccountSession } from '@hdns/protocol/rest';
import type { Db } from '../storage/db.js';

/** Closes the live sockets of one login session (the hub's `disconnectCredential`). */
export type SessionSocketCloser = (sessionId: string) => void;

/**
 * A user's login sessions, read from the refresh-token store: a session is a refresh-token
 * family (one login and every rotation after it) that still has a token neither revoked nor
 * expired. Its id is the family id, which access tokens carry as `sid`, so the session a
 * request comes from is known without the refresh cookie (scoped to /api/auth).
 *
 * Ending a session revokes its family, so it can never refresh again, and access tokens of that
 * session are refused from then on (the REST and WebSocket token checks ask `isActive` via the
 * refresh-token store). Its sockets close at once (`closeSockets`, the hub's
 * `disconnectCredential`), on every instance of a cluster.
 */
export class AccountSessions {
  constructor(
    private readonly db: Db,
    private readonly closeSockets: SessionSocketCloser,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(userId: string, currentSessionId: string | undefined): Promise<AccountSession[]> {
    const live = await this.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', this.now().toISOString())
      .orderBy('created_at', 'desc')
      .execute();
    if (live.length === 0) return [];
    // The login time is the family's oldest row (rows past expiry are pruned a day after it, so
    // a session refreshed for longer than the refresh lifetime shows its oldest kept rotation).
    const firsts = await this.db
      .selectFrom('refresh_tokens')
      .select(['family_id', (eb) => eb.fn.min<string>('created_at').as('first')])
      .where('family_id', 'in', [...new Set(live.map((r) => r.family_id))])
      .groupBy('family_id')
      .execute();
    const firstOf = new Map(firsts.map((f) => [f.family_id, f.first]));
    const seen = new Set<string>();
    const sessions: AccountSession[] = [];
    // One live row per family normally; should a family hold two, the newest speaks for it.
    for (const row of live) {
      if (seen.has(row.family_id)) continue;
      seen.add(row.family_id);
      sessions.push({
        id: row.family_id,
        createdAt: firstOf.get(row.family_id) ?? row.created_at,
        lastUsedAt: row.created_at,
        expiresAt: row.expires_at,
        ip: row.ip,
        userAgent: row.user_agent,
        current: row.family_id === currentSessionId,
      });
    }
    return sessions;
  }

  /** Whether the session is the user's and still live. */
  async isActive(userId: string, sessionId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('family_id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', this.now().toISOString())
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Ends one of the user's sessions; false when it is not theirs or already over. */
  async end(userId: string, sessionId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: this.now().toISOString() })
      .where('family_id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', this.now().toISOString())
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    this.closeSockets(sessionId);
    return true;
  }

  /** Ends every session of the user but `keepSessionId`; returns how many ended. */
  async endOthers(userId: string, keepSessionId: string | undefined): Promise<string[]> {
    const others = (await this.list(userId, keepSessionId)).filter((s) => !s.current);
    const ended: string[] = [];
    for (const session of others) {
      if (await this.end(userId, session.id)) ended.push(session.id);
    }
    return ended;
  }
}
