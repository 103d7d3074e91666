import { randomUUID } from 'node:crypto';
import { isRole } from '@hdns/protocol';
import type { Db } from '../storage/db.js';
import type { UserRow } from '../storage/schema.js';
import { usernameKey, type StoredUser } from './user.js';

function parseZones(raw: string | null): string[] | null {
  if (raw === null) return null;
  const value: unknown = JSON.parse(raw);
  return Array.isArray(value) ? value.filter((z): z is string => typeof z === 'string') : null;
}

/** A `users` row as a StoredUser (also for joined reads: refresh-token-store.ts). */
export function storedUserFrom(row: UserRow): StoredUser {
  if (!isRole(row.role)) throw new Error(`user ${row.id} has an unknown role in storage`);
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    zones: parseZones(row.zones),
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
    passwordHash: row.password_hash,
    tokenVersion: row.token_version,
  };
}

export interface NewUser {
  username: string;
  passwordHash: string;
  role: StoredUser['role'];
  zones: string[] | null;
}

export interface UserChanges {
  role?: StoredUser['role'];
  zones?: string[] | null;
  disabled?: boolean;
  passwordHash?: string;
  /** Void every access token issued so far (bump `token_version`). */
  revokeTokens?: boolean;
}

/**
 * Storage of users; no business rules. Bind it to a transaction (`new UserRepository(trx)`) to
 * make a read-check-write sequence atomic.
 */
export class UserRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async findById(id: string): Promise<StoredUser | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && storedUserFrom(row);
  }

  async findByUsername(username: string): Promise<StoredUser | undefined> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username_key', '=', usernameKey(username))
      .executeTakeFirst();
    return row && storedUserFrom(row);
  }

  async list(): Promise<StoredUser[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username_key').execute();
    return rows.map(storedUserFrom);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async countActiveAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insert(user: NewUser): Promise<StoredUser> {
    const ts = this.now().toISOString();
    const id = randomUUID();
    await this.db
      .insertInto('users')
      .values({
        id,
        username: user.username,
        username_key: usernameKey(user.username),
        password_hash: user.passwordHash,
        role: user.role,
        zones: user.zones === null ? null : JSON.stringify(user.zones),
        disabled: 0,
        created_at: ts,
        updated_at: ts,
        version: 1,
      })
      .execute();
    const created = await this.findById(id);
    if (!created) throw new Error('inserted user not found');
    return created;
  }

  /**
   * Applies changes only if the stored version is `expectedVersion`, bumping it.
   * Returns the updated user, or undefined when the id or version did not match.
   */
  async update(
    id: string,
    expectedVersion: number,
    changes: UserChanges,
  ): Promise<StoredUser | undefined> {
    const result = await this.db
      .updateTable('users')
      .set((eb) => ({
        ...(changes.role !== undefined ? { role: changes.role } : {}),
        ...(changes.zones !== undefined
          ? { zones: changes.zones === null ? null : JSON.stringify(changes.zones) }
          : {}),
        ...(changes.disabled !== undefined ? { disabled: changes.disabled ? 1 : 0 } : {}),
        ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash } : {}),
        ...(changes.revokeTokens ? { token_version: eb('token_version', '+', 1) } : {}),
        updated_at: this.now().toISOString(),
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}
