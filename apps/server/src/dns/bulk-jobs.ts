import { randomUUID } from 'node:crypto';
import { MAX_BULK_ERRORS } from '@hdns/protocol';
import type { Identity } from '../auth/identity.js';
import { isAppError } from '../http/app-error.js';
import type { Db } from '../storage/db.js';
import type { Publish } from './dns-events.js';
import { actorOf } from './zone-access.js';

export interface JobError {
  line: number;
  message: string;
}

export interface Job {
  id: string;
  kind: string;
  zone: string | null;
  status: 'running' | 'succeeded' | 'partial' | 'failed';
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  errors: JobError[];
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
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
}

/**
 * Runs bulk imports as background jobs with an id. Items are applied in chunks (one zone write
 * each); a chunk BIND refuses is split in halves until the offending lines are isolated, so a bad
 * line never costs the good ones. Progress goes out as bulk_operation_progress after every chunk
 * (a latest-value event) and bulk_operation_complete at the end; the job row keeps the outcome.
 */
export class BulkJobs {
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly publish: Publish,
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
      await this.applyIsolating(job, spec.items.slice(i, i + size), spec.apply);
      await this.save(job);
      await this.progress(job, actor);
    }
    job.status = job.failed === 0 ? 'succeeded' : job.succeeded === 0 ? 'failed' : 'partial';
    job.finishedAt = new Date().toISOString();
    job.errors.sort((a, b) => a.line - b.line);
    await this.save(job);
    await this.publish(
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
        errors: job.errors.slice(0, MAX_BULK_ERRORS),
        errorCount: job.errors.length,
      },
      { actor, source: 'api' },
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

  private async progress(job: Job, actor: { id: string; username: string }): Promise<void> {
    await this.publish(
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
      { actor, source: 'api' },
    );
  }

  private async save(job: Job): Promise<void> {
    await this.db
      .updateTable('bulk_jobs')
      .set({
        status: job.status,
        processed: job.processed,
        succeeded: job.succeeded,
        failed: job.failed,
        errors: JSON.stringify(job.errors.slice(0, MAX_BULK_ERRORS)),
        finished_at: job.finishedAt,
      })
      .where('id', '=', job.id)
      .execute();
  }
}
