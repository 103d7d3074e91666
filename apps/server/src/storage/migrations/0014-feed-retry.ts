import type { Kysely, Migration } from 'kysely';

/**
 * Blocklist feeds retry a failed refresh sooner than their interval (feeds/feed-retry.ts): the
 * count of failures in a row and when the next attempt is due, kept with the feed so that a
 * restart or another instance taking the BIND lease over goes on from the same point.
 */
export const feedRetryMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('blocklist_feeds')
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('blocklist_feeds').addColumn('next_attempt_at', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('blocklist_feeds').dropColumn('next_attempt_at').execute();
    await db.schema.alterTable('blocklist_feeds').dropColumn('failures').execute();
  },
};
