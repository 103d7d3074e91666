import type { Db } from '../storage/db.js';
import type { ApiTokenRow } from '../storage/schema.js';
import { isRole } from '@hdns/protocol';
import {
  parseZones,
  storedApiTokenFrom,
  type ApiTokenInUse,
  type StoredApiToken,
} from './api-token.js';

export interface NewApiToken {
  id: string;
  ownerId: string;
  name: string;
  hash: string;
  prefix: string;
  role: string;
  zones: string[] | null;
  readOnly: boolean;
  createdAt: string;
  expiresAt: string | null;
}

/** Rows of `api_tokens` (migration 0010): the secret only as its hash, which is the lookup key. */
export class ApiTokenStore {
  constructor(private readonly db: Db) {}

  /** The same store on `db` (a transaction: its writes commit or roll back with it). */
  in(db: Db): ApiTokenStore {
    return new ApiTokenStore(db);
  }

  async insert(token: NewApiToken): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        owner_id: token.ownerId,
        name: token.name,
        token_hash: token.hash,
        prefix: token.prefix,
        role: token.role,
        zones: token.zones === null ? null : JSON.stringify(token.zones),
        read_only: token.readOnly ? 1 : 0,
        created_at: token.createdAt,
        expires_at: token.expiresAt,
        revoked_at: null,
        last_used_at: null,
        last_used_from: null,
      })
      .execute();
  }

  private selectWithOwner() {
    return this.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.owner_id')
      .selectAll('api_tokens')
      .select('users.username as owner_username');
  }

  private static from(row: ApiTokenRow & { owner_username: string }): StoredApiToken {
    return storedApiTokenFrom(row, row.owner_username);
  }

  /**
   * The token with its owner's current rights, in ONE query (every request made with a token
   * asks this); undefined for an unknown hash. A deleted owner's tokens go with it (cascade).
   */
  async findForUse(hash: string): Promise<ApiTokenInUse | undefined> {
    const row = await this.selectWithOwner()
      .select([
        'users.role as owner_role',
        'users.zones as owner_zones',
        'users.disabled as owner_disabled',
        'users.token_version as owner_token_version',
      ])
      .where('api_tokens.token_hash', '=', hash)
      .executeTakeFirst();
    if (!row) return undefined;
    if (!isRole(row.owner_role)) throw new Error(`user ${row.owner_id} has an unknown role`);
    return {
      token: ApiTokenStore.from(row),
      owner: {
        id: row.owner_id,
        username: row.owner_username,
        role: row.owner_role,
        zones: parseZones(row.owner_zones),
        disabled: row.owner_disabled !== 0,
        tokenVersion: row.owner_token_version,
      },
    };
  }

  async findById(id: string): Promise<StoredApiToken | undefined> {
    const row = await this.selectWithOwner().where('api_tokens.id', '=', id).executeTakeFirst();
    return row && ApiTokenStore.from(row);
  }

  /** Tokens not revoked, newest first; of one owner, or everyone's. */
  async listActive(ownerId?: string): Promise<StoredApiToken[]> {
    let query = this.selectWithOwner().where('api_tokens.revoked_at', 'is', null);
    if (ownerId !== undefined) query = query.where('api_tokens.owner_id', '=', ownerId);
    const rows = await query
      .orderBy('api_tokens.created_at', 'desc')
      .orderBy('api_tokens.id')
      .execute();
    return rows.map((r) => ApiTokenStore.from(r));
  }

  /** Marks the token revoked; false when it was already revoked (or does not exist). */
  async revoke(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Records a use; an unknown address (null) keeps the last one known. */
  async touch(id: string, at: string, from: string | null): Promise<void> {
    await this.db
      .updateTable('api_tokens')
      .set(from === null ? { last_used_at: at } : { last_used_at: at, last_used_from: from })
      .where('id', '=', id)
      .execute();
  }
}
