import { randomUUID } from 'node:crypto';
import { MAX_BULK_ERRORS } from '@hdns/protocol';
import type { Identity } from '../auth/identity.js';
import { isAppError } from '../http/app-error.js';
import type { Db } from '../storage/db.js';
import type { Outbox } from '../outbox/outbox.js';
import { dnsEvent, type DnsEvent } from './dns-events.js';
import type { JobRightsCheck } from './job-rights.js';
import { actorOf } from './zone-access.js';

/** The catalogue's bound on free text (error messages, reasons) in bulk events. */
const MAX_TEXT = 2000;

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
  /** Why a cancelled job stopped (its user lost the right to run it); null otherwise. */
  stopReason: string | null;
}

/** One unit of work: applies items at once, or throws to have them retried in halves. */
export type ApplyChunk<T> = (items: readonly { line: number; value: T }[]) => Promise<void>;

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
   * Called before every chunk: null to go on, or why the job must stop. A stopped job ends
   * `cancelled` with that reason; the lines not yet applied stay unapplied.
   */
  authorize?: JobRightsCheck;
}

/**
 * Runs bulk imports as background jobs with an id. Items are applied in chunks (one zone write
 * each); a chunk BIND refuses is split in halves until the offending lines are isolated, so a bad
 * line never costs the good ones. Progress goes out as bulk_operation_progress after every chunk
 * (a latest-value event) and bulk_operation_complete at the end; the job row keeps the outcome.
 * Before each chunk the job's rights are checked again (`authorize`): a user who lost them
 * (disabled, demoted, zone taken away) gets the job cancelled, with the reason in the row and in
 * bulk_operation_complete.
 */
export class BulkJobs {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly log: { error(obj: object, msg?: string): void },
  ) {}

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
    await this.db
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
      .execute();
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
    await this.progress(job, actor);
    for (let i = 0; i < spec.items.length; i += size) {
      const stop = spec.authorize ? await spec.authorize() : null;
      if (stop !== null) {
        job.status = 'cancelled';
        job.stopReason = stop;
        break;
      }
      await this.applyIsolating(job, spec.items.slice(i, i + size), spec.apply);
      await this.progress(job, actor);
    }
    if (job.status !== 'cancelled') {
      job.status = job.failed === 0 ? 'succeeded' : job.succeeded === 0 ? 'failed' : 'partial';
    }
    job.finishedAt = new Date().toISOString();
    job.errors.sort((a, b) => a.line - b.line);
    // The outcome row and bulk_operation_complete in one transaction (outbox).
    await this.save(
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
  }

  private async applyIsolating<T>(
    job: Job,
    items: { line: number; value: T }[],
    apply: ApplyChunk<T>,
  ): Promise<void> {
    if (items.length === 0) return;
    try {
      await apply(items);
      job.succeeded += items.length;
      job.processed += items.length;
    } catch (err) {
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
      await this.applyIsolating(job, items.slice(0, half), apply);
      await this.applyIsolating(job, items.slice(half), apply);
    }
  }

  /** Saves the job's counts with its bulk_operation_progress event, in one transaction. */
  private async progress(job: Job, actor: { id: string; username: string }): Promise<void> {
    await this.save(
      job,
      dnsEvent(
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
      ),
    );
  }

  private async save(job: Job, event: DnsEvent): Promise<void> {
    await this.outbox.commit([event], (trx) =>
      trx
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
        .execute(),
    );
  }
}
