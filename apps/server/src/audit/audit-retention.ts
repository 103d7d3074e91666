import type { Db } from '../storage/db.js';

export interface AuditRetentionOptions {
  /** Rows older than this go (by their `ts`, the first attempt of an aggregated row). */
  maxAgeSeconds: number;
  /** At most this many rows stay; the oldest (lowest ids) go first. */
  maxRows: number;
  /** How often `start()` prunes; default 10 minutes. */
  intervalMs?: number;
  now?: () => Date;
  onError?: (err: unknown) => void;
}

export interface PruneResult {
  byAge: number;
  byCount: number;
}

/**
 * Keeps the audit log within its age and row limits (HDNS_AUDIT_RETENTION,
 * HDNS_AUDIT_RETENTION_COUNT). Between two prunes the table can exceed `maxRows` only by what
 * one interval can add, which aggregation of unauthenticated failures keeps bounded.
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
    // The id of the newest row that no longer fits; everything at or below it goes.
    const boundary = await this.db
      .selectFrom('audit_log')
      .select('id')
      .orderBy('id', 'desc')
      .limit(1)
      .offset(this.opts.maxRows)
      .executeTakeFirst();
    let byCount = 0;
    if (boundary) {
      const r = await this.db
        .deleteFrom('audit_log')
        .where('id', '<=', boundary.id)
        .executeTakeFirst();
      byCount = Number(r.numDeletedRows);
    }
    return { byAge: Number(aged.numDeletedRows), byCount };
  }
}
