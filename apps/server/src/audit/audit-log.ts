import type { Db } from '../storage/db.js';
import type { AuditLogRow } from '../storage/schema.js';
import {
  ANY,
  FailureAggregator,
  type FailureAggregatorOptions,
  type FailureKey,
} from './failure-aggregator.js';

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
  wsAuth: 'ws_auth',
  wsAuthFailure: 'ws_auth_failure',
  apiTokenCreate: 'api_token_create',
  apiTokenRevoke: 'api_token_revoke',
  apiTokenUse: 'api_token_use',
  passwordChangeFailure: 'password_change_failure',
  sessionEnd: 'session_end',
} as const;

/**
 * Successful actions a credential repeats at will (every request made with an API token):
 * folded like the AGGREGATED_FAILURES, keyed by their `target` (the token) instead of a reason,
 * so a busy script writes one row per token, address and window, with a count.
 */
export const FOLDED_USES: ReadonlySet<string> = new Set<string>([AUDIT_ACTIONS.apiTokenUse]);

/**
 * Failures any unauthenticated client can cause at will. Recorded aggregated (one row per
 * address, username, reason and window, with `details.count`; failure-aggregator.ts), so
 * their rows stay bounded however many attempts arrive.
 */
export const AGGREGATED_FAILURES: ReadonlySet<string> = new Set([
  AUDIT_ACTIONS.loginFailure,
  AUDIT_ACTIONS.wsAuthFailure,
]);

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
 * True for a record that folds into its key's row: the AGGREGATED_FAILURES, and the replay of an
 * already revoked refresh token (`refresh_reuse` that revoked nothing new), which whoever holds
 * an old token can repeat at will. The first detection of a reuse stays a row of its own.
 */
export function isRepeatableFailure(input: AuditRecordInput): boolean {
  if (FOLDED_USES.has(input.action)) return true;
  if (input.success !== false) return false;
  if (AGGREGATED_FAILURES.has(input.action)) return true;
  return input.action === AUDIT_ACTIONS.refreshReuse && input.details?.revokedTokens === 0;
}

function reasonOf(details: AuditRecordInput['details']): string | null {
  const reason = details?.reason;
  return typeof reason === 'string' ? reason.slice(0, 64) : null;
}

/**
 * Append-only record of security-relevant actions, newest first when listed. Listeners hear
 * every record after it is stored (the realtime layer turns some into user events); a throwing
 * listener never fails the action being audited.
 */
export class AuditLog {
  private readonly listeners = new Set<AuditListener>();
  private readonly failures: FailureAggregator;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
    aggregation: FailureAggregatorOptions = {},
  ) {
    this.failures = new FailureAggregator(aggregation);
  }

  /** Adds a listener; returns its removal. */
  onRecord(listener: AuditListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stores one record; listeners hear it afterwards. Unauthenticated failures
   * (AGGREGATED_FAILURES) fold into the row of their key and window instead of adding a row.
   */
  async record(input: AuditRecordInput): Promise<void> {
    const at = this.now();
    const ts = at.toISOString();
    if (isRepeatableFailure(input)) {
      await this.recordFailure(input, at.getTime(), ts);
    } else {
      await this.insert(input, ts, input.details ?? null);
    }
    for (const listener of this.listeners) {
      try {
        listener({ ...input, ts });
      } catch {
        // Listeners report their own failures; auditing must not fail because of them.
      }
    }
  }

  private async insert(
    input: AuditRecordInput,
    ts: string,
    details: Record<string, unknown> | null,
  ): Promise<number> {
    const result = await this.db
      .insertInto('audit_log')
      .values({
        ts,
        actor_user_id: input.actor?.userId ?? null,
        actor_username: input.actor?.username ?? null,
        action: input.action,
        target: input.target ?? null,
        ip: input.ip ?? null,
        details: details ? JSON.stringify(details) : null,
        success: input.success === false ? 0 : 1,
      })
      // RETURNING, not insertId: PostgreSQL has no last-insert id.
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(result.id);
  }

  private async recordFailure(input: AuditRecordInput, now: number, ts: string): Promise<void> {
    const key: FailureKey = {
      action: input.action,
      ip: input.ip ?? null,
      username: input.actor?.username ?? null,
      reason: FOLDED_USES.has(input.action) ? (input.target ?? null) : reasonOf(input.details),
    };
    const decision = this.failures.fold(key, now, ts);
    const slot = decision.slot;
    if (decision.kind === 'insert') {
      const widened = decision.key.username === ANY;
      // A widened row stands for many usernames (and addresses): keep no one's details.
      slot.details = widened ? { folded: true } : { ...input.details };
      const row: AuditRecordInput = widened
        ? { ...input, actor: { userId: null, username: ANY }, ip: decision.key.ip, target: null }
        : input;
      const details = { ...slot.details, count: 1, firstAt: ts, lastAt: ts };
      const inserting = this.insert(row, ts, details);
      // Later failures of this key wait for the id; a failed insert leaves them nothing to count.
      slot.id = inserting.catch(() => null);
      await inserting; // the caller hears the insert's own error
      return;
    }
    const id = await slot.id;
    if (id === null) return;
    const details = {
      ...slot.details,
      count: slot.count,
      firstAt: slot.firstAt,
      lastAt: slot.lastAt,
    };
    await this.db
      .updateTable('audit_log')
      .set({ details: JSON.stringify(details) })
      .where('id', '=', id)
      .execute();
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
