import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Db } from '../storage/db.js';
import { dialectOf, type DatabaseDialect } from '../storage/dialect.js';
import type { Database } from '../storage/schema.js';
import { AGGREGATED_FAILURES, AUDIT_ACTIONS } from './audit-log.js';

export interface AuditRetentionOptions {
  /** Rows older than this go (by their `ts`, the first attempt of an aggregated row). */
  maxAgeSeconds: number;
  /** At most this many rows other than failure rows stay; the oldest (lowest ids) go first. */
  maxRows: number;
  /**
   * At most this many failure rows (see `isFailureRow`) stay, oldest first, counted among
   * themselves. Default: `maxRows`.
   */
  maxFailureRows?: number;
  /** How often `start()` prunes; default 10 minutes. */
  intervalMs?: number;
  now?: () => Date;
  onError?: (err: unknown) => void;
}

export interface PruneResult {
  byAge: number;
  /** Rows other than failure rows pruned by `maxRows`. */
  byCount: number;
  /** Failure rows pruned by `maxFailureRows`. */
  failuresByCount: number;
}

/**
 * The rows outsiders can add at will: the aggregated rows of unauthenticated failures
 * (`login_failure`, `ws_auth_failure`) and of replays of a revoked refresh token (a
 * `refresh_reuse` row that aggregation wrote, recognisable by its `count`; the first detection
 * of a reuse, which revoked a family, is an ordinary row). Must match `isRepeatableFailure`.
 */
export function isFailureRow(
  eb: ExpressionBuilder<Database, 'audit_log'>,
  dialect: DatabaseDialect = 'sqlite',
): Expression<SqlBool> {
  // The `count` member of the details JSON (SQL NULL when absent or JSON null), per engine.
  const count =
    dialect === 'postgres'
      ? sql`(details::jsonb ->> 'count')`
      : sql`json_extract(details, '$.count')`;
  return eb.and([
    eb('success', '=', 0),
    eb.or([
      eb('action', 'in', [...AGGREGATED_FAILURES]),
      eb.and([eb('action', '=', AUDIT_ACTIONS.refreshReuse), eb(count, 'is not', null)]),
    ]),
  ]);
}

/**
 * Keeps the audit log within its age and row limits (HDNS_AUDIT_RETENTION,
 * HDNS_AUDIT_RETENTION_COUNT, HDNS_AUDIT_FAILURE_RETENTION_COUNT). The count limits are two
 * separate pools: failure rows (`isFailureRow`) are pruned only among themselves, and the
 * other rows (user changes, logins, …) only by their own count, so however many failures
 * outsiders cause, no other row is pruned because of them; only age removes those.
 * Between two prunes a pool can exceed its limit only by what one interval can add.
 * `close()` clears the timer and is idempotent; a prune in flight finishes on its own.
 */
export class AuditRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PruneResult> | null = null;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly opts: AuditRetentionOptions,
  ) {}

  /** Prunes now and then every interval. */
  start(): Promise<PruneResult> {
    if (this.timer === null && !this.closed) {
      this.timer = setInterval(() => {
        this.prune().catch((err: unknown) => this.opts.onError?.(err));
      }, this.opts.intervalMs ?? 600_000);
      this.timer.unref();
    }
    return this.prune();
  }

  /** One pass; concurrent callers share the pass in flight. */
  prune(): Promise<PruneResult> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  /** Waits for a pass in flight, so the database can be closed after it. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<PruneResult> {
    const now = (this.opts.now ?? (() => new Date()))();
    const cutoff = new Date(now.getTime() - this.opts.maxAgeSeconds * 1000).toISOString();
    const aged = await this.db.deleteFrom('audit_log').where('ts', '<', cutoff).executeTakeFirst();
    const dialect = dialectOf(this.db);
    const failuresByCount = await this.pruneByCount(
      (eb) => isFailureRow(eb, dialect),
      this.opts.maxFailureRows ?? this.opts.maxRows,
    );
    const byCount = await this.pruneByCount(
      (eb) => eb.not(isFailureRow(eb, dialect)),
      this.opts.maxRows,
    );
    return { byAge: Number(aged.numDeletedRows), byCount, failuresByCount };
  }

  /** Keeps the newest `keep` rows of one pool; returns how many of its rows went. */
  private async pruneByCount(
    pool: (eb: ExpressionBuilder<Database, 'audit_log'>) => Expression<SqlBool>,
    keep: number,
  ): Promise<number> {
    // The id of the newest row of the pool that no longer fits; its rows at or below it go.
    const boundary = await this.db
      .selectFrom('audit_log')
      .select('id')
      .where(pool)
      .orderBy('id', 'desc')
      .limit(1)
      .offset(keep)
      .executeTakeFirst();
    if (!boundary) return 0;
    const r = await this.db
      .deleteFrom('audit_log')
      .where('id', '<=', boundary.id)
      .where(pool)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
