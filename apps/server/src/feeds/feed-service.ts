import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import {
  MAX_ENABLED_FEEDS,
  type Feed,
  type FeedInput,
  type FeedPatch,
  type FeedRefreshResult,
} from '@hdns/protocol/rest';
import type { Actor } from '@hdns/hub';
import type { Identity } from '../auth/identity.js';
import { actorOf, assertPolicyAdmin } from '../dns/zone-access.js';
import { stale } from '../dns/zone-service.js';
import { AppError } from '../http/app-error.js';
import { KeyedMutex } from '../lib/keyed-mutex.js';
import type { Db } from '../storage/db.js';
import type { BlocklistFeedsTable } from '../storage/schema.js';
import { feedEvent } from './feed-events.js';
import { refusedLiteralHost } from './feed-fetcher.js';
import {
  compiledFile,
  feedZoneName,
  hasCurrentFile,
  isServed,
  servedFeedZones,
} from './feed-files.js';
import { feedName } from './feed-parsers.js';
import { FeedRefresher, SET_LOCK as SET, type FeedRefreshOptions } from './feed-refresh.js';
import { nextRefreshMs } from './feed-retry.js';
import { FeedStore, toFeed } from './feed-store.js';

export type { FeedFetchSettings } from './feed-refresh.js';

/**
 * Blocklist feeds: CRUD, the refresh (feed-refresh.ts) and the allowlist.
 *
 * A failed refresh is retried sooner than the feed's interval (feed-retry.ts); the retry time
 * is stored with the feed, so a restart or a new BIND lease holder keeps to it.
 *
 * Under the BIND lease every commit goes through the outbox the plugin guards with the lease's
 * fence (dns/bind-fence.ts), as the DNS services' do: an instance that lost the lease stores
 * nothing and answers BIND_UNAVAILABLE, and what it had changed in its named is put back.
 *
 * Locks: a feed's own (download and compile, which may take seconds) then the set's (BIND and
 * the database), always in that order.
 */

export interface FeedServiceOptions extends FeedRefreshOptions {
  db: Db;
}

const CATEGORY_TTL_MS = 30_000;
/** Feed zones' names start so (feed-files.ts); named may report them in any case. */
const FEED_ZONE_PREFIX = 'rpz-feed-';

export class FeedService {
  readonly store: FeedStore;
  private readonly locks = new KeyedMutex();
  private readonly background = new Set<Promise<unknown>>();
  /** Feeds whose refresh runs now: the scheduler does not queue another behind it. */
  private readonly refreshing = new Set<string>();
  private categories: { at: number; byZone: Map<string, string> } | null = null;
  private readonly refresher: FeedRefresher;

  constructor(private readonly opts: FeedServiceOptions) {
    this.store = new FeedStore(opts.db);
    this.refresher = new FeedRefresher(this.store, this.locks, opts);
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
    assertPolicyAdmin(identity);
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
        failures: 0,
        next_attempt_at: null,
        version: 1,
        created_at: now,
        updated_at: now,
      };
      await this.opts.outbox.commit([], (trx) => this.store.insert(trx, created));
      this.categories = null;
      return created;
    });
    if (row.enabled === 1) this.refreshLater(row.id, actorOf(identity));
    return toFeed(row);
  }

  async update(identity: Identity, id: string, patch: FeedPatch): Promise<Feed> {
    assertPolicyAdmin(identity);
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
          await this.opts.backend.setFeedZones(await servedFeedZones(all, this.opts.dir));
        }
        await this.storeOrUndo(
          () => this.opts.outbox.commit([], (trx) => this.store.update(trx, id, next)),
          () => this.refresher.undoServing(null),
        );
        this.categories = null;
        return next;
      }),
    );
    // Enabled again with no current list here (never fetched, or its file is an earlier lease
    // holding's): downloaded now rather than at the scheduler's next check.
    if (
      after.enabled === 1 &&
      (refetch ||
        (relist &&
          (after.last_success_at === null || !(await hasCurrentFile(this.opts.dir, after)))))
    )
      this.refreshLater(id, actorOf(identity));
    return toFeed(after);
  }

  async remove(identity: Identity, id: string): Promise<void> {
    assertPolicyAdmin(identity);
    await this.locks.run(id, () =>
      this.locks.run(SET, async () => {
        const rows = await this.store.list();
        const row = rows.find((r) => r.id === id);
        if (!row) throw new AppError('NOT_FOUND', { feed: id });
        const rest = rows.filter((r) => r.id !== id);
        await this.opts.backend.setFeedZones(await servedFeedZones(rest, this.opts.dir));
        await this.storeOrUndo(
          () => this.opts.outbox.commit([], (trx) => this.store.remove(trx, id)),
          () => this.refresher.undoServing(null),
        );
        this.categories = null;
        await rm(compiledFile(this.opts.dir, row.zone), { force: true });
      }),
    );
  }

  /**
   * The category of the feed whose policy zone is `zone`; null when `zone` is no feed's zone
   * (the manual RPZ zone: its rules' categories apply), `custom` for a feed zone no feed has
   * (one just removed). Asked for every blocked query the RPZ log reports: the zones' categories
   * are read at most once per CATEGORY_TTL_MS (a changed category shows within that time).
   */
  async categoryOfZone(zone: string): Promise<string | null> {
    if (!zone.toLowerCase().startsWith(FEED_ZONE_PREFIX)) return null;
    const now = Date.now();
    if (this.categories === null || now - this.categories.at >= CATEGORY_TTL_MS) {
      const rows = await this.store.list();
      this.categories = { at: now, byZone: new Map(rows.map((r) => [r.zone, r.category])) };
    }
    return this.categories.byZone.get(zone.toLowerCase()) ?? 'custom';
  }

  async allowlist(): Promise<string[]> {
    return this.store.allowlist();
  }

  /** Replaces the allowlist: its zone is reloaded alone, before every feed in evaluation. */
  async setAllowlist(identity: Identity, domains: readonly string[]): Promise<string[]> {
    assertPolicyAdmin(identity);
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
              feedEvent(
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

  /**
   * Feeds due a refresh (the scheduler refreshes them one by one): their interval has passed, or
   * their retry time after a failure (feed-retry.ts), or they have a good list that this
   * instance has no current compiled file of (it took the BIND lease over from another, whose
   * data dir held them): named serves those zones again only once they are downloaded here. A
   * feed waiting out its retry time is not due for a missing file either: its list server was
   * down a moment ago.
   */
  async due(now = Date.now()): Promise<string[]> {
    const due: string[] = [];
    for (const r of await this.store.list()) {
      if (r.enabled !== 1 || this.refreshing.has(r.id)) continue;
      const next = nextRefreshMs(r);
      const retry = r.next_attempt_at === null ? null : Date.parse(r.next_attempt_at);
      const waiting = retry !== null && retry > now;
      if (
        (next !== null && next <= now) ||
        (isServed(r) && !waiting && !(await hasCurrentFile(this.opts.dir, r)))
      )
        due.push(r.id);
    }
    return due;
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
    return this.locks.run(id, () => this.refresher.run(id, actor));
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

function checkLimit(enabled: number): void {
  if (enabled > MAX_ENABLED_FEEDS)
    throw new AppError('FEED_LIMIT_REACHED', { max: MAX_ENABLED_FEEDS });
}
