import type { Kysely, Migration } from 'kysely';

/**
 * What ends when a user's rights change.
 *
 * - `users.token_version`: embedded in every access token (`tv` claim) and compared on every
 *   authenticated request and WebSocket auth; bumped on a password, role, zones or disabled
 *   change, so every token issued before stops working at once.
 * - `bulk_jobs.stop_reason`: why a job was cancelled (its user lost the right to run it).
 */
export const rightsRevocationMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('users')
      .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.alterTable('bulk_jobs').addColumn('stop_reason', 'text').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('bulk_jobs').dropColumn('stop_reason').execute();
    await db.schema.alterTable('users').dropColumn('token_version').execute();
  },
};
