import type { Kysely, Migration } from 'kysely';

/**
 * One instance at a time matches alert rules (alerting/alert-dispatcher.ts): its conditions
 * keep windows in memory, which two instances reading alternate batches of one shared cursor
 * would each see half of. The cursor row holds who matches and until when.
 */
export const alertMatcherLeaseMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('alert_cursor').addColumn('holder', 'text').execute();
    await db.schema.alterTable('alert_cursor').addColumn('held_until', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('alert_cursor').dropColumn('held_until').execute();
    await db.schema.alterTable('alert_cursor').dropColumn('holder').execute();
  },
};
