import type { Db } from '../storage/db.js';
import type { AuditLogRow } from '../storage/schema.js';

/** Actions written by the auth and user parts. Other parts may add their own strings. */
export const AUDIT_ACTIONS = {
  loginSuccess: 'login_success',
  loginFailure: 'login_failure',
  logout: 'logout',
  refreshReuse: 'refresh_reuse',
  userCreate: 'user_create',
  userUpdate: 'user_update',
  userDelete: 'user_delete',
  adminBootstrap: 'admin_bootstrap',
} as const;

export interface AuditActor {
  userId: string | null;
  username: string | null;
}

export interface AuditRecordInput {
  action: string;
  actor?: AuditActor | null;
  /** What was acted upon, e.g. `user:<id>`. */
  target?: string | null;
  ip?: string | null;
  /** JSON-serialisable; never secrets (passwords, tokens, hashes). */
  details?: Record<string, unknown> | null;
  success?: boolean;
}

export interface AuditEntry {
  id: number;
  ts: string;
  actorUserId: string | null;
  actorUsername: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  details: unknown;
  success: boolean;
}

export interface AuditFilter {
  action?: string;
  actorUserId?: string;
  target?: string;
  /** Inclusive lower bound. */
  since?: Date;
  /** Exclusive upper bound. */
  until?: Date;
  /** Page backwards: only entries with a smaller id. */
  beforeId?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

function toEntry(row: AuditLogRow): AuditEntry {
  let details: unknown = null;
  if (row.details !== null) {
    try {
      details = JSON.parse(row.details);
    } catch {
      details = row.details;
    }
  }
  return {
    id: row.id,
    ts: row.ts,
    actorUserId: row.actor_user_id,
    actorUsername: row.actor_username,
    action: row.action,
    target: row.target,
    ip: row.ip,
    details,
    success: row.success === 1,
  };
}

export type AuditListener = (entry: AuditRecordInput & { ts: string }) => void;

/**
 * Append-only record of security-relevant actions, newest first when listed. Listeners hear
 * every record after it is stored (the realtime layer turns some into user events); a throwing
 * listener never fails the action being audited.
 */
export class AuditLog {
  private readonly listeners = new Set<AuditListener>();

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Adds a listener; returns its removal. */
  onRecord(listener: AuditListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async record(input: AuditRecordInput): Promise<void> {
    const ts = this.now().toISOString();
    await this.db
      .insertInto('audit_log')
      .values({
        ts,
        actor_user_id: input.actor?.userId ?? null,
        actor_username: input.actor?.username ?? null,
        action: input.action,
        target: input.target ?? null,
        ip: input.ip ?? null,
        details: input.details ? JSON.stringify(input.details) : null,
        success: input.success === false ? 0 : 1,
      })
      .execute();
    for (const listener of this.listeners) {
      try {
        listener({ ...input, ts });
      } catch {
        // Listeners report their own failures; auditing must not fail because of them.
      }
    }
  }

  async list(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 100), 1), 1000);
    let query = this.db.selectFrom('audit_log').selectAll();
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.actorUserId !== undefined) {
      query = query.where('actor_user_id', '=', filter.actorUserId);
    }
    if (filter.target !== undefined) query = query.where('target', '=', filter.target);
    if (filter.since) query = query.where('ts', '>=', filter.since.toISOString());
    if (filter.until) query = query.where('ts', '<', filter.until.toISOString());
    if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toEntry);
  }
}
