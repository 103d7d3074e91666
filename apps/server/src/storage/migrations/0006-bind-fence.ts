import type { Kysely, Migration } from 'kysely';

/**
 * The BIND lease's fence in the database (dns/bind-fence.ts): one row holding the fencing token
 * of the newest lease holder. A holder takes the row over (raises the token) before it renders
 * the zones into its named, and every DNS write transaction checks, and locks, the row with its
 * own token; a write by a holder that lost the lease meanwhile is refused in its own
 * transaction instead of being stored behind the new holder's back. Token 0: no holder yet.
 */
export const bindFenceMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('bind_fence')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('token', 'integer', (c) => c.notNull())
      .execute();
    await (db as Kysely<{ bind_fence: { id: number; token: number } }>)
      .insertInto('bind_fence')
      .values({ id: 1, token: 0 })
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('bind_fence').execute();
  },
};
