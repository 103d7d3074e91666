import type { Role } from '@hdns/protocol';
import { AUDIT_ACTIONS, type AuditActor, type AuditLog } from '../audit/audit-log.js';
import type { RefreshTokenStore } from '../auth/refresh-token-store.js';
import { hashPassword } from '../auth/password.js';
import { AppError } from '../http/app-error.js';
import type { Outbox } from '../outbox/outbox.js';
import type { OutboxEvent } from '../outbox/outbox-event.js';
import type { Db } from '../storage/db.js';
import { toPublicUser, type StoredUser, type User } from './user.js';
import type { UserChange, UserChangeListener } from './user-change.js';
import { eventActor, userDeleteEvents, userUpdateEvents } from './user-events.js';
import { UserRepository, type UserChanges } from './user-repository.js';

/** Who asks, for the audit log. */
export interface ActionContext {
  actor: AuditActor | null;
  ip: string | null;
}

export interface CreateUserInput {
  username: string;
  password: string;
  role: Role;
  zones?: string[] | null;
}

export interface UpdateUserInput {
  role?: Role;
  zones?: string[] | null;
  disabled?: boolean;
  password?: string;
  version: number;
}

export interface UpdateUserOptions {
  /**
   * A password change made from this login session (refresh-token family) keeps it: its refresh
   * token stays valid and its sockets reconnect instead of ending (account/password-change.ts).
   */
  keepSessionId?: string;
}

function isActiveAdmin(user: { role: Role; disabled: boolean }): boolean {
  return user.role === 'admin' && !user.disabled;
}

/** Admins are never narrowed to zones (see protocol roles). */
function effectiveZones(role: Role, zones: string[] | null | undefined): string[] | null {
  if (role === 'admin') {
    if (zones !== undefined && zones !== null) {
      throw new AppError('VALIDATION_ERROR', {
        issues: [{ path: '/zones', message: 'admins cannot be limited to zones; use null' }],
      });
    }
    return null;
  }
  return zones ?? null;
}

function sameZones(a: string[] | null, b: string[] | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  // SQLite (better-sqlite3) and Postgres spellings.
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/**
 * User management rules: unique usernames, optimistic concurrency, at least one active admin,
 * access tokens voided (token version) on any password, role, zones or disabled change, refresh
 * tokens revoked on password change or disable, and an audit entry for every change. Change
 * listeners (the realtime layer closing the user's sockets) hear of a change as soon as it
 * commits, before the audit insert, so a failing audit write cannot keep sockets open.
 */
export class UserService {
  private readonly repo: UserRepository;
  private readonly listeners = new Set<UserChangeListener>();
  /** Set by the outbox plugin (registered after auth, which builds this service). */
  private outbox: Outbox | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly refreshTokens: RefreshTokenStore,
  ) {
    this.repo = new UserRepository(db);
  }

  /**
   * From now on user changes write their events (user-events.ts) through the outbox, in the
   * change's transaction. Until then (boot) a change that has events is refused.
   */
  useOutbox(outbox: Outbox): void {
    this.outbox = outbox;
  }

  /** Runs a user change and the events it returns in one transaction (see Outbox). */
  private transact<T>(
    work: (trx: Db) => Promise<{ result: T; events: readonly OutboxEvent[] }>,
  ): Promise<T> {
    const outbox = this.outbox;
    if (outbox) return outbox.commitDescribed(work);
    return this.db.transaction().execute(async (trx) => {
      const { result, events } = await work(trx);
      // Nothing may be stored without its events: only event-less changes run before the outbox.
      if (events.length > 0) throw new Error('user change with events before the outbox started');
      return result;
    });
  }

  /** Calls `listener` after every committed update or delete; returns the unsubscribe. */
  onChange(listener: UserChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: UserChange): void {
    for (const listener of this.listeners) listener(change);
  }

  async list(): Promise<User[]> {
    return (await this.repo.list()).map(toPublicUser);
  }

  async get(id: string): Promise<User> {
    const user = await this.repo.findById(id);
    if (!user) throw new AppError('NOT_FOUND');
    return toPublicUser(user);
  }

  /** With the password hash: for authentication only. */
  findStored(id: string): Promise<StoredUser | undefined> {
    return this.repo.findById(id);
  }

  findStoredByUsername(username: string): Promise<StoredUser | undefined> {
    return this.repo.findByUsername(username);
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  async create(input: CreateUserInput, ctx: ActionContext): Promise<User> {
    const zones = effectiveZones(input.role, input.zones);
    const passwordHash = await hashPassword(input.password);
    let created: StoredUser;
    try {
      created = await this.db.transaction().execute(async (trx) => {
        const repo = new UserRepository(trx);
        if (await repo.findByUsername(input.username)) throw new AppError('USERNAME_TAKEN');
        return repo.insert({ username: input.username, passwordHash, role: input.role, zones });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('USERNAME_TAKEN');
      throw err;
    }
    await this.audit.record({
      action: AUDIT_ACTIONS.userCreate,
      actor: ctx.actor,
      target: `user:${created.id}`,
      ip: ctx.ip,
      details: { username: created.username, role: created.role, zones: created.zones },
    });
    return toPublicUser(created);
  }

  async update(
    id: string,
    input: UpdateUserInput,
    ctx: ActionContext,
    options: UpdateUserOptions = {},
  ): Promise<User> {
    const passwordHash =
      input.password === undefined ? undefined : await hashPassword(input.password);
    const passwordChanged = passwordHash !== undefined;
    // The session a user changes their own password from stays, unless they are disabled too.
    const keptSession = (after: StoredUser): string | undefined =>
      passwordChanged && !after.disabled ? options.keepSessionId : undefined;
    const { before, after } = await this.transact(async (trx) => {
      const repo = new UserRepository(trx);
      const current = await repo.findById(id);
      if (!current) throw new AppError('NOT_FOUND');
      if (current.version !== input.version) {
        throw new AppError('STALE_VERSION', { currentVersion: current.version });
      }
      const role = input.role ?? current.role;
      const disabled = input.disabled ?? current.disabled;
      const changes: UserChanges = {};
      if (input.role !== undefined) changes.role = input.role;
      if (input.disabled !== undefined) changes.disabled = input.disabled;
      if (passwordHash !== undefined) changes.passwordHash = passwordHash;
      if (input.zones !== undefined || (role === 'admin' && current.zones !== null)) {
        changes.zones = effectiveZones(role, input.zones);
      }
      // Any change to what the user may do, or to how they prove who they are, voids every
      // access token issued so far (checked on each request and WebSocket auth).
      if (
        passwordHash !== undefined ||
        role !== current.role ||
        disabled !== current.disabled ||
        (changes.zones !== undefined && !sameZones(changes.zones, current.zones))
      ) {
        changes.revokeTokens = true;
      }
      if (isActiveAdmin(current) && !isActiveAdmin({ role, disabled })) {
        if ((await repo.countActiveAdmins()) <= 1) throw new AppError('LAST_ADMIN');
      }
      const updated = await repo.update(id, input.version, changes);
      if (!updated) throw new AppError('STALE_VERSION');
      // A password change or a disable ends the user's login sessions in the same transaction
      // as the change and its session_expired event (all or nothing).
      if (passwordHash !== undefined || (updated.disabled && !current.disabled)) {
        await this.refreshTokens.in(trx).revokeAllForUser(id, keptSession(updated));
      }
      // Its session_expired / permission_changed commit with the change (user-events.ts).
      const events = userUpdateEvents(
        current,
        updated,
        passwordHash !== undefined,
        eventActor(ctx.actor),
      );
      return { result: { before: current, after: updated }, events };
    });
    const keepSessionId = keptSession(after);
    this.changed({
      kind: 'updated',
      before,
      after,
      passwordChanged,
      ...(keepSessionId !== undefined ? { keepSessionId } : {}),
    });

    await this.audit.record({
      action: AUDIT_ACTIONS.userUpdate,
      actor: ctx.actor,
      target: `user:${id}`,
      ip: ctx.ip,
      details: {
        username: after.username,
        ...(before.role !== after.role ? { role: { from: before.role, to: after.role } } : {}),
        ...(!sameZones(before.zones, after.zones)
          ? { zones: { from: before.zones, to: after.zones } }
          : {}),
        ...(before.disabled !== after.disabled ? { disabled: after.disabled } : {}),
        ...(passwordHash !== undefined ? { passwordChanged: true } : {}),
      },
    });
    return toPublicUser(after);
  }

  async delete(id: string, ctx: ActionContext): Promise<void> {
    const deleted = await this.transact(async (trx) => {
      const repo = new UserRepository(trx);
      const current = await repo.findById(id);
      if (!current) throw new AppError('NOT_FOUND');
      if (isActiveAdmin(current) && (await repo.countActiveAdmins()) <= 1) {
        throw new AppError('LAST_ADMIN');
      }
      await repo.delete(id);
      return { result: current, events: userDeleteEvents(current, eventActor(ctx.actor)) };
    });
    this.changed({ kind: 'deleted', user: deleted });
    await this.audit.record({
      action: AUDIT_ACTIONS.userDelete,
      actor: ctx.actor,
      target: `user:${id}`,
      ip: ctx.ip,
      details: { username: deleted.username, role: deleted.role },
    });
  }
}
