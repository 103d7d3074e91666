import type { Kysely, Migration } from 'kysely';

/**
 * Self-service account data (account/): one row of preferences per user, the notification
 * modes as JSON (parsed with the protocol's schema on every read, so a category added later
 * gets its default rather than a migration). Deleting the user deletes the row. Login sessions
 * need no table of their own: the refresh-token rows (0001) already hold each family's creation
 * time, rotations, address and user agent.
 */
export const accountMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('user_preferences')
      .addColumn('user_id', 'text', (c) =>
        c.primaryKey().references('users.id').onDelete('cascade'),
      )
      .addColumn('notifications', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('user_preferences').execute();
  },
};
