import { link, mkdir, rename, rm } from 'node:fs/promises';
import type { EventDataOf, EventType } from '@hdns/protocol';
import type { FeedInput, FeedRefreshResult } from '@hdns/protocol/rest';
import type { Actor } from '@hdns/hub';
import type { DnsBackend } from '../dns/dns-backend.js';
import { AppError } from '../http/app-error.js';
import type { KeyedMutex } from '../lib/keyed-mutex.js';
import type { Outbox } from '../outbox/outbox.js';
import type { BlocklistFeedsTable } from '../storage/schema.js';
import { compileFeed, readLines, type CompileResult } from './feed-compiler.js';
import { completion, failedAlert, feedEvent, resolvedAlert } from './feed-events.js';
import { fetchFeed } from './feed-fetcher.js';
import { compiledFile, hasCurrentFile, servedFeedZones } from './feed-files.js';
import { retryDelayMs } from './feed-retry.js';
import { type FeedStore, toFeed } from './feed-store.js';

/**
 * One feed's refresh: download → compile the feed's own zone → BIND reloads that zone alone →
 * row and `rpz_update` committed together. It publishes `bulk_operation_progress` (jobId = the
 * feed's id, kind `feed_refresh`, `processed`/`total` in bytes downloaded, `succeeded` = lines
 * read) and ends with `bulk_operation_complete`, so the dashboard's progress bar is the one bulk
 * imports use. A refresh that fails (download, parse, BIND) keeps the last good list served,
 * records `lastError`, sets the retry time (feed-retry.ts) and raises a `health_alert`; the next
 * good one raises it `resolved`.
 *
 * The caller holds the feed's lock (FeedService); the set's lock is taken here for the BIND and
 * database step.
 */

export interface FeedFetchSettings {
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
}

export interface FeedRefreshOptions {
  backend: DnsBackend;
  outbox: Outbox;
  /** Publishes an event that is an observation, not a stored change (progress). */
  publish: <T extends EventType>(type: T, data: EventDataOf<T>) => void;
  dir: string;
  fetch: FeedFetchSettings;
  log: { warn(obj: object, msg: string): void };
  /** The first retry after a failed refresh (doubling per failure, capped at the interval). */
  retryBaseMs: number;
}

/** The lock key of the feed set (BIND's zone set and the database), after a feed's own. */
export const SET_LOCK = 'set';
const PROGRESS_MS = 250;

export class FeedRefresher {
  constructor(
    private readonly store: FeedStore,
    private readonly locks: KeyedMutex,
    private readonly opts: FeedRefreshOptions,
  ) {}

  /** Downloads and applies feed `id`; a failure is an outcome, not a throw. */
  async run(id: string, actor: Actor | null): Promise<FeedRefreshResult> {
    const row = await this.store.get(id);
    if (!row) throw new AppError('NOT_FOUND', { feed: id });
    const started = Date.now();
    const target = compiledFile(this.opts.dir, row.zone);
    const backup = `${target}.prev`;
    // Only the list the row describes counts: a file of another serial (left from an earlier
    // holding of the BIND lease) is neither served nor asked about with the row's validators.
    const haveFile = await hasCurrentFile(this.opts.dir, row);
    let compiled: CompileResult | null = null;
    let applied = false;
    try {
      await mkdir(this.opts.dir, { recursive: true });
      const got = await fetchFeed({
        url: row.url,
        etag: haveFile ? row.etag : null,
        lastModified: haveFile ? row.last_modified : null,
        ...this.opts.fetch,
      });
      if (got.status === 'not_modified') return await this.notModified(row);
      const serial = Math.max(row.serial + 1, Math.floor(Date.now() / 1000));
      await rm(backup, { force: true });
      if (haveFile) await link(target, backup);
      let lastProgress = 0;
      const progress = (lines: number, done = false): void => {
        const now = Date.now();
        if (!done && now - lastProgress < PROGRESS_MS) return;
        lastProgress = now;
        const total = got.size ?? got.received();
        this.opts.publish('bulk_operation_progress', {
          jobId: row.id,
          kind: 'feed_refresh',
          zone: null,
          total,
          processed: Math.min(got.received(), total),
          succeeded: lines,
          failed: 0,
          percent: total > 0 ? Math.min(100, (100 * got.received()) / total) : 0,
        });
      };
      compiled = await compileFeed(readLines(got.body), {
        zone: row.zone,
        format: row.format as FeedInput['format'],
        action: row.action as FeedInput['action'],
        redirectTo: row.redirect_to,
        serial,
        target,
        onProgress: (lines) => progress(lines),
      });
      progress(compiled.lines, true);
      const result = compiled;
      return await this.locks.run(SET_LOCK, async () => {
        const next: BlocklistFeedsTable = {
          ...((await this.store.get(id)) ?? row),
          serial,
          last_fetch_at: new Date().toISOString(),
          last_success_at: new Date().toISOString(),
          last_error: null,
          etag: got.etag,
          last_modified: got.lastModified,
          domain_count: result.total,
          skipped_count: result.skipped,
          failures: 0,
          next_attempt_at: null,
        };
        await this.apply(next);
        applied = true;
        const events = [
          feedEvent(
            'rpz_update',
            {
              action: 'bulk',
              count: result.total,
              serial,
              feedId: row.id,
              feedName: row.name.slice(0, 100),
              policyZone: row.zone,
              added: result.added,
              removed: result.removed,
              total: result.total,
              errors: result.skipped,
            },
            actor,
          ),
          ...(row.last_error ? [resolvedAlert(row)] : []),
          completion(row, 'succeeded', result.total, result.skipped, started),
        ];
        await this.opts.outbox.commit(events, (trx) => this.store.update(trx, id, next));
        await rm(backup, { force: true });
        return {
          outcome: 'updated' as const,
          added: result.added,
          removed: result.removed,
          total: result.total,
          errors: result.skipped,
          error: null,
          feed: toFeed(next),
        };
      });
    } catch (err) {
      // The last good list stays: its compiled file comes back when the new one was written.
      if (compiled) await rename(backup, target).catch(() => undefined);
      else await rm(backup, { force: true });
      // BIND already serves the new list but the row was not stored: back to what it says.
      if (applied) await this.undoServing(row);
      return this.failed(row, err, started, haveFile);
    }
  }

  /**
   * Re-serves what the stored rows say after a commit failed once BIND had changed: the zone
   * set, and `row`'s previous list (its file is back in place) when it had one. Best effort: if
   * BIND cannot be put back either, the next start resyncs it from the database.
   */
  async undoServing(row: BlocklistFeedsTable | null): Promise<void> {
    try {
      await this.opts.backend.setFeedZones(
        await servedFeedZones(await this.store.list(), this.opts.dir),
      );
      const previous = row ? (await servedFeedZones([row], this.opts.dir))[0] : undefined;
      if (previous) await this.opts.backend.reloadFeedZone(previous);
    } catch {
      // The start-up resync puts BIND back in step with the database.
    }
  }

  /**
   * BIND serves the new file. The zone set first: a zone named does not list yet (the feed's
   * first list, or its first here after a takeover) is added with this file and loaded; nothing
   * happens when the set is unchanged. Then the zone alone is reloaded, which is skipped when
   * named serves this serial already (it was just added).
   */
  private async apply(next: BlocklistFeedsTable): Promise<void> {
    if (next.enabled !== 1) return;
    const rows = await this.store.list();
    const all = rows.map((r) => (r.id === next.id ? next : r));
    const served = await servedFeedZones(all, this.opts.dir);
    const spec = served.find((z) => z.name === next.zone);
    if (!spec) return;
    await this.opts.backend.setFeedZones(served);
    await this.opts.backend.reloadFeedZone(spec);
  }

  private async notModified(row: BlocklistFeedsTable): Promise<FeedRefreshResult> {
    const now = new Date().toISOString();
    const patch = {
      last_fetch_at: now,
      last_success_at: now,
      last_error: null,
      failures: 0,
      next_attempt_at: null,
    };
    const next = { ...row, ...patch };
    await this.opts.outbox.commit(row.last_error ? [resolvedAlert(row)] : [], (trx) =>
      this.store.update(trx, row.id, patch),
    );
    return {
      outcome: 'not_modified' as const,
      added: 0,
      removed: 0,
      total: row.domain_count,
      errors: 0,
      error: null,
      feed: toFeed(next),
    };
  }

  /** `served`: this instance holds the row's last good list (and named serves it). */
  private async failed(
    row: BlocklistFeedsTable,
    err: unknown,
    started: number,
    served: boolean,
  ): Promise<FeedRefreshResult> {
    const message = errorMessage(err);
    const at = Date.now();
    const now = new Date(at).toISOString();
    const failures = row.failures + 1;
    const retryAt = new Date(
      at + retryDelayMs(failures, row.refresh_minutes * 60_000, this.opts.retryBaseMs),
    ).toISOString();
    const patch = { last_fetch_at: now, last_error: message, failures, next_attempt_at: retryAt };
    const kept =
      row.domain_count > 0 && served
        ? `The last good list (${row.domain_count} names) stays served.`
        : row.domain_count > 0
          ? // A holder of the BIND lease that has no copy of the list yet (it took the lease over).
            `Its last good list (${row.domain_count} names) is not served until a refresh succeeds.`
          : 'Nothing from it is served yet.';
    await this.opts.outbox.commit(
      [
        failedAlert(
          row,
          `Blocklist feed "${row.name}" could not be refreshed: ${message}. ${kept}`,
        ),
        completion(row, 'failed', 0, 0, started, message),
      ],
      (trx) => this.store.update(trx, row.id, patch),
    );
    return {
      outcome: 'failed',
      added: 0,
      removed: 0,
      total: row.domain_count,
      errors: 0,
      error: message,
      feed: toFeed({ ...row, ...patch }),
    };
  }
}

function errorMessage(err: unknown): string {
  const host =
    err instanceof AppError ? (err.details as { host?: unknown } | undefined)?.host : undefined;
  const text =
    err instanceof AppError
      ? `${err.code}${typeof host === 'string' ? ` (${host})` : ''}`
      : err instanceof Error
        ? err.message
        : String(err);
  return text.slice(0, 500);
}
