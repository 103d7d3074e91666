import { randomUUID } from 'node:crypto';
import { access, link, mkdir, rename, rm } from 'node:fs/promises';
import type { EventDataOf, EventType } from '@hdns/protocol';
import {
  MAX_ENABLED_FEEDS,
  type Feed,
  type FeedInput,
  type FeedPatch,
  type FeedRefreshResult,
} from '@hdns/protocol/rest';
import type { Actor } from '@hdns/hub';
import type { Identity } from '../auth/identity.js';
import type { DnsBackend } from '../dns/dns-backend.js';
import { actorOf } from '../dns/zone-access.js';
import { stale } from '../dns/zone-service.js';
import { AppError } from '../http/app-error.js';
import { KeyedMutex } from '../lib/keyed-mutex.js';
import type { Outbox } from '../outbox/outbox.js';
import { outboxEvent, type OutboxEvent } from '../outbox/outbox-event.js';
import type { Db } from '../storage/db.js';
import type { BlocklistFeedsTable } from '../storage/schema.js';
import { compileFeed, readLines, type CompileResult } from './feed-compiler.js';
import { fetchFeed, refusedLiteralHost } from './feed-fetcher.js';
import { compiledFile, feedZoneName, servedFeedZones } from './feed-files.js';
import { feedName } from './feed-parsers.js';
import { FeedStore, toFeed } from './feed-store.js';

/**
 * Blocklist feeds: CRUD, the refresh (download → compile the feed's own zone → BIND reloads that
 * zone alone → row and `rpz_update` committed together) and the allowlist.
 *
 * A refresh publishes `bulk_operation_progress` (jobId = the feed's id, kind `feed_refresh`,
 * `processed`/`total` in bytes downloaded, `succeeded` = lines read) and ends with
 * `bulk_operation_complete`, so the dashboard's progress bar is the one bulk imports use. A
 * refresh that fails (download, parse, BIND) keeps the last good list served, records
 * `lastError` and raises a `health_alert` (source `feeds`: the protection is degraded, nothing
 * attacked); the next good one raises it `resolved`.
 *
 * Locks: a feed's own (download and compile, which may take seconds) then the set's (BIND and
 * the database), always in that order.
 */

export interface FeedFetchSettings {
  allowPrivate: boolean;
  maxBytes: number;
  timeoutMs: number;
}

export interface FeedServiceOptions {
  db: Db;
  backend: DnsBackend;
  outbox: Outbox;
  /** Publishes an event that is an observation, not a stored change (progress). */
  publish: <T extends EventType>(type: T, data: EventDataOf<T>) => void;
  dir: string;
  fetch: FeedFetchSettings;
  log: { warn(obj: object, msg: string): void };
}

const SET = 'set';
const PROGRESS_MS = 250;
const ALERT_SOURCE = 'feeds';

export class FeedService {
  readonly store: FeedStore;
  private readonly locks = new KeyedMutex();
  private readonly background = new Set<Promise<unknown>>();
  /** Feeds whose refresh runs now: the scheduler does not queue another behind it. */
  private readonly refreshing = new Set<string>();

  constructor(private readonly opts: FeedServiceOptions) {
    this.store = new FeedStore(opts.db);
  }

  async list(): Promise<Feed[]> {
    return (await this.store.list()).map(toFeed);
  }

  async get(id: string): Promise<Feed> {
    const row = await this.store.get(id);
    if (!row) throw new AppError('NOT_FOUND', { feed: id });
    return toFeed(row);
  }

  async create(identity: Identity, input: FeedInput): Promise<Feed> {
    assertAdmin(identity);
    this.checkUrl(input.url);
    const row = await this.locks.run(SET, async () => {
      const rows = await this.store.list();
      if (input.enabled) checkLimit(rows.filter((r) => r.enabled === 1).length + 1);
      const id = randomUUID();
      const now = new Date().toISOString();
      const created: BlocklistFeedsTable = {
        id,
        name: input.name,
        url: input.url,
        format: input.format,
        category: input.category,
        action: input.action,
        redirect_to: input.action === 'redirect' ? (input.redirectTo ?? null) : null,
        enabled: input.enabled ? 1 : 0,
        refresh_minutes: input.refreshMinutes,
        zone: feedZoneName(id),
        serial: 0,
        last_fetch_at: null,
        last_success_at: null,
        last_error: null,
        etag: null,
        last_modified: null,
        domain_count: 0,
        skipped_count: 0,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await this.opts.outbox.commit([], (trx) => this.store.insert(trx, created));
      return created;
    });
    if (row.enabled === 1) this.refreshLater(row.id, actorOf(identity));
    return toFeed(row);
  }

  async update(identity: Identity, id: string, patch: FeedPatch): Promise<Feed> {
    assertAdmin(identity);
    if (patch.url !== undefined) this.checkUrl(patch.url);
    let relist = false;
    let refetch = false;
    const after = await this.locks.run(id, () =>
      this.locks.run(SET, async () => {
        const rows = await this.store.list();
        const before = rows.find((r) => r.id === id);
        if (!before) throw new AppError('NOT_FOUND', { feed: id });
        if (before.version !== patch.version) throw stale(before, toFeed(before));
        const action = patch.action ?? before.action;
        const next: BlocklistFeedsTable = {
          ...before,
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.url !== undefined ? { url: patch.url } : {}),
          ...(patch.format !== undefined ? { format: patch.format } : {}),
          ...(patch.category !== undefined ? { category: patch.category } : {}),
          ...(patch.refreshMinutes !== undefined ? { refresh_minutes: patch.refreshMinutes } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
          action,
          redirect_to: action === 'redirect' ? (patch.redirectTo ?? before.redirect_to) : null,
          version: before.version + 1,
          updated_at: new Date().toISOString(),
        };
        if (next.action === 'redirect' && !next.redirect_to)
          throw new AppError('VALIDATION_ERROR', {
            issues: [{ path: '/redirectTo', message: 'redirect needs redirectTo' }],
          });
        if (next.enabled === 1 && before.enabled === 0)
          checkLimit(rows.filter((r) => r.enabled === 1).length + 1);
        // What the zone holds changed: the next refresh must download and rewrite it.
        refetch =
          next.url !== before.url ||
          next.format !== before.format ||
          next.action !== before.action ||
          next.redirect_to !== before.redirect_to;
        if (refetch) {
          next.etag = null;
          next.last_modified = null;
        }
        relist = next.enabled !== before.enabled;
        if (relist) {
          const all = rows.map((r) => (r.id === id ? next : r));
          await this.opts.backend.setFeedZones(servedFeedZones(all, this.opts.dir));
        }
        await this.storeOrUndo(
          () => this.opts.outbox.commit([], (trx) => this.store.update(trx, id, next)),
          () => this.undoServing(null),
        );
        return next;
      }),
    );
    if (after.enabled === 1 && (refetch || (relist && after.last_success_at === null)))
      this.refreshLater(id, actorOf(identity));
    return toFeed(after);
  }

  async remove(identity: Identity, id: string): Promise<void> {
    assertAdmin(identity);
    await this.locks.run(id, () =>
      this.locks.run(SET, async () => {
        const rows = await this.store.list();
        const row = rows.find((r) => r.id === id);
        if (!row) throw new AppError('NOT_FOUND', { feed: id });
        const rest = rows.filter((r) => r.id !== id);
        await this.opts.backend.setFeedZones(servedFeedZones(rest, this.opts.dir));
        await this.storeOrUndo(
          () => this.opts.outbox.commit([], (trx) => this.store.remove(trx, id)),
          () => this.undoServing(null),
        );
        await rm(compiledFile(this.opts.dir, row.zone), { force: true });
      }),
    );
  }

  async allowlist(): Promise<string[]> {
    return this.store.allowlist();
  }

  /** Replaces the allowlist: its zone is reloaded alone, before every feed in evaluation. */
  async setAllowlist(identity: Identity, domains: readonly string[]): Promise<string[]> {
    assertAdmin(identity);
    const names = [...new Set(domains.map((d) => d.trim().toLowerCase().replace(/\.$/, '')))];
    for (const n of names) {
      if (feedName(n.startsWith('*.') ? n.slice(2) : n) === null)
        throw new AppError('VALIDATION_ERROR', {
          issues: [{ path: '/domains', message: `not a domain: ${n}` }],
        });
    }
    names.sort();
    return this.locks.run(SET, async () => {
      await this.opts.backend.setAllowlist(names);
      await this.storeOrUndo(
        () =>
          this.opts.outbox.commit(
            [
              event(
                'rpz_update',
                { action: 'bulk', count: names.length, policyZone: 'rpz-allow.local' },
                actorOf(identity),
              ),
            ],
            (trx) => this.store.replaceAllowlist(trx, names),
          ),
        async () => {
          // Best effort, as undoServing: the next start resyncs the allowlist zone otherwise.
          await this.opts.backend.setAllowlist(await this.store.allowlist()).catch(() => undefined);
        },
      );
      return names;
    });
  }

  /** Feeds whose interval has passed (the scheduler refreshes them one by one). */
  async due(now = Date.now()): Promise<string[]> {
    return (await this.store.list())
      .filter(
        (r) =>
          r.enabled === 1 &&
          !this.refreshing.has(r.id) &&
          (r.last_fetch_at === null ||
            now - Date.parse(r.last_fetch_at) >= r.refresh_minutes * 60_000),
      )
      .map((r) => r.id);
  }

  /** Resolves once the refreshes started in the background have ended. */
  async settle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  private refreshLater(id: string, actor: Actor | null): void {
    const run = this.refresh(id, actor).catch((err: unknown) => {
      this.opts.log.warn({ feed: id, err: String(err) }, 'feed refresh failed');
    });
    this.background.add(run);
    void run.finally(() => this.background.delete(run));
  }

  /** Downloads and applies one feed now; a failure is an outcome, not a throw. */
  async refresh(id: string, actor: Actor | null): Promise<FeedRefreshResult> {
    this.refreshing.add(id);
    try {
      return await this.refreshLocked(id, actor);
    } finally {
      this.refreshing.delete(id);
    }
  }

  private async refreshLocked(id: string, actor: Actor | null): Promise<FeedRefreshResult> {
    return this.locks.run(id, async () => {
      const row = await this.store.get(id);
      if (!row) throw new AppError('NOT_FOUND', { feed: id });
      const started = Date.now();
      const target = compiledFile(this.opts.dir, row.zone);
      const backup = `${target}.prev`;
      const haveFile = await access(target).then(
        () => true,
        () => false,
      );
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
        return await this.locks.run(SET, async () => {
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
          };
          await this.apply(next);
          applied = true;
          const events = [
            event(
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
        return this.failed(row, err, started);
      }
    });
  }

  /** BIND serves the new file: its zone reloaded alone, or the zone set changed (first list). */
  private async apply(next: BlocklistFeedsTable): Promise<void> {
    if (next.enabled !== 1) return;
    const rows = await this.store.list();
    const before = servedFeedZones(rows, this.opts.dir);
    const spec = servedFeedZones([next], this.opts.dir)[0];
    if (!spec) return;
    if (before.some((z) => z.name === next.zone)) {
      await this.opts.backend.reloadFeedZone(spec);
    } else {
      const all = rows.map((r) => (r.id === next.id ? next : r));
      await this.opts.backend.setFeedZones(servedFeedZones(all, this.opts.dir));
    }
  }

  private async notModified(row: BlocklistFeedsTable) {
    const now = new Date().toISOString();
    const next = { ...row, last_fetch_at: now, last_success_at: now, last_error: null };
    await this.opts.outbox.commit(row.last_error ? [resolvedAlert(row)] : [], (trx) =>
      this.store.update(trx, row.id, {
        last_fetch_at: now,
        last_success_at: now,
        last_error: null,
      }),
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

  private async failed(
    row: BlocklistFeedsTable,
    err: unknown,
    started: number,
  ): Promise<FeedRefreshResult> {
    const message = (
      err instanceof AppError
        ? `${err.code}${typeof (err.details as { host?: unknown } | undefined)?.host === 'string' ? ` (${String((err.details as { host: string }).host)})` : ''}`
        : err instanceof Error
          ? err.message
          : String(err)
    ).slice(0, 500);
    const now = new Date().toISOString();
    await this.opts.outbox.commit(
      [
        outboxEvent(
          'health_alert',
          {
            alertId: `feed-${row.id}`,
            severity: 'warning',
            source: ALERT_SOURCE,
            metric: 'feed_refresh',
            message:
              `Blocklist feed "${row.name}" could not be refreshed: ${message}. ` +
              (row.domain_count > 0
                ? `The last good list (${row.domain_count} names) stays served.`
                : 'Nothing from it is served yet.'),
          },
          { actor: null, source: ALERT_SOURCE },
        ),
        completion(row, 'failed', 0, 0, started, message),
      ],
      (trx) => this.store.update(trx, row.id, { last_fetch_at: now, last_error: message }),
    );
    const feed = toFeed({ ...row, last_fetch_at: now, last_error: message });
    return {
      outcome: 'failed',
      added: 0,
      removed: 0,
      total: row.domain_count,
      errors: 0,
      error: message,
      feed,
    };
  }

  /**
   * Re-serves what the stored rows say after a commit failed once BIND had changed: the zone
   * set, and `row`'s previous list (its file is back in place) when it had one. Best effort: if
   * BIND cannot be put back either, the next start resyncs it from the database.
   */
  private async undoServing(row: BlocklistFeedsTable | null): Promise<void> {
    try {
      await this.opts.backend.setFeedZones(servedFeedZones(await this.store.list(), this.opts.dir));
      const previous = row ? servedFeedZones([row], this.opts.dir)[0] : undefined;
      if (previous) await this.opts.backend.reloadFeedZone(previous);
    } catch {
      // The start-up resync puts BIND back in step with the database.
    }
  }

  private async storeOrUndo<T>(store: () => Promise<T>, undo: () => Promise<void>): Promise<T> {
    try {
      return await store();
    } catch (err) {
      await undo();
      throw err;
    }
  }

  private checkUrl(url: string): void {
    const host = refusedLiteralHost(url, this.opts.fetch.allowPrivate);
    if (host) throw new AppError('FEED_URL_REFUSED', { host });
  }
}

function event<T extends EventType>(
  type: T,
  data: EventDataOf<T>,
  actor: Actor | null,
): OutboxEvent {
  return outboxEvent(type, data, { actor, source: ALERT_SOURCE });
}

function resolvedAlert(row: BlocklistFeedsTable): OutboxEvent {
  return event(
    'health_alert',
    {
      alertId: `feed-${row.id}`,
      severity: 'info',
      source: ALERT_SOURCE,
      metric: 'feed_refresh',
      message: `Blocklist feed "${row.name}" refreshes again.`,
      resolved: true,
    },
    null,
  );
}

function checkLimit(enabled: number): void {
  if (enabled > MAX_ENABLED_FEEDS)
    throw new AppError('FEED_LIMIT_REACHED', { max: MAX_ENABLED_FEEDS });
}

function assertAdmin(identity: Identity): void {
  // A feed blocks names for every client of the resolver, like an RPZ rule: admins only.
  if (identity.role !== 'admin') throw new AppError('FORBIDDEN');
}

/** The refresh's end for the progress bar: in the commit of its outcome, never lost apart. */
function completion(
  row: BlocklistFeedsTable,
  status: 'succeeded' | 'failed',
  total: number,
  skipped: number,
  started: number,
  reason?: string,
): OutboxEvent {
  return outboxEvent('bulk_operation_complete', {
    jobId: row.id,
    kind: 'feed_refresh',
    zone: null,
    total,
    status,
    succeeded: total,
    failed: skipped,
    durationMs: Date.now() - started,
    errors: [],
    errorCount: skipped,
    ...(reason ? { reason } : {}),
  });
}
