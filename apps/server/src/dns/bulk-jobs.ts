import { randomUUID } from 'node:crypto';
import { MAX_BULK_ERRORS } from '@hdns/protocol';
import type { Identity } from '../auth/identity.js';
import { isAppError } from '../http/app-error.js';
import { faultPoint } from '../lib/fault-point.js';
import type { Db } from '../storage/db.js';
import type { Outbox } from '../outbox/outbox.js';
import { outboxEvent, type OutboxEvent } from '../outbox/outbox-event.js';
import { dnsEvent, type DnsEvent } from './dns-events.js';
import { JobStoppedError, type JobRightsCheck } from './job-rights.js';
import { actorOf } from './zone-access.js';

/** The catalogue's bound on free text (error messages, reasons) in bulk events. */
const MAX_TEXT = 2000;

/** Why a job a dead process left `running` ended (its row and bulk_operation_complete). */
export const INTERRUPTED_REASON = 'interrupted by a restart';

/**
 * Thrown inside a chunk's transaction when the job's row is no longer `running`: another
 * process's recover() ended it (it believed this one dead). The chunk is not stored and the job
 * stops without an outcome of its own: the row and its one bulk_operation_complete are the
 * recovery's.
 */
const ENDED_ELSEWHERE = 'ended by another process';

/**
 * What a job adds to the transaction that stores one chunk: the job row's new counts and the
 * bulk_operation_progress event that describes the chunk. A chunk's records are stored without
 * per-record events (bulk imports are quiet), so this event IS their description; writing both
 * in the chunk's transaction means a chunk is never stored without it, nor it without the chunk.
 *
 * Contract for the `apply` that receives it: holding the lock of what the chunk changes, call
 * `check()` before touching BIND (so a job whose user lost the right does not even reach the
 * DNS server); pass `events` to the same `Outbox.commit` that stores the items and call
 * `write(trx)` inside its work, or throw (then nothing is stored and the job counts nothing).
 * Both throw JobStoppedError once the job's rights are gone: `write` checks them again inside
 * the transaction, so a revocation that committed before the chunk's commit always wins.
 */
export interface ChunkCommit {
  events: readonly OutboxEvent[];
  check(): Promise<void>;
  write(trx: Db): Promise<void>;
}

export interface JobError {
  line: number;
  message: string;
}

export interface Job {
  id: string;
  kind: string;
  zone: string | null;
  status: 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled';
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  errors: JobError[];
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
  /**
   * Why a job stopped early: `cancelled` (its user lost the right to run it) or `failed` by a
   * restart (INTERRUPTED_REASON); null otherwise.
   */
  stopReason: string | null;
}

/**
 * One unit of work: applies items at once, committing `chunk` with them (see ChunkCommit), or
 * throws to have them retried in halves.
 */
export type ApplyChunk<T> = (
  items: readonly { line: number; value: T }[],
  chunk: ChunkCommit,
) => Promise<void>;

export interface JobSpec<T> {
  kind: string;
  zone: string | null;
  total: number;
  /** Lines that failed validation before any work. */
  invalid: JobError[];
  items: { line: number; value: T }[];
  apply: ApplyChunk<T>;
  chunkSize?: number;
  /**
   * Called for every chunk inside its lock and again inside its transaction (ChunkCommit): null
   * to go on, or why the job must stop. A stopped job ends `cancelled` with that reason; the
   * chunk and the lines after it stay unapplied.
   */
  authorize?: JobRightsCheck;
}

/**
 * Runs bulk imports as background jobs with an id. Items are applied in chunks (one zone write
 * each); a chunk BIND refuses is split in halves until the offending lines are isolated, so a bad
 * line never costs the good ones. Progress goes out as bulk_operation_progress after every chunk
 * (a latest-value event) and bulk_operation_complete at the end; the job row keeps the outcome.
 * Every chunk checks the job's rights again as it is stored (`authorize`, see ChunkCommit): a
 * user who lost them (disabled, demoted, zone taken away, sign-in revoked) gets the job
 * cancelled, with the reason in the row and in bulk_operation_complete, and once that
 * revocation has committed no further chunk of the job is stored.
 */
export class BulkJobs {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly log: {
      error(obj: object, msg?: string): void;
      warn(obj: object, msg?: string): void;
    },
  ) {}

  /** A job this process ran was ended by another (a lease takeover's recovery): say so once. */
  private endedElsewhere(job: Job): void {
    this.log.warn(
      { job: job.id, processed: job.processed },
      "bulk job stopped here: another process ended it (its outcome is that process's)",
    );
  }

  async get(id: string): Promise<Job | undefined> {
    const row = await this.db
      .selectFrom('bulk_jobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      kind: row.kind,
      zone: row.zone,
      status: row.status as Job['status'],
      total: row.total,
      processed: row.processed,
      succeeded: row.succeeded,
      failed: row.failed,
      errors: JSON.parse(row.errors) as JobError[],
      createdBy: row.created_by,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
      stopReason: row.stop_reason,
    };
  }

  /** Resolves when a job finished (tests, graceful shutdown). */
  async settle(id?: string): Promise<void> {
    if (id) await this.running.get(id);
    else await Promise.all(this.running.values());
  }

  /**
   * Ends the jobs a dead process left `running` (a job's items live only in that process's
   * memory, so it cannot be resumed): each becomes `failed` with INTERRUPTED_REASON, its counts
   * as its last stored chunk left them, and gets its bulk_operation_complete through the outbox
   * in the same transaction. Jobs this instance is running itself are left be: under the BIND
   * lease recover() runs at every takeover, also when this process takes the lease again while
   * its own import still runs. A row another process ended meanwhile (its job finished, or another
   * recovery) gets no event: the UPDATE is conditional and the event goes only with a matched row.
   * Returns how many ended.
   */
  async recover(): Promise<number> {
    const rows = await this.db
      .selectFrom('bulk_jobs')
      .selectAll()
      .where('status', '=', 'running')
      .execute();
    const now = new Date();
    let ended = 0;
    for (const row of rows) {
      if (this.running.has(row.id)) continue;
      const errors = (JSON.parse(row.errors) as JobError[]).sort((a, b) => a.line - b.line);
      const event = outboxEvent(
        'bulk_operation_complete',
        {
          jobId: row.id,
          kind: row.kind,
          zone: row.zone,
          total: row.total,
          status: 'failed',
          succeeded: row.succeeded,
          failed: row.failed,
          durationMs: Math.max(0, now.getTime() - Date.parse(row.created_at)),
          errors: errors
            .slice(0, MAX_BULK_ERRORS)
            .map((e) => ({ line: e.line, message: e.message.slice(0, MAX_TEXT) })),
          errorCount: Math.max(row.failed, errors.length),
          reason: INTERRUPTED_REASON,
        },
        { actor: null, source: 'system' },
      );
      const matched = await this.outbox.commitDescribed(async (trx) => {
        const result = await trx
          .updateTable('bulk_jobs')
          .set({
            status: 'failed',
            finished_at: now.toISOString(),
            stop_reason: INTERRUPTED_REASON,
          })
          .where('id', '=', row.id)
          .where('status', '=', 'running')
          .executeTakeFirst();
        const live = result.numUpdatedRows === 1n;
        return { result: live, events: live ? [event] : [] };
      });
      if (matched) ended++;
    }
    return ended;
  }

  async start<T>(identity: Identity, spec: JobSpec<T>): Promise<Job> {
    const now = new Date().toISOString();
    const job: Job = {
      id: randomUUID(),
      kind: spec.kind,
      zone: spec.zone,
      status: 'running',
      total: spec.total,
      processed: spec.invalid.length,
      succeeded: 0,
      failed: spec.invalid.length,
      errors: [...spec.invalid],
      createdBy: identity.userId,
      createdAt: now,
      finishedAt: null,
      stopReason: null,
    };
    // Through the outbox (no event yet) so the BIND lease's fence applies: a job is started only
    // by the instance that drives BIND.
    await this.outbox.commit([], (trx) =>
      trx
        .insertInto('bulk_jobs')
        .values({
          id: job.id,
          kind: job.kind,
          zone: job.zone,
          status: job.status,
          total: job.total,
          processed: job.processed,
          succeeded: 0,
          failed: job.failed,
          errors: JSON.stringify(job.errors.slice(0, MAX_BULK_ERRORS)),
          created_by: job.createdBy,
          created_at: now,
          finished_at: null,
        })
        .execute(),
    );
    const run = this.run(identity, job, spec).catch((err: unknown) =>
      this.log.error({ err, job: job.id }, 'bulk job crashed'),
    );
    this.running.set(
      job.id,
      run.finally(() => this.running.delete(job.id)),
    );
    return { ...job };
  }

  private async run<T>(identity: Identity, job: Job, spec: JobSpec<T>): Promise<void> {
    const started = performance.now();
    const actor = actorOf(identity);
    const size = spec.chunkSize ?? 500;
    if (!(await this.progress(job, actor))) return this.endedElsewhere(job);
    // What the job row holds: chunks store their counts themselves (ChunkCommit).
    const stored = { processed: job.processed };
    const authorize = spec.authorize;
    const rights = async (db: Db): Promise<void> => {
      const stop = authorize ? await authorize(db) : null;
      if (stop !== null) throw new JobStoppedError(stop);
    };
    for (let i = 0; i < spec.items.length; i += size) {
      try {
        await this.applyIsolating(job, spec.items.slice(i, i + size), spec.apply, actor, {
          stored,
          rights,
        });
      } catch (err) {
        if (!(err instanceof JobStoppedError)) throw err;
        if (err.reason === ENDED_ELSEWHERE) return this.endedElsewhere(job);
        // The final save below stores the counts of the lines handled before the stop.
        job.status = 'cancelled';
        job.stopReason = err.reason;
        break;
      }
      // Lines refused after the last stored part of the chunk changed only counts (nothing was
      // stored for them), so their progress has no change to share a transaction with.
      if (job.processed !== stored.processed) {
        if (!(await this.progress(job, actor))) return this.endedElsewhere(job);
        stored.processed = job.processed;
      }
    }
    if (job.status !== 'cancelled') {
      job.status = job.failed === 0 ? 'succeeded' : job.succeeded === 0 ? 'failed' : 'partial';
    }
    job.finishedAt = new Date().toISOString();
    job.errors.sort((a, b) => a.line - b.line);
    // The outcome row and bulk_operation_complete in one transaction (outbox); nothing if another
    // process ended the job meanwhile (its recovery wrote the one completion).
    const saved = await this.save(
      job,
      dnsEvent(
        'bulk_operation_complete',
        {
          jobId: job.id,
          kind: job.kind,
          zone: job.zone,
          total: job.total,
          status: job.status,
          succeeded: job.succeeded,
          failed: job.failed,
          durationMs: Math.round(performance.now() - started),
          errors: job.errors
            .slice(0, MAX_BULK_ERRORS)
            .map((e) => ({ line: e.line, message: e.message.slice(0, MAX_TEXT) })),
          errorCount: job.errors.length,
          ...(job.stopReason !== null ? { reason: job.stopReason.slice(0, MAX_TEXT) } : {}),
        },
        actor,
      ),
    );
    if (!saved) this.endedElsewhere(job);
  }

  private async applyIsolating<T>(
    job: Job,
    items: { line: number; value: T }[],
    apply: ApplyChunk<T>,
    actor: { id: string; username: string },
    ctx: { stored: { processed: number }; rights: (db: Db) => Promise<void> },
  ): Promise<void> {
    if (items.length === 0) return;
    // The job as it stands if these items are stored: committed with them, or not at all.
    const after: Job = {
      ...job,
      processed: job.processed + items.length,
      succeeded: job.succeeded + items.length,
    };
    try {
      await apply(items, {
        events: [this.progressEvent(after, actor)],
        check: () => ctx.rights(this.db),
        write: async (trx) => {
          await ctx.rights(trx);
          if (!(await this.writeRow(trx, after))) throw new JobStoppedError(ENDED_ELSEWHERE);
        },
      });
    } catch (err) {
      // Not the lines' fault: splitting would only try the rest again.
      if (err instanceof JobStoppedError) throw err;
      // BIND (or the lease on it) went away: no line can be stored, so the job stops here; on an
      // instance that lost the lease its outcome is the new holder's recovery.
      if (isAppError(err) && err.code === 'BIND_UNAVAILABLE') {
        throw new JobStoppedError(`BIND became unavailable: ${err.message}`);
      }
      const only = items[0];
      if (items.length === 1 && only) {
        job.failed++;
        job.processed++;
        const details = isAppError(err)
          ? (err.details as { message?: string } | undefined)
          : undefined;
        job.errors.push({
          line: only.line,
          message: details?.message ?? (err instanceof Error ? err.message : String(err)),
        });
        return;
      }
      const half = Math.ceil(items.length / 2);
      await this.applyIsolating(job, items.slice(0, half), apply, actor, ctx);
      await this.applyIsolating(job, items.slice(half), apply, actor, ctx);
      return;
    }
    job.processed = after.processed;
    job.succeeded = after.succeeded;
    ctx.stored.processed = job.processed;
    // TEST fault-injection point (inert unless HDNS_TEST_CRASH_AT is set): a chunk, its job row
    // counts and its progress event are committed; the job has not finished.
    faultPoint('bulk-after-chunk');
  }

  /** Saves the job's counts with its bulk_operation_progress event; false if it ended elsewhere. */
  private progress(job: Job, actor: { id: string; username: string }): Promise<boolean> {
    return this.save(job, this.progressEvent(job, actor));
  }

  private progressEvent(job: Job, actor: { id: string; username: string }): DnsEvent {
    return dnsEvent(
      'bulk_operation_progress',
      {
        jobId: job.id,
        kind: job.kind,
        zone: job.zone,
        total: job.total,
        processed: job.processed,
        succeeded: job.succeeded,
        failed: job.failed,
        percent:
          job.total === 0
            ? 100
            : Math.min(100, Math.round((job.processed / job.total) * 1000) / 10),
      },
      actor,
    );
  }

  /**
   * The job's row and `event` in one transaction, only while the row is still `running`: once
   * another process ended the job (ENDED_ELSEWHERE), nothing is written and false returned.
   */
  private save(job: Job, event: DnsEvent): Promise<boolean> {
    return this.outbox.commitDescribed(async (trx) => {
      const live = await this.writeRow(trx, job);
      return { result: live, events: live ? [event] : [] };
    });
  }

  /** Updates the row if it is still `running`; returns whether it was. */
  private async writeRow(trx: Db, job: Job): Promise<boolean> {
    const result = await trx
      .updateTable('bulk_jobs')
      .set({
        status: job.status,
        processed: job.processed,
        succeeded: job.succeeded,
        failed: job.failed,
        errors: JSON.stringify(job.errors.slice(0, MAX_BULK_ERRORS)),
        finished_at: job.finishedAt,
        stop_reason: job.stopReason,
      })
      .where('id', '=', job.id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }
}
