import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AccountSession } from '@hdns/protocol/rest';
import type { Db } from '../storage/db.js';
import type { RefreshTokenRow } from '../storage/schema.js';
import { storedUserFrom } from '../users/user-repository.js';
import type { TokenUserRead } from './token-user.js';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface IssuedRefreshToken {
  /** The raw token for the cookie; only its hash is stored. */
  raw: string;
  id: string;
  familyId: string;
  expiresAt: Date;
}

export function hashRefreshToken(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

/**
 * Opaque refresh tokens (32 random bytes, base64url) stored as sha256 hashes. Every login starts
 * a family; each refresh replaces the token with a new one of the same family. A token that was
 * already replaced or revoked and shows up again means it leaked: the caller revokes the family.
 *
 * A family that still has a token neither revoked nor expired is a live login session; its id
 * is the family id, which access tokens carry as `sid`. This store is the one place sessions are
 * read and ended (account/account-sessions.ts, UserService, the token checks); bind it to a
 * transaction with `in(trx)` to end sessions together with the change that ends them.
 */
export class RefreshTokenStore {
  constructor(
    private readonly db: Db,
    private readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The same store on `db` (a transaction: its writes commit or roll back with it). */
  in(db: Db): RefreshTokenStore {
    return new RefreshTokenStore(db, this.ttlSeconds, this.now);
  }

  private newRow(userId: string, familyId: string, client: ClientInfo) {
    const raw = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.ttlSeconds * 1000);
    const row: RefreshTokenRow = {
      id: randomUUID(),
      user_id: userId,
      family_id: familyId,
      token_hash: hashRefreshToken(raw),
      expires_at: expiresAt.toISOString(),
      revoked_at: null,
      replaced_by: null,
      created_at: now.toISOString(),
      ip: client.ip,
      user_agent: client.userAgent?.slice(0, 512) ?? null,
    };
    return { raw, row, issued: { raw, id: row.id, familyId, expiresAt } };
  }

  /** Starts a new family (a login). */
  async issue(userId: string, client: ClientInfo): Promise<IssuedRefreshToken> {
    const { row, issued } = this.newRow(userId, randomUUID(), client);
    await this.db.insertInto('refresh_tokens').values(row).execute();
    return issued;
  }

  async find(raw: string): Promise<RefreshTokenRow | undefined> {
    return this.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', hashRefreshToken(raw))
      .executeTakeFirst();
  }

  isExpired(row: RefreshTokenRow): boolean {
    return row.expires_at <= this.now().toISOString();
  }

  /**
   * Replaces `current` with a new token of the same family, atomically. Returns undefined when
   * `current` was already used (a concurrent refresh won the race): treat that as reuse.
   */
  async rotate(
    current: RefreshTokenRow,
    client: ClientInfo,
  ): Promise<IssuedRefreshToken | undefined> {
    const { row, issued } = this.newRow(current.user_id, current.family_id, client);
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('refresh_tokens')
        .set({ revoked_at: row.created_at, replaced_by: row.id })
        .where('id', '=', current.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return undefined;
      await trx.insertInto('refresh_tokens').values(row).execute();
      return issued;
    });
  }

  /**
   * The user an access token names and, when it names a login session, whether that session is
   * the user's and still live: ONE read (every authenticated request and /ws hello asks this).
   * Undefined when the user does not exist; `sessionLive` is true when no session is named.
   */
  async findTokenUser(
    userId: string,
    sessionId: string | undefined,
  ): Promise<TokenUserRead | undefined> {
    if (sessionId === undefined) {
      const row = await this.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', userId)
        .executeTakeFirst();
      return row && { user: storedUserFrom(row), sessionLive: true };
    }
    const now = this.now().toISOString();
    const row = await this.db
      .selectFrom('users')
      .selectAll('users')
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('refresh_tokens')
              .select('refresh_tokens.id')
              .where('refresh_tokens.family_id', '=', sessionId)
              .whereRef('refresh_tokens.user_id', '=', 'users.id')
              .where('refresh_tokens.revoked_at', 'is', null)
              .where('refresh_tokens.expires_at', '>', now),
          )
          .as('session_live'),
      )
      .where('users.id', '=', userId)
      .executeTakeFirst();
    if (!row) return undefined;
    const { session_live: live, ...user } = row;
    // SQLite answers EXISTS with 0/1, PostgreSQL with a boolean.
    return { user: storedUserFrom(user), sessionLive: Boolean(live) };
  }

  /** The user's live sessions, latest activity first, `current` marking `currentSessionId`. */
  async listSessions(
    userId: string,
    currentSessionId: string | undefined,
  ): Promise<AccountSession[]> {
    const live = await this.db
      .selectFrom('refresh_tokens as r')
      .selectAll('r')
      // The login time is the family's oldest row (rows past expiry are pruned a day after it,
      // so a session refreshed for longer than the refresh lifetime shows its oldest kept one).
      .select((eb) =>
        eb
          .selectFrom('refresh_tokens as f')
          .select((f) => f.fn.min<string>('f.created_at').as('first'))
          .whereRef('f.family_id', '=', 'r.family_id')
          .as('first'),
      )
      .where('r.user_id', '=', userId)
      .where('r.revoked_at', 'is', null)
      .where('r.expires_at', '>', this.now().toISOString())
      .orderBy('r.created_at', 'desc')
      .execute();
    const seen = new Set<string>();
    const sessions: AccountSession[] = [];
    // One live row per family normally; should a family hold two, the newest speaks for it.
    for (const row of live) {
      if (seen.has(row.family_id)) continue;
      seen.add(row.family_id);
      sessions.push({
        id: row.family_id,
        createdAt: row.first ?? row.created_at,
        lastUsedAt: row.created_at,
        expiresAt: row.expires_at,
        ip: row.ip,
        userAgent: row.user_agent,
        current: row.family_id === currentSessionId,
      });
    }
    return sessions;
  }

  /** Ends one live session of the user; false when it is not theirs or already over. */
  async endSession(userId: string, sessionId: string): Promise<boolean> {
    const now = this.now().toISOString();
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('family_id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async revokeFamily(familyId: string): Promise<number> {
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: this.now().toISOString() })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Ends every live session of a user (password change, disable, "end all others") in ONE
   * statement, except the family `keepFamilyId` when given (a user changing their own password
   * stays signed in where they did it); returns the ids of the sessions it ended.
   */
  async revokeAllForUser(userId: string, keepFamilyId?: string): Promise<string[]> {
    const now = this.now().toISOString();
    let query = this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now);
    if (keepFamilyId !== undefined) query = query.where('family_id', '!=', keepFamilyId);
    const rows = await query.returning('family_id').execute();
    return [...new Set(rows.map((r) => r.family_id))];
  }

  /**
   * Deletes tokens that expired more than `graceSeconds` ago. Rotated tokens are kept until
   * then so that reuse of a stolen token is still recognised while it could have been valid.
   */
  async pruneExpired(graceSeconds = 86_400): Promise<number> {
    const cutoff = new Date(this.now().getTime() - graceSeconds * 1000).toISOString();
    const result = await this.db
      .deleteFrom('refresh_tokens')
      .where('expires_at', '<', cutoff)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
