import type { Kysely, Migration } from 'kysely';
import { bigint } from './column-types.js';

/**
 * Blocklist feeds (feeds/): one row per feed with its fetch state, never one row per domain (a
 * feed's domains live in its compiled response-policy zone file). The allowlist is a short list
 * an operator types in: one row per domain, exempting it from every feed.
 */
export const blocklistFeedsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('blocklist_feeds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('redirect_to', 'text')
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('refresh_minutes', 'integer', (c) => c.notNull())
      .addColumn('zone', 'text', (c) => c.notNull().unique())
      .addColumn('serial', bigint(db), (c) => c.notNull())
      .addColumn('last_fetch_at', 'text')
      .addColumn('last_success_at', 'text')
      .addColumn('last_error', 'text')
      .addColumn('etag', 'text')
      .addColumn('last_modified', 'text')
      .addColumn('domain_count', 'integer', (c) => c.notNull())
      .addColumn('skipped_count', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('feed_allowlist')
      .addColumn('domain', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('feed_allowlist').execute();
    await db.schema.dropTable('blocklist_feeds').execute();
  },
};
