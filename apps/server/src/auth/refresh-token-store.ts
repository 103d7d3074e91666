import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../storage/db.js';
import type { RefreshTokenRow } from '../storage/schema.js';

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
 */
export class RefreshTokenStore {
  constructor(
    private readonly db: Db,
    private readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

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

  /** Whether a family (a login session) still has a token neither revoked nor expired. */
  async familyIsLive(familyId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('refresh_tokens')
      .select('id')
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', this.now().toISOString())
      .executeTakeFirst();
    return row !== undefined;
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
   * Ends every session of a user (password change, disable), except the family `keepFamilyId`
   * when given (a user changing their own password stays signed in where they did it).
   */
  async revokeAllForUser(userId: string, keepFamilyId?: string): Promise<number> {
    let query = this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: this.now().toISOString() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (keepFamilyId !== undefined) query = query.where('family_id', '!=', keepFamilyId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
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
