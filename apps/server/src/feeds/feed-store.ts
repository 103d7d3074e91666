import type { Feed, FeedAction, FeedFormat, RpzCategory } from '@hdns/protocol/rest';
import type { Db } from '../storage/db.js';
import type { BlocklistFeedsTable } from '../storage/schema.js';
import { nextRefreshAt } from './feed-retry.js';

/** Feed rows (never one row per domain) and the allowlist, on SQLite and PostgreSQL alike. */

export function toFeed(r: BlocklistFeedsTable): Feed {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    format: r.format as FeedFormat,
    category: r.category as RpzCategory,
    action: r.action as FeedAction,
    redirectTo: r.redirect_to,
    enabled: r.enabled === 1,
    refreshMinutes: r.refresh_minutes,
    zone: r.zone,
    lastFetchAt: r.last_fetch_at,
    lastSuccessAt: r.last_success_at,
    lastError: r.last_error,
    etag: r.etag,
    lastModified: r.last_modified,
    domainCount: Number(r.domain_count),
    skippedCount: Number(r.skipped_count),
    failures: Number(r.failures),
    nextRefreshAt: nextRefreshAt(r),
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class FeedStore {
  constructor(private readonly db: Db) {}

  /** Every feed, in the order named evaluates their zones (oldest first). */
  async list(db: Db = this.db): Promise<BlocklistFeedsTable[]> {
    const rows = await db
      .selectFrom('blocklist_feeds')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(fromDb);
  }

  async get(id: string, db: Db = this.db): Promise<BlocklistFeedsTable | undefined> {
    const row = await db
      .selectFrom('blocklist_feeds')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? fromDb(row) : undefined;
  }

  async insert(db: Db, row: BlocklistFeedsTable): Promise<void> {
    await db.insertInto('blocklist_feeds').values(row).execute();
  }

  async update(db: Db, id: string, patch: Partial<BlocklistFeedsTable>): Promise<void> {
    await db.updateTable('blocklist_feeds').set(patch).where('id', '=', id).execute();
  }

  async remove(db: Db, id: string): Promise<void> {
    await db.deleteFrom('blocklist_feeds').where('id', '=', id).execute();
  }

  async allowlist(db: Db = this.db): Promise<string[]> {
    const rows = await db.selectFrom('feed_allowlist').select('domain').orderBy('domain').execute();
    return rows.map((r) => r.domain);
  }

  async replaceAllowlist(db: Db, domains: readonly string[]): Promise<void> {
    await db.deleteFrom('feed_allowlist').execute();
    const now = new Date().toISOString();
    for (let i = 0; i < domains.length; i += 500) {
      const chunk = domains.slice(i, i + 500).map((domain) => ({ domain, created_at: now }));
      if (chunk.length > 0) await db.insertInto('feed_allowlist').values(chunk).execute();
    }
  }
}

/** PostgreSQL returns bigint columns as strings. */
function fromDb(row: BlocklistFeedsTable): BlocklistFeedsTable {
  return { ...row, serial: Number(row.serial), failures: Number(row.failures) };
}
